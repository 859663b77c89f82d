"""The command-line library's own words in Chinese: usage errors and help headings.

typer's click writes its messages in English, built from fixed templates. This module holds
every translation in one place: the headings and option notes of the help pages, and the
templates of its usage errors (missing arguments, unknown options and commands, bad values).
``install()`` routes the library's help formatter and error display through it. A bad value
that is the Chinese name of an allowed identifier is answered with that identifier
(``同意`` → ``agree``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import IO, Any

from engine.vocab import identifier_for

HEADINGS = {"Usage": "用法", "Options": "选项", "Arguments": "参数", "Commands": "命令"}

NOTES: tuple[tuple[str, str], ...] = (
    ("Show this message and exit.", "显示本帮助并退出。"),
    ("[default: ", "[默认："),
    ("[required]", "[必填]"),
    ("[env var: ", "[环境变量："),
    ("env var: ", "环境变量："),
)

USAGE_WORDS: tuple[tuple[str, str], ...] = (
    ("[OPTIONS]", "[选项]"), ("COMMAND [ARGS]...", "命令 [参数]..."),
)

_Q = r"'([^']*)'"
# English templates of the library's messages → Chinese (applied in order, first match wins;
# each pattern is compiled when a message is first matched, not when the command line starts)
MESSAGES: tuple[tuple[str, str], ...] = (
    (rf"^Missing argument {_Q}\.?$", "缺少参数 {0}"),
    (rf"^Missing option {_Q}\.?$", "缺少选项 {0}"),
    (rf"^Missing parameter:? {_Q}?(.*?)\.?$", "缺少参数 {0}{1}"),
    (r"^No such option: (\S+?)\.?$", "没有选项 {0}"),
    (r"^No such option: (\S+) Did you mean (\S+)\?$", "没有选项 {0}；您是否想写 {1}？"),
    (r"^No such option: (\S+) \(Possible options: (.+)\)$",
     "没有选项 {0}；可能是：{1}"),
    (rf"^No such command {_Q}\.$", "没有命令 “{0}”"),
    (rf"^No such command {_Q}\. Did you mean {_Q}\?$", "没有命令 “{0}”；您是否想写 “{1}”？"),
    (rf"^Option {_Q} requires an argument\.$", "选项 {0} 须跟一个值"),
    (rf"^Option {_Q} requires (\d+) arguments\.$", "选项 {0} 须跟 {1} 个值"),
    (rf"^Option {_Q} does not take a value\.$", "选项 {0} 不接受值"),
    (r"^Got unexpected extra argument(?:s|\(s\))? \((.+)\)$", "多余的参数：{0}"),
    (r"^Invalid value for (.+?): (.+)$", "{0} 的取值无效：{1}"),
    (r"^Invalid value: (.+)$", "取值无效：{0}"),
)

VALUE_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"^(?:Value error, )?'(.*)' is not one of (.+)\.$", "“{0}” 不是可选的值，应为 {1} 之一"),
    (r"^(?:Value error, )?'(.*)' is not a valid choice\.?.*$", "“{0}” 不是可选的值"),
    (r"^Input should be a valid integer.*$", "应为整数"),
    (r"^Input should be a valid number.*$", "应为数字"),
    (r"^Input should be less than or equal to (.+)$", "应不大于 {0}"),
    (r"^Input should be greater than or equal to (.+)$", "应不小于 {0}"),
    (r"^'(.*)' is not a valid (integer|float)\.$", "“{0}” 不是有效的数字"),
    (r"^(.+) is not in the range (.+)\.$", "{0} 超出范围 {1}"),
    (r"^(.+) is not in the range (.+)$", "{0} 超出范围 {1}"),
    (r"^Path '(.*)' does not exist\.$", "路径 “{0}” 不存在"),
)


def _apply(patterns: tuple[tuple[str, str], ...], text: str,
           inner: Callable[[str], str] | None = None) -> str | None:
    for pattern, template in patterns:
        found = re.match(pattern, text)
        if found:
            groups = [g or "" for g in found.groups()]
            if inner is not None and groups:
                groups[-1] = inner(groups[-1])
            return template.format(*groups)
    return None


def value_words(text: str) -> str:
    """A bad value's message, with the identifier a Chinese name stands for."""
    translated = _apply(VALUE_MESSAGES, text)
    if translated is None:
        return text
    bad = re.match(r"^(?:Value error, )?'(.*)' is not one of (.+)\.$", text)
    if bad:
        choices = re.findall(r"'([^']*)'", bad.group(2))
        choices_zh = "、".join(choices)
        translated = f"“{bad.group(1)}” 不是可选的值，应为 {choices_zh} 之一"
        ident = identifier_for(bad.group(1), choices)
        if ident is not None:
            translated += f"；“{bad.group(1)}” 的标识是 {ident}，请写 {ident}"
        else:
            from engine.errors import did_you_mean

            hint = did_you_mean(bad.group(1), choices)
            translated += f"；{hint}" if hint else ""
    return translated


def message_words(text: str) -> str:
    """A usage error's message in Chinese (unchanged when it matches no template)."""
    text = text.strip()
    translated = _apply(MESSAGES, text, inner=value_words)
    return translated if translated is not None else value_words(text)


def note_words(text: str) -> str:
    for english, chinese in NOTES:
        text = text.replace(english, chinese)
    return text


def usage_words(text: str) -> str:
    for english, chinese in USAGE_WORDS:
        text = text.replace(english, chinese)
    return text


def install() -> None:
    """Route the command-line library's help formatter and error display through here."""
    try:
        from typer._click import exceptions, formatting
    except ImportError:  # pragma: no cover - typer with a separate click
        from click import exceptions, formatting  # type: ignore[no-redef]
    fmt = formatting.HelpFormatter
    if getattr(fmt, "_duty_words", False):
        return
    write_usage, write_dl = fmt.write_usage, fmt.write_dl

    def usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, usage_words(args), "用法：" if prefix is None else prefix)

    def heading(self: Any, text: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(text, text)}：\n")

    def definitions(self: Any, rows: Any, *args: Any, **kwargs: Any) -> None:
        write_dl(self, [(first, note_words(second)) for first, second in rows], *args, **kwargs)

    def show(self: Any, file: IO[Any] | None = None) -> None:
        from engine.render.escape import terminal

        out = []
        ctx = getattr(self, "ctx", None)
        if ctx is not None:
            out.append(ctx.get_usage())
            if ctx.command.get_help_option(ctx) is not None:
                out.append(f"运行 “{ctx.command_path} {ctx.help_option_names[0]}” 查看帮助。")
            out.append("")
        out.append(f"错误 [E-USAGE] {message_words(self.format_message())}")
        exceptions.echo(terminal("\n".join(out)), file=file or exceptions.get_text_stderr())

    fmt.write_usage, fmt.write_heading, fmt.write_dl = usage, heading, definitions
    exceptions.UsageError.show = show
    fmt._duty_words = True  # type: ignore[attr-defined]
