"""The ``duty`` command line. Thin: parse options, call one engine function, render.

Heavy modules (durable_rules, networkx, pydantic models) are imported inside the commands so
that ``duty --help`` stays fast.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from engine import __version__

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

DbOpt = Annotated[Path, typer.Option(
    "--db", envvar="DUTY_DB", help="流程数据库文件（SQLite）；也可用环境变量 DUTY_DB。")]


class ReportFormat(str, Enum):
    text = "text"
    json = "json"


class GraphFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"
    json = "json"


def _format(help_text: str) -> Any:
    return typer.Option("--format", "-f", help=help_text, show_default=True)


def user_errors(func: F) -> F:
    """Report engine errors as a message and an exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from engine.errors import DutyError

        try:
            return func(*args, **kwargs)
        except DutyError as exc:
            typer.echo(exc.render(), err=True)
            raise typer.Exit(exc.exit_code) from None
        except typer.Exit:
            raise
        except Exception as exc:  # a fault of the tool: say so briefly, keep details on demand
            if os.environ.get("DUTY_DEBUG"):
                raise
            typer.echo(f"内部错误 [E-INTERNAL]：{exc!r}\n  提示：设置环境变量 DUTY_DEBUG=1 "
                       "可查看完整调用栈，并请报告此问题。", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


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
) -> None:
    """评估申请（准入、收回或动态调整）：逐街道、逐环节给出主责单位、经费安排和结论，并列出所依据的规则。"""
    from engine.api import evaluate_files

    decisions = evaluate_files(proposals, county)
    if fmt is ReportFormat.json:
        from engine.render.json_out import dumps

        sys.stdout.write(dumps(decisions[0] if len(decisions) == 1 else decisions))
    else:
        from engine.render.decision_text import render_decisions

        sys.stdout.write(render_decisions(decisions))
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

    sys.stdout.write(RENDERERS[fmt.value](county_graph(county)))


@app.command("check")
@user_errors
def check_cmd(
    county: CountyOpt = None,
    fmt: Annotated[ReportFormat, _format("输出格式：text 为中文报告，json 供脚本读取。")] = (
        ReportFormat.text
    ),
) -> None:
    """检查清单：无主责、多头牵头、权责不一致、协助事项无经费、未经准入下沉、事项重名。

    没有问题时退出码为 0，发现问题时为 1，便于脚本把关。"""
    from engine.api import check

    name, problems = check(county)
    if fmt is ReportFormat.json:
        from engine.render.json_out import dumps

        sys.stdout.write(dumps({"county": name, "clean": not problems, "problems": problems}))
    else:
        from engine.render.check_text import render_check

        sys.stdout.write(render_check(name, problems))
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


