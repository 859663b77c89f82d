"""The ``duty`` command line. Thin: parse options, call one engine function, render.

Heavy modules (durable_rules, networkx, pydantic models) are imported inside the commands so
that ``duty --help`` stays fast. Annotations are evaluated when this module is imported (no
``from __future__ import annotations``): typer reads every command's parameters when it
builds the command line, and string annotations would be parsed and evaluated again there.
"""

import gc

# Start-up makes objects that live as long as the process (modules, classes, the command
# line's parameters). The cyclic collector is paused while this module loads and, under
# ``main``, until a command begins (``user_errors``); what was made by then is left out of
# its scans for good (``gc.freeze``) instead of being scanned every few hundred allocations
# meanwhile, or all at once as one young generation when the collector is back on. Imported
# otherwise (tests), the collector is back on once the module is loaded.
_collecting = gc.isenabled()
gc.disable()

import contextlib  # noqa: E402
import functools  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Iterable, Iterator  # noqa: E402
from datetime import date  # noqa: E402
from enum import Enum  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Annotated, Any, TypeVar  # noqa: E402

import typer  # noqa: E402

from engine import __version__  # noqa: E402
from engine.cli_words import install as _chinese_words  # noqa: E402

_chinese_words()  # the library's usage errors and help headings, in Chinese

F = TypeVar("F", bound=Callable[..., Any])

EXIT_REJECTED = 3  # --fail-on-reject and a proposal was rejected

