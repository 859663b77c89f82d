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
    help="街道职责准入与履行职责事项清单引擎：评估准入申请、生成清单、检验情景。",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

CountyOpt = Annotated[
    Path | None,
    typer.Option("--county", help="县区目录（含 county.yaml）；省略时使用内置示例区。",
                 show_default=False),
]


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
    proposals: Annotated[list[Path], typer.Argument(help="一个或多个准入申请 YAML 文件。",
                                                    show_default=False)],
    county: CountyOpt = None,
    fmt: Annotated[ReportFormat, _format("输出格式：text 为中文报告，json 供脚本读取。")] = (
        ReportFormat.text
    ),
    fail_on_reject: Annotated[bool, typer.Option(
        "--fail-on-reject",
        help=f"有申请被否决（rejected）时以退出码 {EXIT_REJECTED} 结束，便于脚本把关。")] = False,
) -> None:
    """评估准入申请：逐街道、逐环节给出主责单位、经费安排和结论，并列出所依据的规则。"""
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


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
