"""Text from users' files made safe where it is shown: terminals, Markdown and links.

A title or name may hold anything a file can: escape sequences that recolour or clear a
terminal, a bell, bidirectional overrides that make text read backwards, line breaks that end a
Markdown table row or start a heading, brackets that open a link. Each output escapes what
could break its structure and keeps everything else as written.
"""

from __future__ import annotations

import re
from urllib.parse import quote

# C0 controls but tab and newline (a carriage return only when alone), DEL, C1 controls,
# bidirectional marks, embeddings, overrides and isolates, line and paragraph separators.
_TERMINAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                       "\u202a-\u202e\u2066-\u2069]|\r(?!\n)")
# What JSON leaves raw (it escapes C0 itself): C1 controls, bidirectional and separators.
_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _code(ch: str) -> str:
    n = ord(ch)
    return f"\\x{n:02x}" if n <= 0xFF else f"\\u{n:04x}"


def terminal(text: str) -> str:
    """Text for a terminal: control and bidirectional characters shown as ``\\x1b``, ``\\u202e``."""
    return _TERMINAL.sub(lambda m: _code(m.group()), text)


def json_text(text: str) -> str:
    """JSON text with the characters JSON leaves raw written as ``\\uXXXX`` escapes (the same
    data; only the bytes differ)."""
    return _JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_MD_BREAK = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]+")
_MD_SPECIAL = re.compile(r"([\\`|\[\]<>])")
# anything ``md_inline`` would change: line breaks, specials, what ``terminal`` escapes
_MD_ANY = re.compile(f"[\\\\`|\\[\\]<>]|{_MD_BREAK.pattern}|{_TERMINAL.pattern}")


def md_inline(text: str) -> str:
    """Text for one line of Markdown (a table cell, a heading, a list item, a link's words):
    line breaks become spaces; characters that end a cell, open a link, a code span or raw HTML
    are backslash-escaped; control characters are shown as escapes."""
    if _MD_ANY.search(text) is None:  # most text: nothing to change
        return text
    return terminal(_MD_SPECIAL.sub(r"\\\1", _MD_BREAK.sub(" ", text)))


def link_target(path: str) -> str:
    """A relative path as a link target: percent-encoded, so it can only name a file."""
    return quote(path, safe="/-_.~")