app = typer.Typer(
    name="duty",
    help="街道职责准入与履行职责事项清单引擎：评估申请、生成清单、检验情景。",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

CountyOpt = Annotated[
    Path | None,
    typer.Option("--county", help="县区目录（含 county.yaml）；省略时使用内置示例区。",
                 show_default=False, envvar="DUTY_COUNTY"),
]

DbOpt = Annotated[Path | None, typer.Option(
    "--db", envvar="DUTY_DB", show_default=False,
    help="流程数据库文件（SQLite，默认 duty.db）；也可用环境变量 DUTY_DB。设置 "
         "DUTY_DATABASE_URL 时使用该 PostgreSQL 数据库。")]


class ReportFormat(str, Enum):
    text = "text"
    json = "json"


class GraphFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"
    json = "json"


def _format(help_text: str) -> Any:
    return typer.Option("--format", "-f", help=help_text, show_default=True)


def _emit(text: str) -> None:
    """Write to standard output with control and bidirectional characters escaped, so no name
    or title from a file can drive the terminal (a CRLF pair stays: CSV ends its rows so)."""
    from engine.render.escape import terminal

    sys.stdout.write(terminal(text))


_starting = False  # ``main`` paused the collector for start-up; the command turns it back on


def _command_begins() -> None:
    """Start-up is over: the collector runs again for the command's own work, over what
    the command makes (see the top of this module)."""
    global _starting
    if _starting:
        _starting = False
        gc.freeze()
        gc.enable()


def user_errors(func: F) -> F:
    """Report engine errors as a message and an exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _command_begins()
        from engine.errors import DutyError
        from engine.render.escape import terminal

        try:
            try:
                return func(*args, **kwargs)
            except OSError as exc:  # disk full, read-only, no permission: worded for people
                from engine.fileio import system_failure

                raise system_failure(exc) from exc
        except DutyError as exc:
            typer.echo(terminal(_cli_words(exc)), err=True)
            raise typer.Exit(_exit_code(exc)) from None
        except typer.Exit:
            raise
        except Exception as exc:  # a fault of the tool: say so briefly, keep details on demand
            if os.environ.get("DUTY_DEBUG"):
                raise
            typer.echo(terminal(f"内部错误 [E-INTERNAL]：{exc!r}") + "\n  提示：设置环境变量 "
                       "DUTY_DEBUG=1 可查看完整调用栈，并请报告此问题。", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _exit_code(exc: Any) -> int:
    """Exit 2 for what was named wrongly on the command line, else the error's own code."""
    from engine.errors import ConflictError, NotFoundError, StoreError

    if isinstance(exc, NotFoundError) and exc.kind in ("proposal", "state", "version",
                                                        "account", "street",
                                                        "department", "item",
                                                        "attachment"):
        return 2
    if isinstance(exc, ConflictError) and exc.subject == "county":
        return 2
    if isinstance(exc, StoreError) and exc.reason in ("missing", "is-directory",
                                                      "uninitialised", "exists"):
        return 2
    return int(exc.exit_code)


def _cli_words(exc: Any) -> str:
    """The error as the command line words it: the engine's message, with the options and
    variables that fix it."""
    from engine.errors import (
        ChoiceError,
        ConflictError,
        CountyMissingError,
        DutyError,
        NoRoleError,
        NoScenariosError,
        NoteError,
        OutputDirError,
        StoreError,
        TooLargeError,
    )

    text = exc.render()
    if isinstance(exc, ChoiceError):  # the value's option before the message
        hint = exc.hint
        if exc.sample_county:
            hint = (hint or "") + "未用 --county 指定县区目录，当前使用的是内置示例区。"
        text = DutyError(f"--{exc.field}：{exc.message}", location=exc.location, hint=hint,
                         code=exc.code).render()
    elif isinstance(exc, NoScenariosError):  # the command's own words: -k, an example
        if exc.pattern is None:
            message, hint = exc.message, "给出情景文件或目录，例如 duty scenario run my-scenarios/"
        else:
            message = exc.message + (f"（-k {exc.pattern} 没有匹配）" if exc.pattern else "")
            hint = (exc.hint or "").rstrip("。") + "；-k 按文件路径（不含扩展名）的片段筛选。"
        text = DutyError(message, location=exc.location, hint=hint, code=exc.code).render()
    elif isinstance(exc, NoRoleError):
        text += "\n  用 --as 或环境变量 DUTY_ACTOR 指定角色。"
    elif isinstance(exc, ConflictError) and exc.subject == "county":
        text += "\n  用 --county 指定该数据库所属的县区目录，或用 --db 换一个数据库。"
    elif isinstance(exc, StoreError) and exc.reason in ("missing", "uninitialised"):
        text += "\n  用 --db 或环境变量 DUTY_DB 指定数据库（PostgreSQL 用 DUTY_DATABASE_URL）。"
    elif isinstance(exc, NoteError):
        text += "\n  意见用 --note 写，依据用 --basis 写。"
    elif isinstance(exc, CountyMissingError):
        text += "\n  用 --county 指定县区目录；省略时使用内置示例区。"
    elif isinstance(exc, OutputDirError) and exc.forcible:
        text += "\n  确需写入时加 --force（只写本工具的文件，不删除、不覆盖其他文件）。"
    elif isinstance(exc, TooLargeError):
        text += "\n  例如 duty lists build --all --format xlsx -o 目录，或用 --format csv。"
    return text


def _store_named(db: Path | None) -> bool:
    """Whether a store is named (--db, DUTY_DB or DUTY_DATABASE_URL)."""
    return db is not None or bool(os.environ.get("DUTY_DATABASE_URL"))


def _published(county: Path | None, db: Path | None) -> Any:
    """The county as the store named by --db / DUTY_DB / DUTY_DATABASE_URL last published it
    (and a note on stderr saying so); without one, the county directory as it is."""
    return _published_source(county, db)[0]


def _published_source(county: Path | None, db: Path | None,
                      as_of: str | None = None) -> tuple[Any, Any]:
    """``_published`` and the version with its date and audit anchor (a ``ListSource``, for
    documents' title blocks; None when the county directory is used as it is); ``as_of``:
    the version in force on that day instead of the newest (with a store), and the county
    read on that day (its items, grants and decisions in force then); without it, today."""
    from engine.api import published_workspace, store_target
    from engine.render.escape import terminal

    explicit = db is not None or bool(os.environ.get("DUTY_DATABASE_URL"))
    target = store_target(db)
    day = None if as_of is None else _day(as_of, "--as-of")
    # read on the day asked for, else today: only what is in force then counts
    from engine.clock import Clock

    ws, source = published_workspace(county, target, explicit, day,
                                     reading=day or Clock.from_environment().now.date())
    if source is not None:
        typer.echo(terminal(f"依据：数据库 {target.shown} 中的{ws.county.name}清单第 "
                            f"{source.version} 版（{source.published} 公布）；审计锚点 "
                            f"{source.anchor or '—'}"), err=True)
    return ws, source


@contextlib.contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on standard error when it is a terminal; silent otherwise."""
    stream = sys.stderr
    if not stream.isatty():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(file=stream), transient=True) as bar:
        task = bar.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _version(value: bool) -> None:
    if value:
        typer.echo(f"duty {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="显示版本并退出。")] = False,
) -> None:
    """街道职责准入与履行职责事项清单引擎。"""


@app.command()
@user_errors
def evaluate(
    proposals: Annotated[list[Path], typer.Argument(
        help="一个或多个申请 YAML 文件（准入、收回或动态调整）。", show_default=False)],
    county: CountyOpt = None,
    fmt: Annotated[ReportFormat, _format("输出格式：text 为中文报告，json 供脚本读取。")] = (
        ReportFormat.text
    ),
    fail_on_reject: Annotated[bool, typer.Option(
        "--fail-on-reject",
        help=f"有申请被否决（rejected）时以退出码 {EXIT_REJECTED} 结束，便于脚本把关。")] = False,
    db: DbOpt = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", show_default=False,
        help="按该日（YYYY-MM-DD）施行的清单评估：指定流程数据库时为该日及以前最后公布的版本；"
             "事项、赋权和决定写有施行日期的，只计该日施行的。省略时按今天。")] = None,
) -> None:
    """评估申请（准入、收回或动态调整）：逐街道、逐环节给出主责单位、经费安排和结论，并列出所依据的规则。

    指定流程数据库（--db、DUTY_DB 或 DUTY_DATABASE_URL）时，按其最新公布的清单评估。"""
    from engine.collector import paused, settle

    with paused():  # model classes, the county, the decisions: a tree, nothing to collect
        from engine.api import evaluate_files

        decisions = evaluate_files(proposals, ws=_published_source(county, db, as_of)[0])
        settle()  # they stay until the end: not scanned again when the collector is back on
    if fmt is ReportFormat.json:
        from engine.render.json_out import dumps

        _emit(dumps(decisions[0] if len(decisions) == 1 else decisions))
    else:
        from engine.render.decision_text import render_decisions

        _emit(render_decisions(decisions))
    if fail_on_reject and any(d.verdict == "rejected" for d in decisions):
        raise typer.Exit(EXIT_REJECTED)


@app.command()
@user_errors
def graph(
    county: CountyOpt = None,
    fmt: Annotated[GraphFormat, _format("输出格式：mermaid、dot（Graphviz）或 json。")] = (
        GraphFormat.mermaid
    ),
) -> None:
    """输出部门—派驻机构—街道关系图。"""
    from engine.api import county_graph
    from engine.render.graph_out import RENDERERS

    _emit(RENDERERS[fmt.value](county_graph(county)))


@app.command("check")
@user_errors
def check_cmd(
    county: CountyOpt = None,
    fmt: Annotated[ReportFormat, _format("输出格式：text 为中文报告，json 供脚本读取。")] = (
        ReportFormat.text
    ),
    db: DbOpt = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="目录事项需要所属部门并不持有的职权时直接拒绝加载（错误 E-POWER），"
                         "而不是作为问题 POWER-NOT-HELD 报告。")] = False,
) -> None:
    """检查清单和机构编制：无主责、多头牵头、权责不一致、协助事项无经费、未经准入下沉、事项重名、
    部门无权可放，必设机构、机构限额、机构职能，编制核定、超编、助理职数、编外、混岗、县级总量。

    没有问题时退出码为 0，发现问题时为 1，便于脚本把关。
    指定流程数据库时检查其最新公布的清单。"""
    from engine.api import check

    if strict:
        from engine.loading.workspace import load_workspace

        load_workspace(county, strict=True)
    name, problems = check(ws=_published(county, db))
    if fmt is ReportFormat.json:
        from engine.render.json_out import dumps

        _emit(dumps({"county": name, "clean": not problems, "problems": problems}))
    else:
        from engine.render.check_text import render_check

        _emit(render_check(name, problems))
    if problems:
        raise typer.Exit(1)


lists_app = typer.Typer(help="履行职责事项清单：生成、比较。", no_args_is_help=True,
                        rich_markup_mode=None)
app.add_typer(lists_app, name="lists")


class ListFormat(str, Enum):
    md = "md"
    html = "html"
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


def _day(text: str, option: str) -> date:
    """A YYYY-MM-DD date given on the command line."""
    from engine.errors import UsageError

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}：日期 “{text}” 应写作 YYYY-MM-DD",
                         hint="例如 2026-03-01") from None


@lists_app.command("build")
@user_errors
def lists_build(
    county: CountyOpt = None,
    street: Annotated[str | None, typer.Option(
        "--street", help="只输出该街道的三张清单（街道编号或名称）。",
        show_default=False)] = None,
    department: Annotated[str | None, typer.Option(
        "--department", help="只输出该部门的事项及应拨付街道经费（部门编号或名称）。",
        show_default=False)] = None,
    fmt: Annotated[ListFormat, _format(
        "输出格式：md 或 html（阅读、A4 打印）、csv（UTF-8 带 BOM，Excel 可直接打开）、"
        "xlsx（须用 -o）或 json（供脚本读取）。"
    )] = ListFormat.md,
    every: Annotated[bool, typer.Option(
        "--all", help="每个街道、每个部门各写一个文件，另写索引；须用 -o 指定目录。"
                      "目录须为新的、空的或本工具此前写入的（以标记文件 .duty-output.json 识别），"
                      "整体原子替换。")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="与 --all 同用：目录中有其他文件时仍写入本工具的文件"
                        "（逐个写入，不删除、不覆盖其他文件）。")] = False,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="写入该文件（--all 时为目录），原子写入；省略时输出到屏幕。",
        show_default=False)] = None,
    version: Annotated[int | None, typer.Option(
        "--version", min=0, show_default=False,
        help="输出流程数据库（--db）中已公布的第 N 版清单（0 为建库时的清单）。")] = None,
    with_rules: Annotated[bool, typer.Option(
        "--with-rules", help="表格中加列事项编号和分工规则编号（供核对；对外公布的清单不含）。"
                             "json 格式总是包含。")] = False,
    db: DbOpt = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", show_default=False,
        help="输出该日（YYYY-MM-DD）施行的清单：指定流程数据库时为该日及以前最后公布的"
             "版本（按公布时的原样）；否则为县区目录中该日施行的事项、赋权和决定。"
             "省略时按今天。")] = None,
) -> None:
    """生成各街道的基本履职、配合履职、上级部门收回三张清单和各部门清单。

    县区已有流程数据库时，默认输出其最新公布的版本（并在标准错误中说明版本）。"""
    from engine.api import county_lists
    from engine.errors import UsageError

    if street and department:
        raise UsageError("--street 与 --department 只能选一个")
    if fmt is ListFormat.xlsx and output is None and not every:
        raise UsageError("xlsx 是二进制文件，须用 -o 指定输出文件", hint="例如 -o 清单.xlsx")
    if force and not every:
        raise UsageError("--force 只能与 --all 一起使用")
    if every and (output is None or street or department):
        raise UsageError("--all 须与 -o 目录一起使用，且不能再指定 --street 或 --department",
                         hint="例如 --all -o out/lists")
    if as_of is not None and version is not None:
        raise UsageError("--as-of 与 --version 只能选一个")
    if as_of is not None and _store_named(db):
        from engine.api import version_on

        version = version_on(_target(db), _day(as_of, "--as-of"))
    if version is not None:
        from engine.api import version_anchor

        ws, source = None, version_anchor(_target(db), version)
    else:  # the county directory (or the store's newest version) as it stands on the day
        ws, source = _published_source(county, db, as_of)
    if every:
        from engine.collector import settle
        from engine.outdir import write_output_tree

        assert output is not None
        with progress_bar("生成清单") as advance:
            if ws is not None:  # the lists in force: one file at a time
                from engine.api import county_plan
                from engine.render.lists_stream import lists_tree

                plan, names = county_plan(ws=ws)
                settle()  # the county and its plan stay until the end
                total = len(plan.streets) + len(plan.county.departments) + 1  # and the index
                files: Iterable[tuple[str, str | bytes]] = lists_tree(
                    plan, names, fmt.value, source, with_rules)
            else:
                from engine.render.lists_files import render_tree

                lists, names = county_lists(version=version, target=_target(db))
                settle()
                tree = render_tree(lists, names, fmt.value, source, with_rules)
                files, total = tree.items(), len(tree)

            def counted() -> Iterator[tuple[str, str | bytes]]:
                for n, pair in enumerate(files, 1):
                    yield pair
                    advance(min(n, total), total)

            write_output_tree(output, counted(), force)
        return
    if fmt is ListFormat.xlsx and street is None and department is None and ws is not None:
        from engine.api import county_plan  # refuse a too large workbook before building it
        from engine.render.lists_xlsx import check_sheet_rows

        check_sheet_rows(county_plan(ws=ws)[0].list_sizes())
    lists, names = county_lists(county, street, department, version, _target(db), ws=ws)
    from engine.render.lists_files import render_lists

    data = render_lists(lists, names, fmt.value, source, with_rules)
    if output is None:
        _emit(data)  # type: ignore[arg-type]  # xlsx was refused above
    else:
        from engine.fileio import write_atomic

        write_atomic(output, data)


class DiffFormat(str, Enum):
    text = "text"
    md = "md"
    json = "json"


@lists_app.command("diff")
@user_errors
def lists_diff_cmd(
    proposals: Annotated[list[Path] | None, typer.Argument(
        help="按顺序评估并计入清单的申请文件（假设分析）；与 --to 二选一。",
        show_default=False)] = None,
    county: CountyOpt = None,
    to: Annotated[str | None, typer.Option(
        "--to", help="与另一个县区目录（修订后的版本）比较；与 --from 同用时为已公布清单的版本号。",
        show_default=False)] = None,
    old: Annotated[int | None, typer.Option(
        "--from", min=0, show_default=False,
        help="比较流程数据库（--db）中已公布的两版清单：从第 N 版（--to 为另一版）。")] = None,
    db: DbOpt = None,
    fmt: Annotated[DiffFormat, _format("输出格式：text、md（Markdown）或 json。")] = (
        DiffFormat.text
    ),
) -> None:
    """比较清单：若干申请获准之后（假设分析）、修订前后，或已公布的两个版本之间。"""
    from engine.errors import UsageError

    if old is not None:
        from engine.api import versions_diff

        if proposals or to is None or not to.isdigit():
            raise UsageError("--from N 须与 --to M（版本号）一起使用，且不再给出申请文件",
                             hint="例如 duty lists diff --from 0 --to 1")
        decisions, diff = [], versions_diff(_target(db), old, int(to))
    else:
        from engine.api import lists_diff

        if bool(proposals) == (to is not None):
            raise UsageError("请给出申请文件，或用 --to 指定另一个县区目录（二者选一）")
        decisions, diff = lists_diff(proposals or [], county, Path(to) if to else None,
                                     ws=_published(county, db))
    if fmt is DiffFormat.json:
        from engine.render.json_out import dumps

        _emit(dumps({"decisions": [{"proposal": d.proposal, "verdict": d.verdict}
                                   for d in decisions], "diff": diff}))
        return
    from engine.labels import label
    from engine.render.diff_text import render_diff

    head = "".join(f"{d.proposal}：{label(d.verdict)}（{d.title}）\n" for d in decisions)
    _emit(head + ("\n" if head else "") + render_diff(diff, fmt is DiffFormat.md))


report_app = typer.Typer(help="报告：机构编制与工作负担。", no_args_is_help=True,
                         rich_markup_mode=None)
app.add_typer(report_app, name="report")


class StaffingFormat(str, Enum):
    text = "text"
    md = "md"
    json = "json"
    html = "html"
    svg = "svg"


@report_app.command("staffing")
@user_errors
def report_staffing(
    county: CountyOpt = None,
    street: Annotated[str | None, typer.Option(
        "--street", help="只报告该街道（街道编号或名称；svg 图表也只画该街道）。",
        show_default=False)] = None,
    fmt: Annotated[StaffingFormat, _format(
        "输出格式：text、md（Markdown）、json（供脚本读取）、html（含图表的单个网页，可打印）"
        "或 svg（各街道工作量与承接能力对比图）。")] = StaffingFormat.text,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="写入该文件（原子写入）；省略时输出到屏幕。",
        show_default=False)] = None,
) -> None:
    """机构编制和工作负担报告：逐街道列出规模或类别、机构、编制核定与现有、清单工作量与承接能力、
    各部门拨付经费和工作量最大的事项，并附工作量与承接能力对比图。"""
    from engine.api import county_workspace, known_id
    from engine.staffing.report import staffing_report

    ws = county_workspace(county)
    names = {s.id: s.name for s in ws.county.streets.values()}
    report = staffing_report(ws, known_id(street, names, "街道", "street", county is None))
    if fmt is StaffingFormat.json:
        from engine.render.json_out import dumps

        data = dumps(report)
    else:
        from engine.render.staffing_out import RENDERERS

        data = RENDERERS[fmt.value](report)
    if output is None:
        _emit(data)
    else:
        from engine.fileio import write_atomic

        write_atomic(output, data)


county_app = typer.Typer(help="县区数据：编译快照以便快速加载大型县区。", no_args_is_help=True,
                         rich_markup_mode=None)
app.add_typer(county_app, name="county")


@county_app.command("compile")
@user_errors
def county_compile(county: CountyOpt = None) -> None:
    """完整检查县区目录的 YAML，无误后写出快照 county.snapshot.json。

    此后加载该县区时，只要 YAML 未改动（按内容哈希判断）就直接读取快照；YAML 一经改动，
    快照即失效，重新读取 YAML（错误仍指明文件和行号）。"""
    from engine.api import compile_county

    path, streets, items = compile_county(county)
    typer.echo(f"已写出快照 {path}：{streets} 个街道，{items} 个事项。")


scenario_app = typer.Typer(help="情景检验：在采用政策改动之前，用情景文件检验其效果。",
                           no_args_is_help=True, rich_markup_mode=None)
app.add_typer(scenario_app, name="scenario")


@scenario_app.command("run")
@user_errors
def scenario_run(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="情景文件或目录（目录下的 .yaml 逐一运行）；省略时为 scenarios/。",
        show_default=False)] = None,
    fmt: Annotated[ReportFormat, _format("输出格式：text 为中文报告，json 供脚本读取。")] = (
        ReportFormat.text
    ),
    pattern: Annotated[str | None, typer.Option(
        "-k", help="只运行文件路径（不含扩展名）包含该片段的情景，不区分大小写。",
        show_default=False)] = None,
    with_coverage: Annotated[bool, typer.Option(
        "--coverage", help="报告现行规则包中每条规则在多少个情景中触发，并列出从未触发的规则。"
    )] = False,
    fail_under: Annotated[float | None, typer.Option(
        "--fail-under", min=0, max=100, show_default=False,
        help="规则覆盖率（触发过的规则所占百分比）低于该值时以退出码 1 结束；隐含 --coverage。",
    )] = None,
    report: Annotated[Path | None, typer.Option(
        "--report", show_default=False,
        help="把每个情景各步的决定和已准入步骤的清单变化写成 Markdown 报告（原子写入）。",
    )] = None,
) -> None:
    """运行情景：逐步评估申请并与预期比较，最后一行为 “N passed, M failed”。

    退出码：0 全部通过；1 有情景未通过（或覆盖率低于 --fail-under）；
    2 用法错误或情景文件无法读取。"""
    from engine.api import run_scenarios

    with progress_bar("运行情景") as advance:
        results, cov = run_scenarios(paths or [], pattern,
                                     with_coverage or fail_under is not None,
                                     report is not None, advance)
    if report is not None:
        from engine.fileio import write_atomic
        from engine.render.scenario_report import render_report

        write_atomic(report, render_report(results))
    if fmt is ReportFormat.json:
        from engine.render.json_out import dumps
        from engine.render.scenario_out import to_json

        _emit(dumps(to_json(results, cov)))
    else:
        from engine.render.scenario_out import render_text

        _emit(render_text(results, cov))
    low = False
    if cov is not None and fail_under is not None and cov.below(fail_under):
        low = True
        typer.echo(f"规则覆盖率 {cov.percent}% 低于 --fail-under {fail_under:g}", err=True)
    if low or not all(r.passed for r in results):
        raise typer.Exit(1)


proposal_app = typer.Typer(
    help="准入流程（含收回、动态调整）：提交、审核、合法性审查、听取街道意见、会议审定、公布。",
    no_args_is_help=True, rich_markup_mode=None)
app.add_typer(proposal_app, name="proposal")

ActorOpt = Annotated[str | None, typer.Option(
    "--as", envvar="DUTY_ACTOR", show_default=False,
    help="以账号的哪个角色操作（账号只有一个角色时可省略）：department:部门编号、office（编办）、"
         "justice（司法局）、street:街道编号、county（县委或县政府）、city:市行政区划代码、"
         "province:省行政区划代码、admin；本地单用户库中"
         "直接声明角色。账号由环境变量 DUTY_TOKEN 中的令牌确定。")]
IdArg = Annotated[str, typer.Argument(help="申请编号。", show_default=False)]
FmtOpt = Annotated[ReportFormat, _format("输出格式：text 为中文，json 供脚本读取。")]


def _target(db: Path | None) -> Any:
    from engine.api import store_target

    return store_target(db)


def _clock() -> Any:
    """The time of this command: now, or ``DUTY_NOW`` (honoured in rehearsal stores only)."""
    from engine.workflow.roles import Clock

    return Clock.from_environment()


def _show(data: Any, fmt: ReportFormat, renderer: str, *args: Any) -> None:
    """JSON, or the named text renderer of ``engine.render.workflow_text``."""
    if fmt is ReportFormat.json:
        from engine.render.json_out import dumps
        from engine.workflow.views import dump

        _emit(dumps(dump(data)))
        return
    from engine.render import workflow_text
    from engine.workflow.process import load_process

    _emit(getattr(workflow_text, renderer)(load_process(), *args, data))


def _reader(service: Any, actor: Any) -> Any:
    """The queries of ``actor`` on ``service`` (``engine.workflow.queries.Reader``)."""
    from engine.workflow.queries import Reader

    return Reader(service, actor)


def _run(county: Path | None, db: Path | None, actor: str | None, fmt: ReportFormat,
         renderer: str, call: Callable[..., Any], *extra: Any, reading: bool = False) -> None:
    """Open the store, establish the actor, call one service method, render its result."""
    from engine.api import workflow
    from engine.workflow.accounts import authenticate

    with workflow(county, _target(db)) as service:
        who = authenticate(service.store, service.base.county, os.environ.get("DUTY_TOKEN"),
                           actor, reading)
        result = call(service, who, _clock())
    _show(result, fmt, renderer, *extra)


@proposal_app.command("submit")
@user_errors
def proposal_submit(
    file: Annotated[Path, typer.Argument(help="申请 YAML 文件（准入、收回或动态调整）。",
                                         show_default=False)],
    county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    draft: Annotated[bool, typer.Option("--draft", help="只保存为草稿，暂不提交。")] = False,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """申请人（部门，或申请收回、调整的街道）提交申请（或补正后重新提交）。"""
    from engine.loading.proposal import load_proposal

    source = load_proposal(file)
    _run(county, db, actor, fmt, "render_outcome",
         lambda s, who, clock: s.submit(who, clock, source, draft))


NoteOpt = Annotated[str | None, typer.Option(
    "--note", help="意见（审核意见或合法性审查意见）。", show_default=False)]
BasisOpt = Annotated[str | None, typer.Option(
    "--basis", help="意见的依据（法律法规、文件及条款）。", show_default=False)]
AttachOpt = Annotated[list[Path] | None, typer.Option(
    "--attach", help="附件，可写多次：PDF、Word（.docx）、Excel（.xlsx）、PNG 或 JPEG，"
                     "最多 3 个，每个不超过 5 MB。", show_default=False)]


def _step_note(note: str | None, basis: str | None, attach: list[Path] | None) -> Any:
    """The note given with a step, its files read within the attachment limit (None: no
    note)."""
    from engine.workflow.notes import StepNote, read_attachment

    if not (note or basis or attach):
        return None
    return StepNote(text=note or "", basis=basis or "",
                    attachments=[read_attachment(path) for path in attach or []])


@proposal_app.command("review")
@user_errors
def proposal_review(pid: IdArg, county: CountyOpt = None, db: DbOpt = None,
                    actor: ActorOpt = None, note: NoteOpt = None, basis: BasisOpt = None,
                    attach: AttachOpt = None, fmt: FmtOpt = ReportFormat.text) -> None:
    """编办审核：按现行规则评估，无阻断事项则转合法性审查，否则退回补正；可写审核意见、依据并附文件。"""
    given = _step_note(note, basis, attach)
    _run(county, db, actor, fmt, "render_outcome",
         lambda s, who, clock: s.review(who, clock, pid, given))


@proposal_app.command("legal")
@user_errors
def proposal_legal(
    pid: IdArg, county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    passed: Annotated[bool | None, typer.Option(
        "--passed/--failed", help="合法性审查通过或未通过（未通过即不予准入）。",
        show_default=False)] = None,
    note: NoteOpt = None, basis: BasisOpt = None, attach: AttachOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """司法局记录合法性审查结果和审查意见（未通过须写 --note）；通过后开始听取街道意见。"""
    from engine.errors import UsageError

    if passed is None:
        raise UsageError("须写 --passed 或 --failed")
    given = _step_note(note, basis, attach)
    _run(county, db, actor, fmt, "render_outcome",
         lambda s, who, clock: s.legal(who, clock, pid, passed, given))


class OpinionChoice(str, Enum):
    agree = "agree"
    agree_with_conditions = "agree_with_conditions"
    object = "object"


@proposal_app.command("hear")
@user_errors
def proposal_hear(
    pid: IdArg,
    street: Annotated[str, typer.Option(
        "--street", help="反馈意见的街道编号或名称（须为本街道）。", show_default=False)],
    opinion: Annotated[OpinionChoice, typer.Option(
        "--opinion", help="意见：agree 同意、agree_with_conditions 有条件同意、object 不同意。",
        show_default=False)],
    note: Annotated[str | None, typer.Option("--note", help="意见说明。",
                                             show_default=False)] = None,
    county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """街道反馈本街道的意见；全部目标街道反馈后转入会议审定。"""
    from engine.api import by_name
    from engine.workflow.names import Opinion

    def hear(s: Any, who: Any, clock: Any) -> Any:
        names = {st.id: st.name for st in s.base.county.streets.values()}
        sid = by_name(street, names, "街道", "street")
        return s.hear(who, clock, pid, sid, Opinion(opinion.value), note)

    _run(county, db, actor, fmt, "render_outcome", hear)


@proposal_app.command("department-opinion")
@user_errors
def proposal_department_opinion(
    pid: IdArg,
    opinion: Annotated[OpinionChoice, typer.Option(
        "--opinion", help="意见：agree 同意、agree_with_conditions 附条件同意、object 不同意。",
        show_default=False)],
    note: Annotated[str | None, typer.Option("--note", help="意见说明（如收回后的工作安排）。",
                                             show_default=False)] = None,
    county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """事项所属部门对街道的交回或调整申请反馈意见；反馈后编办才能开始审核。"""
    from engine.workflow.names import Opinion

    _run(county, db, actor, fmt, "render_outcome",
         lambda s, who, clock: s.department_opinion(who, clock, pid, Opinion(opinion.value),
                                                    note))


class ReasonChoice(str, Enum):
    lacks_power = "lacks_power"
    lacks_staff = "lacks_staff"
    lacks_funds = "lacks_funds"
    department_item = "department_item"


@proposal_app.command("return")
@user_errors
def proposal_return(
    item: Annotated[str, typer.Argument(help="要交回的事项编号。", show_default=False)],
    street: Annotated[str, typer.Option(
        "--street", help="提出申请的街道编号或名称（须为本街道）。", show_default=False)],
    reasons: Annotated[list[ReasonChoice] | None, typer.Option(
        "--reason", help="理由，可写多次：lacks_power 缺少职权、lacks_staff 缺少人员、"
                         "lacks_funds 缺少经费、department_item 属部门职责。",
        show_default=False)] = None,
    note: Annotated[str | None, typer.Option("--note", help="理由说明。",
                                             show_default=False)] = None,
    pid: Annotated[str | None, typer.Option(
        "--id", help="申请编号（默认 JH-街道编号-事项编号）。", show_default=False)] = None,
    county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """街道申请把本街道清单中的事项交回部门：先听取部门意见，再经编办审核、会议审定。"""
    from engine.api import by_name
    from engine.workflow.street_request import street_return

    def submit(s: Any, who: Any, clock: Any) -> Any:
        ws = s.published()[0]
        names = {st.id: st.name for st in ws.county.streets.values()}
        sid = by_name(street, names, "街道", "street")
        source = street_return(ws, sid, item, [r.value for r in reasons or []], note, pid)
        return s.submit(who, clock, source)

    _run(county, db, actor, fmt, "render_outcome", submit)


@proposal_app.command("decide")
@user_errors
def proposal_decide(
    pid: IdArg,
    meeting: Annotated[str | None, typer.Option(
        "--meeting", help="审定会议编号，例如 “区委常委会2026年第12次”。",
        show_default=False)] = None,
    admit: Annotated[bool, typer.Option("--admit", help="会议审定准入。")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="会议审定不予准入。")] = False,
    provisional: Annotated[bool, typer.Option(
        "--provisional", help="突发事件临时准入（不经会议，须在期限内补办审定）。")] = False,
    county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """县委或县政府记录会议审定结果（准入时重新按规则评估）；听取意见期限已过时先结束听取。"""
    from engine.errors import UsageError

    chosen = [name for name, on in (("admit", admit), ("reject", reject),
                                    ("provisional", provisional)) if on]
    if len(chosen) != 1:
        raise UsageError("须且只能写 --admit、--reject、--provisional 之一")
    _run(county, db, actor, fmt, "render_outcome",
         lambda s, who, clock: s.decide(who, clock, pid, meeting, chosen[0]))


ApproveOpt = Annotated[bool | None, typer.Option(
    "--approve/--return", help="审核同意（报上一级或待公布），或退回县里重新审定（须写 --note）。",
    show_default=False)]


def _review_up(level: str, pid: str, county: Path | None, db: Path | None, actor: str | None,
               approve: bool | None, note: str | None, basis: str | None,
               attach: list[Path] | None, fmt: ReportFormat) -> None:
    from engine.errors import UsageError

    if approve is None:
        raise UsageError("须写 --approve 或 --return")
    given = _step_note(note, basis, attach)
    _run(county, db, actor, fmt, "render_outcome",
         lambda s, who, clock: s.review_up(who, clock, pid, level, approve, given))


@proposal_app.command("city-review")
@user_errors
def proposal_city_review(
    pid: IdArg, county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    approve: ApproveOpt = None, note: NoteOpt = None, basis: BasisOpt = None,
    attach: AttachOpt = None, fmt: FmtOpt = ReportFormat.text,
) -> None:
    """市级审核县里的准入决定（county.yaml 要求时）：同意后报省级或待公布，退回则重新审定。"""
    _review_up("city", pid, county, db, actor, approve, note, basis, attach, fmt)


@proposal_app.command("province-review")
@user_errors
def proposal_province_review(
    pid: IdArg, county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    approve: ApproveOpt = None, note: NoteOpt = None, basis: BasisOpt = None,
    attach: AttachOpt = None, fmt: FmtOpt = ReportFormat.text,
) -> None:
    """省级审核县里的准入决定（county.yaml 要求报省级审核时）：同意后待公布，退回则重新审定。"""
    _review_up("province", pid, county, db, actor, approve, note, basis, attach, fmt)


@proposal_app.command("publish")
@user_errors
def proposal_publish(
    pids: Annotated[list[str], typer.Argument(help="一个或多个已准入的申请编号（同一版公布）。",
                                              show_default=False)],
    county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """编办公布调整后的清单：生成新的清单版本。"""
    _run(county, db, actor, fmt, "render_outcome",
         lambda s, who, clock: s.publish(who, clock, pids))


@proposal_app.command("withdraw")
@user_errors
def proposal_withdraw(pid: IdArg, county: CountyOpt = None, db: DbOpt = None,
                      actor: ActorOpt = None, fmt: FmtOpt = ReportFormat.text) -> None:
    """申请人撤回尚未办结的申请。"""
    _run(county, db, actor, fmt, "render_outcome",
         lambda s, who, clock: s.withdraw(who, clock, pid))


@proposal_app.command("show")
@user_errors
def proposal_show(pid: IdArg, county: CountyOpt = None, db: DbOpt = None,
                  actor: ActorOpt = None, fmt: FmtOpt = ReportFormat.text) -> None:
    """查看申请：状态、期限、街道意见、会议记录和每次规则评估。"""
    _run(county, db, actor, fmt, "render_show",
         lambda s, who, clock: _reader(s, who).show(pid), reading=True)


@proposal_app.command("history")
@user_errors
def proposal_history(pid: IdArg, county: CountyOpt = None, db: DbOpt = None,
                     actor: ActorOpt = None, fmt: FmtOpt = ReportFormat.text) -> None:
    """申请的办理记录：每一步的操作账号、角色、时间和状态变化。"""
    _run(county, db, actor, fmt, "render_history",
         lambda s, who, clock: _reader(s, who).history(pid), pid, reading=True)


@proposal_app.command("attachment")
@user_errors
def proposal_attachment(
    pid: IdArg,
    number: Annotated[int, typer.Argument(help="附件编号（duty proposal show 列出的“附件 N”）。",
                                          show_default=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="保存到的文件。",
                                         show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="文件已存在时覆盖。")] = False,
    county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
) -> None:
    """保存审核意见或合法性审查意见的附件（内容与记录的摘要核对一致才写出）。"""
    from engine.api import workflow
    from engine.errors import UsageError
    from engine.fileio import write_atomic
    from engine.workflow.accounts import authenticate

    if output.exists() and not force:
        raise UsageError(f"文件 {output} 已存在", hint="换一个文件名，或加 --force 覆盖。")
    with workflow(county, _target(db)) as service:
        who = authenticate(service.store, service.base.county, os.environ.get("DUTY_TOKEN"),
                           actor, True)
        view, content = _reader(service, who).attachment(pid, number)
    write_atomic(output, content)
    _emit(f"已保存附件“{view.name}”（{view.size:,} 字节，sha256:{view.sha256}）到 {output}\n")


@proposal_app.command("list")
@user_errors
def proposal_list(
    state: Annotated[str | None, typer.Option("--state", help="只列出该状态的申请。",
                                              show_default=False)] = None,
    county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """列出申请及其状态、期限。"""
    _run(county, db, actor, fmt, "render_list",
         lambda s, who, clock: _reader(s, who).proposals(state), reading=True)


@proposal_app.command("overdue")
@user_errors
def proposal_overdue(county: CountyOpt = None, db: DbOpt = None,
                     actor: ActorOpt = None, fmt: FmtOpt = ReportFormat.text) -> None:
    """列出逾期未办的申请（按中国工作日计算期限）及应当办理的角色。"""
    _run(county, db, actor, fmt, "render_overdue",
         lambda s, who, clock: _reader(s, who).overdue(clock), reading=True)


store_app = typer.Typer(help="流程数据库：创建、迁移旧库、查看。", no_args_is_help=True,
                        rich_markup_mode=None)
app.add_typer(store_app, name="store")


@store_app.command("init")
@user_errors
def store_init(
    county: CountyOpt = None, db: DbOpt = None,
    local: Annotated[bool, typer.Option(
        "--local", help="本地单用户模式（仅 SQLite，供演练）：不用账号，每条命令用 --as 声明角色，"
                        "审计记录注明本地模式和操作系统用户。")] = False,
    rehearsal: Annotated[bool, typer.Option(
        "--rehearsal", help="演练库：允许用环境变量 DUTY_NOW 固定时钟，审计记录注明。")] = False,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """为县区创建流程数据库：建表、生成审计密钥（权限 0600，存放在数据库之外），
    公布现行清单为第 0 版。

    SQLite 为默认（--db，默认 duty.db）；设置 DUTY_DATABASE_URL 时使用 PostgreSQL（须同时用
    DUTY_AUDIT_KEY 指定密钥文件）。"""
    from engine.api import init_store

    info = init_store(county, _target(db), local=local, rehearsal=rehearsal, clock=_clock())
    _show(info, fmt, "render_store")


@store_app.command("migrate")
@user_errors
def store_migrate(db: DbOpt = None, fmt: FmtOpt = ReportFormat.text,
                  all_counties: Annotated[bool, typer.Option(
                      "--all-counties", help="迁移 PostgreSQL 数据库中的每个县区（逐个进行；"
                                             "出错时停止，此前的县区已迁移）。")] = False,
                  ) -> None:
    """把数据库结构迁移到本程序的版本（唯一会改动数据库结构的命令；其他命令遇到结构落后的
    数据库时停止并提示运行本命令）。共用的数据库请先备份，并确认各处的 duty 均已升级。"""
    from engine.api import migrate_counties, migrate_store

    target = _target(db)
    done = migrate_counties(target) if all_counties else [(target, migrate_store(target))]
    if fmt is ReportFormat.json:
        from engine.render.json_out import dumps

        rows = [{"store": t.shown, "applied": applied} for t, applied in done]
        _emit(dumps(rows if all_counties else rows[0]))
        return
    for t, applied in done:
        if applied:
            _emit(f"数据库 {t.shown}：已迁移 {len(applied)} 项（{'、'.join(applied)}），"
                  "结构已是最新。\n")
        else:
            _emit(f"数据库 {t.shown}：结构已是最新，无需迁移。\n")


@store_app.command("upgrade")
@user_errors
def store_upgrade(db: DbOpt = None, fmt: FmtOpt = ReportFormat.text) -> None:
    """把旧版（结构版本 1–2）的 SQLite 流程数据库迁移到当前结构，数据不丢失。

    旧库的审计链先经核对，再以新生成的密钥逐条签名；迁移后为本地单用户演练库。"""
    from engine.workflow.legacy import upgrade

    _show(upgrade(_target(db), _clock()), fmt, "render_store")


user_app = typer.Typer(help="账号与角色：添加、导入、列出、停用和启用、重置密码、解除锁定、"
                            "签发令牌（须以 admin 角色操作）。",
                       no_args_is_help=True, rich_markup_mode=None)
app.add_typer(user_app, name="user")

UserArg = Annotated[str, typer.Argument(help="账号名。", show_default=False)]


def _admin(store: Any, county: Path | None, actor: str | None) -> Any:
    """The acting administrator, or None when no token is given (only for the first
    administrator of a store)."""
    from engine.api import county_workspace
    from engine.workflow.accounts import authenticate

    token = os.environ.get("DUTY_TOKEN")
    if not token or store.local:
        return None
    return authenticate(store, county_workspace(county).county, token, actor or "admin")


@user_app.command("add")
@user_errors
def user_add(
    username: UserArg,
    roles: Annotated[list[str], typer.Option(
        "--role", help="角色，可重复：department:部门编号、street:街道编号、office、justice、"
                       "county、admin。", show_default=False)],
    token: Annotated[bool, typer.Option("--token", help="同时签发令牌（只显示一次）。")] = False,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="从标准输入读取网页登录密码（Argon2 加密保存）。")] = False,
    name: Annotated[str, typer.Option("--name", help="使用人的姓名。",
                                      show_default=False)] = "",
    county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """添加账号及其角色。数据库还没有管理员时，第一个账号须含 admin 角色，并自动签发令牌。"""
    from engine.api import county_workspace, keyed_store
    from engine.workflow.accounts import add_user

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    with keyed_store(_target(db)) as store:
        view, issued = add_user(store, county_workspace(county).county,
                                _admin(store, county, actor), _clock(), username, roles,
                                password, token, name=name)
    _show(view, fmt, "render_account")
    if issued is not None:
        _show(issued, fmt, "render_token")


@user_app.command("list")
@user_errors
def user_list(db: DbOpt = None, fmt: FmtOpt = ReportFormat.text) -> None:
    """列出账号、角色和有效令牌数。"""
    from engine.api import keyed_store
    from engine.workflow.accounts import list_users

    with keyed_store(_target(db)) as store:
        _show(list_users(store), fmt, "render_accounts")


@user_app.command("disable")
@user_errors
def user_disable(username: UserArg, county: CountyOpt = None, db: DbOpt = None,
                 actor: ActorOpt = None, fmt: FmtOpt = ReportFormat.text) -> None:
    """停用账号并撤销其全部令牌。"""
    from engine.api import keyed_store
    from engine.workflow.accounts import disable_user

    with keyed_store(_target(db)) as store:
        view = disable_user(store, _admin(store, county, actor), _clock(), username)
    _show(view, fmt, "render_account")


@user_app.command("token")
@user_errors
def user_token(
    username: UserArg,
    revoke: Annotated[bool, typer.Option("--revoke", help="撤销该账号的全部令牌。")] = False,
    county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """为账号签发新令牌（只显示一次，数据库只保存其摘要），或撤销其全部令牌。"""
    from engine.api import keyed_store
    from engine.workflow.accounts import issue_token, revoke_tokens

    with keyed_store(_target(db)) as store:
        admin = _admin(store, county, actor)
        if revoke:
            count = revoke_tokens(store, admin, _clock(), username)
            _emit(f"已撤销 {username} 的 {count} 个令牌。\n")
            return
        issued = issue_token(store, admin, _clock(), username)
    _show(issued, fmt, "render_token")


@user_app.command("enable")
@user_errors
def user_enable(username: UserArg, county: CountyOpt = None, db: DbOpt = None,
                actor: ActorOpt = None, fmt: FmtOpt = ReportFormat.text) -> None:
    """重新启用已停用的账号（已撤销的令牌仍无效，须重新签发）。"""
    from engine.api import keyed_store
    from engine.workflow.accounts import enable_user

    with keyed_store(_target(db)) as store:
        view = enable_user(store, _admin(store, county, actor), _clock(), username)
    _show(view, fmt, "render_account")


@user_app.command("reset-password")
@user_errors
def user_reset_password(username: UserArg, county: CountyOpt = None, db: DbOpt = None,
                        actor: ActorOpt = None, fmt: FmtOpt = ReportFormat.text) -> None:
    """为账号设置临时密码（只显示一次；首次登录后须修改）。"""
    from engine.api import keyed_store
    from engine.workflow.accounts import reset_password

    with keyed_store(_target(db)) as store:
        issued = reset_password(store, _admin(store, county, actor), _clock(), username)
    _show(issued, fmt, "render_temporary")


@user_app.command("import")
@user_errors
def user_import(
    file: Annotated[Path, typer.Argument(
        help="账号文件（CSV，UTF-8 或 GB18030）：表头 账号,姓名,角色,部门/街道（列序不限，"
             "姓名、部门/街道、备注可省）；每行一个账号，角色写 职能部门、街道、县委编办、"
             "司法局、县委或县政府 或 账号管理员，部门/街道写名称或编号。",
        show_default=False)],
    county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """从 CSV 文件导入账号：逐行检查，任何一行有错都不导入任何账号（逐行列出错误）；
    每个新账号得到只显示一次的临时密码，首次登录网页后须修改。"""
    from engine.api import county_workspace, keyed_store
    from engine.fileio import read_regular
    from engine.workflow.account_import import MAX_BYTES, import_accounts

    data = read_regular(file, str(file), MAX_BYTES)
    with keyed_store(_target(db)) as store:
        issued = import_accounts(store, county_workspace(county).county,
                                 _admin(store, county, actor), _clock(), data, file.name)
    _show(issued, fmt, "render_temporaries")


@user_app.command("grant")
@user_errors
def user_grant(
    username: UserArg,
    roles: Annotated[list[str], typer.Option(
        "--role", help="添加的角色，可重复：department:部门编号、street:街道编号、office、"
                       "justice、county、admin。", show_default=False)],
    county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """为已有账号添加角色（角色只增不减；不再使用的账号请停用）。"""
    from engine.api import county_workspace, keyed_store
    from engine.workflow.accounts import grant_roles

    with keyed_store(_target(db)) as store:
        view = grant_roles(store, county_workspace(county).county,
                           _admin(store, county, actor), _clock(), username, roles)
    _show(view, fmt, "render_account")


@user_app.command("unlock")
@user_errors
def user_unlock(username: UserArg, county: CountyOpt = None, db: DbOpt = None,
                actor: ActorOpt = None, fmt: FmtOpt = ReportFormat.text) -> None:
    """解除账号的网页登录锁定（多次输错密码后在各地址的锁定和失败记录，与网页“登录锁定”页相同，记入审计）。"""
    from engine.api import keyed_store
    from engine.workflow.lockouts import lift

    with keyed_store(_target(db)) as store:
        lifted = lift(store, _admin(store, county, actor), _clock(), username=username)
    if lifted is None:
        if fmt is ReportFormat.json:
            _emit("null\n")
        else:
            _emit(f"账号 {username} 没有登录锁定或失败记录，未作更改。\n")
        return
    _show(lifted, fmt, "render_unlock")


audit_app = typer.Typer(help="审计记录：核对密钥签名的哈希链及其所记录的数据。",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
@user_errors
def audit_verify_cmd(
    db: DbOpt = None,
    expect: Annotated[list[str] | None, typer.Option(
        "--expect", show_default=False,
        help="锚点 SEQ:DIGEST[:KEY]（公布的清单上印有），可重复：核对该条记录仍在且未被替换。"
    )] = None,
    key: Annotated[str | None, typer.Option(
        "--key-fingerprint", envvar="DUTY_KEY_FINGERPRINT", show_default=False,
        help="审计密钥应有的指纹（16 位十六进制，初始化时显示，保存在数据库目录之外）。")] = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """逐条核对审计记录：密钥签名、前后衔接、每步写入的数据、申请的现状、时间顺序，以及锚点和
    检查点文件。发现问题时逐条指出并以退出码 1 结束。"""
    from engine.api import keyed_store
    from engine.errors import UsageError
    from engine.store.keys import FINGERPRINT_CHARS, parse_anchor
    from engine.store.verify import verify_store

    anchors = []
    for text in expect or []:
        anchor = parse_anchor(text)
        if anchor is None:
            raise UsageError(f"锚点格式不对：“{text}”",
                             hint="格式为 序号:64位十六进制摘要[:16位密钥指纹]")
        anchors.append(anchor)
    if key is not None and (len(key) != FINGERPRINT_CHARS or
                            any(c not in "0123456789abcdef" for c in key)):
        raise UsageError(f"密钥指纹格式不对：“{key}”", hint="16 位小写十六进制")
    with keyed_store(_target(db)) as store:
        report = verify_store(store, anchors, key)
    _show(report, fmt, "render_verify")
    if not report.intact:
        raise typer.Exit(1)


import_app = typer.Typer(help="导入县区已有的清单。", no_args_is_help=True,
                         rich_markup_mode=None)
app.add_typer(import_app, name="import")


@import_app.command("catalogue")
@user_errors
def import_catalogue_cmd(
    file: Annotated[Path, typer.Argument(
        help="清单工作簿：.xlsx（每张清单一个工作表，或一个工作表加“清单”列）或 .csv"
             "（UTF-8 带或不带 BOM，或 GB18030）；部门的权责清单、政务服务事项目录按部门自行"
             "履行的事项导入；或一个文件夹（每个街道一个工作簿），作为一个县区导入。",
        show_default=False)],
    output: Annotated[Path, typer.Option(
        "-o", "--output", help="写入的县区目录（county.yaml、items/、导入报告）；须为新的、"
                               "空的或本工具此前写入的目录，整体原子替换。",
        show_default=False)],
    sheet: Annotated[str | None, typer.Option(
        "--sheet", help="只导入该工作表。", show_default=False)] = None,
    mapping: Annotated[Path | None, typer.Option(
        "--map", help="映射文件（YAML）：表头 → 字段、工作表 → 清单，覆盖自动识别。",
        show_default=False)] = None,
    county_file: Annotated[Path | None, typer.Option(
        "--county-file", help="已有的 county.yaml：部门、街道和派驻机构按名称对应到其中的编号，"
                              "县区名称和规则包取自该文件；没有的按名称新建。",
        show_default=False)] = None,
) -> None:
    """导入县区已有的三张清单（Excel 或 CSV），生成县区目录和导入报告。

    表头按常用中文名称及其变体识别；事项类别按所在清单、环节按职责文字推断，每个推断的字段、
    每个未导入的行（工作表、行、列和原因）都写入导入报告（import-report.md 和
    import-report.json）。写入前先加载并检查生成的县区，检查结果也写入报告；出错时不写任何文件。"""
    from engine.importing.catalogue import MAP_STUB, ImportFailed, import_catalogue
    from engine.importing.report import render_markdown
    from engine.outdir import write_output_tree
    from engine.render.json_out import dumps

    try:
        with progress_bar("读取清单") as advance:
            done = import_catalogue(file, sheet, mapping, county_file, progress=advance)
    except ImportFailed as failed:  # nothing imported: the mapping file to fill in, alone
        if failed.map_stub is not None:
            write_output_tree(output, {MAP_STUB: failed.map_stub})
            typer.echo(f"映射文件草稿已写入 {output / MAP_STUB}，填写后用 --map 重新导入。",
                       err=True)
        raise
    report = done.report
    files = {**done.files, "import-report.md": render_markdown(report),
             "import-report.json": dumps(report)}
    write_output_tree(output, files)
    lists = report.lists
    typer.echo(f"已导入 {report.items} 项事项（基本履职 {lists.get('basic', 0)}、配合履职 "
               f"{lists.get('cooperative', 0)}、上级部门收回 {lists.get('recalled', 0)}"
               + (f"、部门自行履行 {lists['kept']}" if lists.get("kept") else "") + "），"
               f"推断字段 {len(report.inferred)} 处，新建部门和街道 {len(report.created)} 个。")
    if MAP_STUB in done.files:
        typer.echo(f"有未识别的表头，映射文件草稿见 {output / MAP_STUB}。", err=True)
    if report.rows_skipped():
        typer.echo(f"有 {len(report.rows_skipped())} 行未导入，见 "
                   f"{output / 'import-report.md'}。", err=True)
    if not report.check.loads:
        typer.echo("生成的县区目录无法加载，原因见导入报告。", err=True)
    elif not report.check.clean:
        typer.echo(f"duty check 发现 {len(report.check.problems)} 个问题，见导入报告。",
                   err=True)


@app.command("who")
@user_errors
def who_cmd(
    text: Annotated[str, typer.Argument(
        help="群众诉求或工作任务的内容（中文，最多 2,000 字）。", show_default=False)],
    street: Annotated[str, typer.Option(
        "--street", help="诉求所在的街道（乡镇），编号或名称。", show_default=False)],
    top: Annotated[int, typer.Option("--top", min=1, max=50,
                                     help="最多列出的事项数。")] = 5,
    fmt: Annotated[ReportFormat, _format("输出格式：text 为中文答复，json 供脚本读取。")] = (
        ReportFormat.text
    ),
    county: CountyOpt = None,
    db: DbOpt = None,
) -> None:
    """谁来办：按该街道的清单，找出与诉求对应的事项（最相近的在前），列出各环节的主责和配合单位、
    所在清单，以及列入清单所依据的规则。

    县区已有流程数据库时，按其最新公布的清单答复；否则按县区目录生成的清单。"""
    from engine.who.answer import Who, check_query

    check_query(text)
    ws, source = _published_source(county, db)
    answer = Who(ws, source).answer(text, street, top)
    if fmt is ReportFormat.json:
        from engine.render.json_out import dumps

        _emit(dumps(answer))
    else:
        from engine.render.who_text import render_who

        _emit(render_who(answer))


@app.command("assessment")
@user_errors
def assessment_cmd(
    start: Annotated[str, typer.Option("--from", help="起始日期 YYYY-MM-DD（含）。",
                                       show_default=False)],
    end: Annotated[str, typer.Option("--to", help="结束日期 YYYY-MM-DD（含）。",
                                     show_default=False)],
    street: Annotated[str | None, typer.Option(
        "--street", help="街道（乡镇）编号或名称。", show_default=False)] = None,
    department: Annotated[str | None, typer.Option(
        "--department", help="部门编号或名称。", show_default=False)] = None,
    county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """考核情况：某街道或部门在一段时期内清单中的事项、申请和获准的调整、按事项统计的工单查询。

    读取流程数据库（须已用 store init 创建）；街道只能查看本街道，部门只能查看本部门。"""
    from engine.errors import UsageError
    from engine.who.assessment import assess

    if (street is None) == (department is None):
        raise UsageError("请用 --street 或 --department 指定一个街道或部门（二者选一）")
    from engine.api import workflow
    from engine.workflow.accounts import authenticate

    with workflow(county, _target(db)) as service:
        who = authenticate(service.store, service.base.county, os.environ.get("DUTY_TOKEN"),
                           actor, True)
        result = assess(service, who, "street" if street else "department",
                        street or department, start, end)  # type: ignore[arg-type]
    if fmt is ReportFormat.json:
        from engine.render.json_out import dumps

        _emit(dumps(result))
    else:
        from engine.render.who_text import render_assessment

        _emit(render_assessment(result))


@app.command()
@user_errors
def serve(
    host: Annotated[str, typer.Option(
        "--host", help="监听地址；对外服务时请置于 HTTPS 反向代理之后。")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口。")] = 8000,
    workers: Annotated[int, typer.Option(
        "--workers", help="工作进程数（gunicorn 管理的 uvicorn 进程，"
                          "每个进程以事件循环接待众多连接）。")] = 2,
    county: CountyOpt = None, db: DbOpt = None,
) -> None:
    """启动网页应用：各方在浏览器中办理准入、查看清单，与命令行使用同一数据库和账号。

    数据库须已用 store init 创建（make serve 会建好示例区的演示库和演示账号）。"""
    from engine.web.serve import serve as run

    run(county, db, host, port, workers)


job_app = typer.Typer(
    help="后台任务：公布清单、生成全部清单供下载。PostgreSQL 数据库的任务排队由后台任务进程"
         "（duty worker）执行；SQLite 数据库的任务在提交时当场执行。",
    no_args_is_help=True, rich_markup_mode=None)
app.add_typer(job_app, name="job")
JobArg = Annotated[int, typer.Argument(help="任务编号。", show_default=False)]


def _job_run(county: Path | None, db: Path | None, actor: str | None, fmt: ReportFormat,
             renderer: str, call: Callable[..., Any], *, reading: bool = False) -> None:
    """Open the store, establish the actor, call one job function, render its result (a
    job run inline on a SQLite store shows its progress on standard error, and one that
    failed ends the command with exit code 1)."""
    from engine.api import workflow
    from engine.workflow.accounts import authenticate

    with workflow(county, _target(db)) as service, progress_bar("任务") as advance:
        who = authenticate(service.store, service.base.county, os.environ.get("DUTY_TOKEN"),
                           actor, reading)
        result = call(service, who, _clock(), lambda stage, done, total: advance(done, total))
    _show(result, fmt, renderer)
    if not reading and getattr(result, "state", None) == "failed":
        raise typer.Exit(1)


@job_app.command("publish")
@user_errors
def job_publish(
    pids: Annotated[list[str], typer.Argument(help="一个或多个已准入的申请编号（同一版公布）。",
                                              show_default=False)],
    county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """编办以后台任务公布调整后的清单（与 proposal publish 相同的步骤和检查）。"""
    from engine.jobs.queue import submit_publish

    _job_run(county, db, actor, fmt, "render_job",
             lambda s, who, clock, told: submit_publish(s, who, clock, pids, told))


@job_app.command("lists")
@user_errors
def job_lists(
    files: Annotated[str, typer.Option(
        "--files", help="清单文件的格式：html、md、csv、xlsx 或 json。")] = "html",
    county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """以后台任务生成最新公布版本的全部街道、部门清单，打包为一个 zip 文件供网页下载。"""
    from engine.jobs.queue import submit_lists

    _job_run(county, db, actor, fmt, "render_job",
             lambda s, who, clock, told: submit_lists(s, who, clock, files, told))


@job_app.command("list")
@user_errors
def job_list(county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
             fmt: FmtOpt = ReportFormat.text) -> None:
    """列出任务（最新的在前）：本账号提交的；编办、司法局、县委或县政府可见全部。"""
    from engine.jobs.work import read_jobs

    _job_run(county, db, actor, fmt, "render_jobs",
             lambda s, who, clock, told: read_jobs(s.store, who), reading=True)


@job_app.command("show")
@user_errors
def job_show(job: JobArg, county: CountyOpt = None, db: DbOpt = None, actor: ActorOpt = None,
             fmt: FmtOpt = ReportFormat.text) -> None:
    """查看任务：状态、进度、执行次数和结果。"""
    from engine.jobs.work import read_job

    _job_run(county, db, actor, fmt, "render_job",
             lambda s, who, clock, told: read_job(s.store, who, job), reading=True)


@app.command()
@user_errors
def worker(
    stalled_after: Annotated[float, typer.Option(
        "--stalled-after", min=1,
        help="其他后台任务进程超过这么多秒没有报告仍在运行，就把它手中的任务重新排队。")] = 30,
    burst: Annotated[bool, typer.Option(
        "--burst", help="队列中的任务执行完就退出（默认一直等待新任务）。")] = False,
) -> None:
    """运行后台任务进程：执行 PostgreSQL 数据库中排队的任务。

    数据库和县区只从环境变量读取：DUTY_DATABASE_URL、DUTY_AUDIT_KEY、DUTY_COUNTY
    （任务本身不带任何密码、令牌或密钥）。可同时运行多个；被强行终止的进程手中的任务会由
    其他进程（或重新启动的进程）重新执行，已公布的版本不会重复公布。"""
    from engine.jobs.queue import work

    work(stalled_after=stalled_after, burst=burst)


province_app = typer.Typer(help="省级视图：比较多个县区的清单、街道负担，并对照收回事项目录检查。",
                           no_args_is_help=True, rich_markup_mode=None)
app.add_typer(province_app, name="province")

CountiesOpt = Annotated[list[Path] | None, typer.Option(
    "--county", help="县区目录（含 county.yaml），可重复给出多个。", show_default=False,
    metavar="<path>")]
ProvinceOpt = Annotated[Path | None, typer.Option(
    "--province", help="省级文件（YAML），列出各县区目录（相对该文件），可指定收回事项目录。",
    show_default=False)]
OutputOpt = Annotated[Path | None, typer.Option(
    "-o", "--output", help="写入该文件（原子写入）；省略时输出到屏幕。", show_default=False)]
FromStoreOpt = Annotated[bool, typer.Option(
    "--store", help="读取 DUTY_DATABASE_URL 指定的 PostgreSQL 数据库中各县区最新公布的清单；"
                    "此时 --county 给出县区编号，省略时为库中全部县区。")]


class ChartFormat(str, Enum):
    text = "text"
    json = "json"
    svg = "svg"


def _province(counties: list[Path] | None, province: Path | None,
              from_store: bool = False) -> Any:
    from engine.errors import UsageError
    from engine.province.counties import load_province, read_province_file, stored_province

    if from_store:
        if province is not None:
            raise UsageError("--store 与 --province 只能用其一",
                             hint="读取数据库时用 --county 给出县区编号，或省略以读取全部县区。")
        from engine.store.config import store_target

        return stored_province(store_target(), [str(c) for c in counties or []])
    if counties and province is not None:
        raise UsageError("--county 与 --province 只能用其一",
                         hint="县区较多时把县区目录写进省级文件，用 --province 给出。")
    if province is not None:
        name, directories, reference = read_province_file(province)
        return load_province(directories, name, reference)
    if not counties:
        raise UsageError("没有给出县区", hint="用 --county 逐个给出县区目录，或用 --province "
                                               "给出列有县区目录的省级文件。")
    return load_province(counties)


def _write(data: str, output: Path | None) -> None:
    if output is None:
        _emit(data)
    else:
        from engine.fileio import write_atomic

        write_atomic(output, data)


@province_app.command("compare")
@user_errors
def province_compare(
    counties: CountiesOpt = None, province: ProvinceOpt = None, from_store: FromStoreOpt = False,
    k: Annotated[float, typer.Option(
        "--k", min=0, help="离群判定：高出中位数超过 k 倍标准化绝对中位差（MAD×1.4826）。")] = 3.0,
    min_gap: Annotated[float, typer.Option(
        "--min-gap", min=0, max=1, help="离群判定：至少高出中位数的占比（0.05 即 5 个百分点）。"
    )] = 0.05,
    fmt: Annotated[ChartFormat, _format(
        "输出格式：text 为中文报告，json 供脚本读取，svg 为各县区基本履职占比图。")] = (
        ChartFormat.text),
    output: OutputOpt = None,
) -> None:
    """比较各县区的清单：逐个目录事项（按事项编号对应）列出各县区列入基本履职、配合履职和收回清单的
    街道数，并找出基本履职占比明显高于其他县区（交给街道的事项过多）的离群县区。

    至少 3 个县区时才判断离群。"""
    from engine.province.views import compare

    result = compare(_province(counties, province, from_store), k=k, min_gap=min_gap)
    if fmt is ChartFormat.json:
        from engine.render.json_out import dumps

        _write(dumps(result), output)
    elif fmt is ChartFormat.svg:
        from engine.render.province_svg import render_compare_chart

        _write(render_compare_chart(result), output)
    else:
        from engine.render.province_text import render_compare

        _write(render_compare(result), output)


@province_app.command("load")
@user_errors
def province_load(
    counties: CountiesOpt = None, province: ProvinceOpt = None,
    fmt: Annotated[ChartFormat, _format(
        "输出格式：text 为中文报告，json 供脚本读取，svg 为各街道工作量与承接能力对比图。")] = (
        ChartFormat.text),
    output: OutputOpt = None,
) -> None:
    """各县区街道的清单工作量与承接能力（与 report staffing 同一算法），列出超出承接能力的街道。"""
    from engine.province.views import load

    result = load(_province(counties, province))
    if fmt is ChartFormat.json:
        from engine.render.json_out import dumps

        _write(dumps(result), output)
    elif fmt is ChartFormat.svg:
        from engine.render.province_svg import render_load_chart

        _write(render_load_chart(result), output)
    else:
        from engine.render.province_text import render_load

        _write(render_load(result), output)


@province_app.command("check")
@user_errors
def province_check(
    counties: CountiesOpt = None, province: ProvinceOpt = None, from_store: FromStoreOpt = False,
    reference: Annotated[Path | None, typer.Option(
        "--reference", show_default=False,
        help="收回事项目录（YAML）；省略时用省级文件指定的目录，再省略则用内置参考目录。")] = None,
    fmt: Annotated[ReportFormat, _format("输出格式：text 为中文报告，json 供脚本读取。")] = (
        ReportFormat.text),
    output: OutputOpt = None,
) -> None:
    """对照上级部门收回事项目录检查各县区：目录中与收回事项对应的事项（按编号或名称匹配）
    不得列在任何街道的基本履职或配合履职清单上。

    检查通过时退出码为 0，有事项仍在街道清单上时为 1。"""
    from engine.province.reference import load_reference
    from engine.province.views import check

    prov = _province(counties, province, from_store)
    catalogue, shown = load_reference(reference or prov.reference)
    result = check(prov, catalogue, shown)
    if fmt is ReportFormat.json:
        from engine.render.json_out import dumps

        _write(dumps(result), output)
    else:
        from engine.render.province_text import render_check

        _write(render_check(result), output)
    if not result.clean:
        raise typer.Exit(1)


def main() -> None:
    global _starting
    _starting = gc.isenabled()
    gc.disable()  # parsing the command line: see the top of this module
    # The command line uses no pydantic plugins: pydantic would otherwise look for them in
    # the metadata of every installed distribution when the first model class is built.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        app()
    finally:  # the process ends: its objects go with it, without the collector's last pass
        _command_begins()  # no command ran (help, a usage error): the collector as it was
        gc.freeze()


if _collecting:  # this module is loaded (see its top)
    gc.freeze()
    gc.enable()

if __name__ == "__main__":  # pragma: no cover
    main()
