"""Markdown text: the quick path for text with nothing to escape gives what the full one does."""

from __future__ import annotations

import random

from engine.render import escape
from engine.render.escape import md_inline


def _full(text: str) -> str:
    return escape.terminal(escape._MD_SPECIAL.sub(r"\\\1", escape._MD_BREAK.sub(" ", text)))


def test_md_inline_is_the_full_escape_for_any_text() -> None:
    alphabet = ("ab街道 |`[]<>\\\r\n\x0b\x0c\x85\u2028\u2029\x00\x1b\x7f\x9f\u061c\u200e"
                "\u200f\u202a\u202e\u2066\u2069\t*_#")
    rng = random.Random(5)
    texts = ["", "plain 街道 text", "a\r\nb", "\r", *alphabet]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
              for _ in range(5000)]
    for text in texts:
        assert md_inline(text) == _full(text), repr(text)
    assert md_inline("a|b\nc") == "a\\|b c" and md_inline("街道") == "街道"