@lists_app.command("build")
@user_errors
def lists_build(
    county: CountyOpt = None,
    street: Annotated[str | None, typer.Option("--street", help="只输出该街道的三张清单。",
                                               show_default=False)] = None,
    department: Annotated[str | None, typer.Option(
        "--department", help="只输出该部门的事项及应拨付街道经费。", show_default=False)] = None,
    fmt: Annotated[ListFormat, _format(
        "输出格式：md 或 html（阅读、A4 打印）、csv（UTF-8 带 BOM，Excel 可直接打开）、"
        "xlsx（须用 -o）或 json（供脚本读取）。"
    )] = ListFormat.md,
    every: Annotated[bool, typer.Option(
        "--all", help="每个街道、每个部门各写一个文件，另写索引；须用 -o 指定目录。")] = False,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="写入该文件（--all 时为目录），原子写入；省略时输出到屏幕。",
        show_default=False)] = None,
    version: Annotated[int | None, typer.Option(
        "--version", min=0, show_default=False,
        help="输出流程数据库（--db）中已公布的第 N 版清单（0 为建库时的清单）。")] = None,
    db: DbOpt = Path("duty.db"),
) -> None:
    """生成各街道的基本履职、配合履职、上级部门收回三张清单和各部门清单。"""
    from engine.api import county_lists
    from engine.errors import UsageError

    if street and department:
        raise UsageError("--street 与 --department 只能选一个")
    if fmt is ListFormat.xlsx and output is None and not every:
        raise UsageError("xlsx 是二进制文件，须用 -o 指定输出文件", hint="例如 -o 清单.xlsx")
    if every and (output is None or street or department):
        raise UsageError("--all 须与 -o 目录一起使用，且不能再指定 --street 或 --department",
                         hint="例如 --all -o out/lists")
    if every:
        from engine.fileio import write_tree_atomic

        assert output is not None
        if version is None:  # the county's own lists: one file at a time
            from engine.api import county_plan
            from engine.render.lists_stream import lists_tree

            plan, names = county_plan(county)
            write_tree_atomic(output, lists_tree(plan, names, fmt.value))
            return
        from engine.render.lists_files import render_tree

        lists, names = county_lists(county, street, department, version, db)
        write_tree_atomic(output, render_tree(lists, names, fmt.value))
        return
    if fmt is ListFormat.xlsx and street is None and department is None and version is None:
        from engine.api import county_plan  # refuse a too large workbook before building it
        from engine.render.lists_xlsx import check_sheet_rows

        check_sheet_rows(county_plan(county)[0].list_sizes())
    lists, names = county_lists(county, street, department, version, db)
    from engine.render.lists_files import render_lists

    data = render_lists(lists, names, fmt.value)
    if output is None:
        sys.stdout.write(data)  # type: ignore[arg-type]  # xlsx was refused above
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
    db: DbOpt = Path("duty.db"),
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
        decisions, diff = [], versions_diff(db, old, int(to))
    else:
        from engine.api import lists_diff

        if bool(proposals) == (to is not None):
            raise UsageError("请给出申请文件，或用 --to 指定另一个县区目录（二者选一）")
        decisions, diff = lists_diff(proposals or [], county, Path(to) if to else None)
    if fmt is DiffFormat.json:
        from engine.render.json_out import dumps

        sys.stdout.write(dumps({"decisions": [{"proposal": d.proposal, "verdict": d.verdict}
                                              for d in decisions], "diff": diff}))
        return
    from engine.render.diff_text import render_diff
    from engine.vocab import label

    head = "".join(f"{d.proposal}：{label(d.verdict)}（{d.title}）\n" for d in decisions)
    sys.stdout.write(head + ("\n" if head else "") + render_diff(diff, fmt is DiffFormat.md))


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

    results, cov = run_scenarios(paths or [], pattern, with_coverage or fail_under is not None,
                                 report is not None)
    if report is not None:
        from engine.fileio import write_atomic
        from engine.render.scenario_report import render_report

        write_atomic(report, render_report(results))
    if fmt is ReportFormat.json:
        from engine.render.json_out import dumps
        from engine.render.scenario_out import to_json

        sys.stdout.write(dumps(to_json(results, cov)))
    else:
        from engine.render.scenario_out import render_text

        sys.stdout.write(render_text(results, cov))
    low = False
    if cov is not None and fail_under is not None and cov.below(fail_under):
        low = True
        typer.echo(f"规则覆盖率 {cov.percent}% 低于 --fail-under {fail_under:g}", err=True)
    if low or not all(r.passed for r in results):
        raise typer.Exit(1)


proposal_app = typer.Typer(
    help="准入流程（含收回、动态调整）：提交、审核、合法性审查、听取街道意见、会议审定、公布；"
         "数据保存在 SQLite。",
    no_args_is_help=True, rich_markup_mode=None)
app.add_typer(proposal_app, name="proposal")

ActorOpt = Annotated[str | None, typer.Option(
    "--as", envvar="DUTY_ACTOR", show_default=False,
    help="以什么角色操作：department:部门编号、office（编办）、justice（司法局）、"
         "street:街道编号、county（县委或县政府）；也可用环境变量 DUTY_ACTOR。")]
