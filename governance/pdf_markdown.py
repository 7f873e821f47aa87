"""A proposal's Markdown in a PDF: the page's rendering (`rendering.render_markdown`, sanitized
by nh3) turned into reportlab flowables, so that the minutes print what the page shows.

Only what the sanitizer lets through is mapped: headings, paragraphs, lists, bold, italic,
strike-through, code, links, block quotes, tables (a row per line) and rules. Every piece of
text is escaped; a link keeps only its address (http, https or mailto, as the sanitizer
leaves it). Whatever reportlab's markup parser still refuses is printed as escaped plain text.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Preformatted, Spacer

from governance.rendering import render_markdown

_INLINE = {
    "strong": ("<b>", "</b>"),
    "b": ("<b>", "</b>"),
    "em": ("<i>", "</i>"),
    "i": ("<i>", "</i>"),
    "del": ("<strike>", "</strike>"),
    "code": ('<font face="Courier">', "</font>"),
    "abbr": ("", ""),
}
_HEADINGS = {"h1": "md_h1", "h2": "md_h1", "h3": "md_h3", "h4": "md_h3"}
INDENT = 5 * mm


def _styles(base: dict[str, ParagraphStyle]) -> dict[str, ParagraphStyle]:
    body = base["body"]
    return {
        "body": body,
        "md_h1": ParagraphStyle("md_h1", parent=base["h2"], fontSize=11, spaceBefore=4),
        "md_h3": ParagraphStyle("md_h3", parent=base["bold"], fontSize=10, spaceBefore=3),
        "code": ParagraphStyle("md_code", parent=body, fontName="Courier", fontSize=8.5),
    }


class _Flowables(HTMLParser):
    def __init__(self, styles: dict[str, ParagraphStyle]) -> None:
        super().__init__(convert_charrefs=True)
        self.styles = styles
        self.out: list = []
        self.buffer: list[str] = []
        self.plain: list[str] = []  # the same text unmarked, should reportlab refuse the markup
        self.style = "body"
        self.bullet: str | None = None
        self.lists: list[list] = []  # ["ul" | "ol", items so far]
        self.quotes = 0
        self.inline: list[tuple[str, str]] = []  # (tag, closing markup)
        self.pre: list[str] | None = None
        self.cells = 0

    # Blocks --------------------------------------------------------------------------------

    def _indent(self) -> float:
        return INDENT * (len(self.lists) + self.quotes)

    def flush(self) -> None:
        text = "".join(self.buffer).strip()
        if "".join(self.plain).strip():
            closing = "".join(close for _tag, close in reversed(self.inline))
            indent = self._indent()
            style = ParagraphStyle(
                f"md_{len(self.out)}",
                parent=self.styles[self.style],
                leftIndent=indent,
                bulletIndent=max(indent - INDENT + 1 * mm, 0),
                bulletFontName=self.styles["body"].fontName,
            )
            try:
                self.out.append(Paragraph(text + closing, style, bulletText=self.bullet))
            except ValueError:
                plain = escape("".join(self.plain).strip(), quote=False)
                self.out.append(Paragraph(plain, style, bulletText=self.bullet))
        self.buffer, self.plain = [], []
        self.bullet = None
        self.style = "body"
        # Inline markup open across a block boundary is reopened in the next block.
        self.buffer = [self._opening(tag) for tag, _close in self.inline]

    def _opening(self, tag: str) -> str:
        return _INLINE.get(tag, ("", ""))[0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.pre is not None:
            return
        if tag in _HEADINGS:
            self.flush()
            self.style = _HEADINGS[tag]
        elif tag == "p":
            in_item = self.bullet is not None and not "".join(self.plain).strip()
            if not in_item:
                self.flush()
        elif tag in ("ul", "ol"):
            self.flush()
            self.lists.append([tag, 0])
        elif tag == "li":
            self.flush()
            if self.lists:
                self.lists[-1][1] += 1
                kind, count = self.lists[-1]
                self.bullet = "•" if kind == "ul" else f"{count}."
        elif tag == "blockquote":
            self.flush()
            self.quotes += 1
        elif tag == "pre":
            self.flush()
            self.pre = []
        elif tag == "tr":
            self.flush()
            self.cells = 0
        elif tag in ("td", "th"):
            if self.cells:
                self.buffer.append(" | ")
                self.plain.append(" | ")
            self.cells += 1
            if tag == "th":
                self.buffer.append("<b>")
                self.inline.append(("th", "</b>"))
        elif tag == "br":
            self.buffer.append("<br/>")
            self.plain.append(" ")
        elif tag == "hr":
            self.flush()
            self.out.append(Spacer(1, 3 * mm))
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            if href:
                self.buffer.append(f'<link href="{escape(href, quote=True)}" color="blue">')
                self.inline.append(("a", "</link>"))
            else:
                self.inline.append(("a", ""))
        elif tag in _INLINE:
            opening, closing = _INLINE[tag]
            self.buffer.append(opening)
            self.inline.append((tag, closing))

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre" and self.pre is not None:
            text = "".join(self.pre).rstrip("\n")
            self.pre = None
            if text:
                self.out.append(Preformatted(text, self.styles["code"]))
            return
        if self.pre is not None:
            return
        if tag in _HEADINGS or tag in ("p", "li", "tr", "table"):
            self.flush()
        elif tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
        elif tag == "blockquote":
            self.flush()
            self.quotes = max(self.quotes - 1, 0)
        elif tag in ("a", "th", *_INLINE):
            for index in range(len(self.inline) - 1, -1, -1):
                if self.inline[index][0] == tag:
                    self.buffer.append(self.inline.pop(index)[1])
                    break

    def handle_data(self, data: str) -> None:
        if self.pre is not None:
            self.pre.append(data)
            return
        self.buffer.append(escape(data, quote=False))
        self.plain.append(data)


def markdown_flowables(text: str, styles: dict[str, ParagraphStyle]) -> list:
    """The Markdown `text` as reportlab flowables (`styles`: `coop.pdf.styles()`)."""
    parser = _Flowables(_styles(styles))
    parser.feed(render_markdown(text))
    parser.close()
    parser.inline = []
    parser.flush()
    return parser.out
