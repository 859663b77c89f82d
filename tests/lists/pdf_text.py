"""The text of each page of a PDF that Chromium prints: enough to check what a page holds.

Chromium (Skia) writes uncompressed object headers, Flate-compressed streams, a page tree and
fonts with ToUnicode maps; this reads just that, in page order. Glyph positions are ignored:
a page's text is its shown strings in the order they are drawn.
"""

from __future__ import annotations

import re
import zlib

_OBJ = re.compile(rb"(?<![0-9])(\d+) 0 obj\s*")
_REF = rb"(\d+) 0 R"


class Pdf:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.dicts: dict[int, bytes] = {}
        self.streams: dict[int, bytes] = {}
        at = 0
        while (m := _OBJ.search(data, at)) is not None:
            num, start = int(m.group(1)), m.end()
            end = data.index(b"endobj", start)
            body = data[start:end]
            if b"stream" in body and body.startswith(b"<<"):
                head, _, _ = body.partition(b"stream")
                length = int(re.search(rb"/Length (\d+)", head).group(1))  # type: ignore[union-attr]
                begin = data.index(b"stream", start) + len(b"stream")
                begin += 2 if data[begin:begin + 2] == b"\r\n" else 1
                raw = data[begin:begin + length]
                self.streams[num] = zlib.decompress(raw) if b"FlateDecode" in head else raw
                end = data.index(b"endobj", begin + length)
                body = head
            self.dicts[num] = body
            at = end + len(b"endobj")
        self._maps: dict[int, dict[int, str]] = {}

    def pages(self) -> list[int]:
        """Page objects in reading order."""
        root = next(n for n, d in self.dicts.items()
                    if re.search(rb"/Type /Pages\b", d) and b"/Parent" not in d)
        out: list[int] = []

        def walk(n: int) -> None:
            d = self.dicts[n]
            if re.search(rb"/Type /Page\b(?!s)", d):
                out.append(n)
                return
            kids = re.search(rb"/Kids \[([^\]]*)\]", d)
            for k in re.findall(_REF, kids.group(1) if kids else b""):
                walk(int(k))

        walk(root)
        return out

    def _unicode(self, font: int) -> dict[int, str]:
        if font not in self._maps:
            ref = re.search(rb"/ToUnicode " + _REF, self.dicts[font])
            cmap = self.streams[int(ref.group(1))] if ref else b""
            found: dict[int, str] = {}
            for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
                for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                    found[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
            for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
                for lo, hi, dst in re.findall(
                        rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                    first = ord(bytes.fromhex(dst.decode()).decode("utf-16-be")[-1])
                    for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                        found[code] = chr(first + i)
            self._maps[font] = found
        return self._maps[font]

    def text(self, page: int) -> str:
        """The text a page shows, without spaces between the strings."""
        d = self.dicts[page]
        fonts = {name: int(num) for name, num in re.findall(rb"/(F\d+) " + _REF, d)}
        contents = re.search(rb"/Contents (?:\[([^\]]*)\]|" + _REF + rb")", d)
        refs = re.findall(_REF, contents.group(1)) if contents and contents.group(1) else \
            [contents.group(2)] if contents else []
        out: list[str] = []
        for ref in refs:
            stream = self.streams[int(ref)]
            font: dict[int, str] = {}
            width = 1
            for tf, hexa in re.findall(rb"/(F\d+) [\d.]+ Tf|<([0-9a-fA-F]*)>", stream):
                if tf:
                    num = fonts[tf]
                    font = self._unicode(num)
                    width = 1 if b"/Type3" in self.dicts[num] else 2
                    continue
                raw = bytes.fromhex(hexa.decode())
                out += [font.get(int.from_bytes(raw[i:i + width], "big"), "")
                        for i in range(0, len(raw), width)]
        return "".join(out)