IdArg = Annotated[str, typer.Argument(help="申请编号。", show_default=False)]
FmtOpt = Annotated[ReportFormat, _format("输出格式：text 为中文，json 供脚本读取。")]


def _emit_outcome(out: Any, fmt: ReportFormat) -> None:
    from engine.render.workflow_text import outcome_json, render_outcome
    from engine.workflow.process import load_process

    if fmt is ReportFormat.json:
        from engine.render.json_out import dumps

        sys.stdout.write(dumps(outcome_json(out)))
    else:
        sys.stdout.write(render_outcome(load_process(), out))


def _workflow(county: Path | None, db: Path, actor: str | None) -> Any:
    from engine.api import workflow

    return workflow(county, db, actor)


@proposal_app.command("submit")
@user_errors
def proposal_submit(
    file: Annotated[Path, typer.Argument(help="申请 YAML 文件（准入、收回或动态调整）。",
                                         show_default=False)],
    county: CountyOpt = None, db: DbOpt = Path("duty.db"), actor: ActorOpt = None,
    draft: Annotated[bool, typer.Option("--draft", help="只保存为草稿，暂不提交。")] = False,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """申请人（部门，或申请收回、调整的街道）提交申请（或补正后重新提交）；数据库不存在时创建。"""
    _emit_outcome(_workflow(county, db, actor).submit(file, draft), fmt)


@proposal_app.command("review")
@user_errors
def proposal_review(pid: IdArg, county: CountyOpt = None, db: DbOpt = Path("duty.db"),
                    actor: ActorOpt = None, fmt: FmtOpt = ReportFormat.text) -> None:
    """编办审核：按现行规则评估，无阻断事项则转合法性审查，否则退回补正。"""
    _emit_outcome(_workflow(county, db, actor).review(pid), fmt)


@proposal_app.command("legal")
@user_errors
def proposal_legal(
    pid: IdArg, county: CountyOpt = None, db: DbOpt = Path("duty.db"), actor: ActorOpt = None,
    passed: Annotated[bool | None, typer.Option(
        "--passed/--failed", help="合法性审查通过或未通过（未通过即不予准入）。",
        show_default=False)] = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """司法局记录合法性审查结果；通过后开始听取街道意见。"""
    from engine.errors import UsageError

    if passed is None:
        raise UsageError("须写 --passed 或 --failed")
    _emit_outcome(_workflow(county, db, actor).legal(pid, passed), fmt)


class OpinionChoice(str, Enum):
    agree = "agree"
    agree_with_conditions = "agree_with_conditions"
    object = "object"


@proposal_app.command("hear")
@user_errors
def proposal_hear(
    pid: IdArg,
    street: Annotated[str, typer.Option("--street", help="反馈意见的街道编号（须为本街道）。",
                                        show_default=False)],
    opinion: Annotated[OpinionChoice, typer.Option(
        "--opinion", help="意见：agree 同意、agree_with_conditions 附条件同意、object 不同意。",
        show_default=False)],
    note: Annotated[str | None, typer.Option("--note", help="意见说明。",
                                             show_default=False)] = None,
    county: CountyOpt = None, db: DbOpt = Path("duty.db"), actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """街道反馈本街道的意见；全部目标街道反馈后转入会议审定。"""
    _emit_outcome(_workflow(county, db, actor).hear(pid, street, opinion.value, note), fmt)


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
    county: CountyOpt = None, db: DbOpt = Path("duty.db"), actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """县委或县政府记录会议审定结果（准入时重新按规则评估）；听取意见期限已过时先结束听取。"""
    from engine.errors import UsageError

    chosen = [name for name, on in (("admit", admit), ("reject", reject),
                                    ("provisional", provisional)) if on]
    if len(chosen) != 1:
        raise UsageError("须且只能写 --admit、--reject、--provisional 之一")
    _emit_outcome(_workflow(county, db, actor).decide(pid, meeting, chosen[0]), fmt)


@proposal_app.command("publish")
@user_errors
def proposal_publish(
    pids: Annotated[list[str], typer.Argument(help="一个或多个已准入的申请编号（同一版公布）。",
                                              show_default=False)],
    county: CountyOpt = None, db: DbOpt = Path("duty.db"), actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """编办公布调整后的清单：生成新的清单版本。"""
    _emit_outcome(_workflow(county, db, actor).publish(pids), fmt)


@proposal_app.command("withdraw")
@user_errors
def proposal_withdraw(pid: IdArg, county: CountyOpt = None, db: DbOpt = Path("duty.db"),
                      actor: ActorOpt = None, fmt: FmtOpt = ReportFormat.text) -> None:
    """申请人撤回尚未办结的申请。"""
    _emit_outcome(_workflow(county, db, actor).withdraw(pid), fmt)


def _emit_read(data: Any, fmt: ReportFormat, renderer: str, *args: Any) -> None:
    """JSON, or the named text renderer of ``engine.render.workflow_text``."""
    if fmt is ReportFormat.json:
        from engine.render.json_out import dumps

        sys.stdout.write(dumps(data))
        return
    from engine.render import workflow_text
    from engine.workflow.process import load_process

    sys.stdout.write(getattr(workflow_text, renderer)(load_process(), *args, data))


@proposal_app.command("show")
@user_errors
def proposal_show(pid: IdArg, county: CountyOpt = None, db: DbOpt = Path("duty.db"),
                  actor: ActorOpt = None, fmt: FmtOpt = ReportFormat.text) -> None:
    """查看申请：状态、期限、街道意见、会议记录和每次规则评估。"""
    _emit_read(_workflow(county, db, actor).show(pid), fmt, "render_show")


@proposal_app.command("history")
@user_errors
def proposal_history(pid: IdArg, county: CountyOpt = None, db: DbOpt = Path("duty.db"),
                     actor: ActorOpt = None, fmt: FmtOpt = ReportFormat.text) -> None:
    """申请的办理记录：每一步的操作者、时间和状态变化。"""
    _emit_read(_workflow(county, db, actor).history(pid), fmt, "render_history", pid)


@proposal_app.command("list")
@user_errors
def proposal_list(
    state: Annotated[str | None, typer.Option("--state", help="只列出该状态的申请。",
                                              show_default=False)] = None,
    county: CountyOpt = None, db: DbOpt = Path("duty.db"), actor: ActorOpt = None,
    fmt: FmtOpt = ReportFormat.text,
) -> None:
    """列出申请及其状态、期限。"""
    _emit_read(_workflow(county, db, actor).list(state), fmt, "render_list")


@proposal_app.command("overdue")
@user_errors
def proposal_overdue(county: CountyOpt = None, db: DbOpt = Path("duty.db"),
                     actor: ActorOpt = None, fmt: FmtOpt = ReportFormat.text) -> None:
    """列出逾期未办的申请（按中国工作日计算期限）及应当办理的角色。"""
    _emit_read(_workflow(county, db, actor).overdue(), fmt, "render_overdue")


audit_app = typer.Typer(help="审计记录：检查哈希链。", no_args_is_help=True,
                        rich_markup_mode=None)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
@user_errors
def audit_verify_cmd(db: DbOpt = Path("duty.db"), fmt: FmtOpt = ReportFormat.text) -> None:
    """逐条核对审计记录的哈希链；发现被改动的记录时指出第一条并以退出码 1 结束。"""
    from engine.workflow.versions import audit_verify

    count, broken, head = audit_verify(db)
    if fmt is ReportFormat.json:
        from engine.render.json_out import dumps

        sys.stdout.write(dumps({"entries": count, "intact": broken is None, "head": head,
                                "broken": None if broken is None else
                                {"seq": broken.seq, "reason": broken.reason}}))
    elif broken is None:
        sys.stdout.write(f"审计记录完好：共 {count} 条，哈希链首尾衔接。\n链头哈希：{head}\n")
    else:
        sys.stdout.write(f"审计记录被改动：第 {broken.seq} 条{broken.reason}。\n")
    if broken is not None:
        raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
