"""PDF building blocks shared by the payslips, reports and minutes (reportlab platypus)."""

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import reportlab
from django.http import HttpResponse
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

# A font with the accents and scripts of members' names: Debian's DejaVu where installed,
# otherwise Bitstream Vera, which ships with reportlab.
_REPORTLAB_FONTS = Path(reportlab.__path__[0]) / "fonts"
_FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans"),
    (str(_REPORTLAB_FONTS / "Vera.ttf"), "Vera"),
)
_BOLD_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "DejaVuSans-Bold"),
    (str(_REPORTLAB_FONTS / "VeraBd.ttf"), "VeraBd"),
)


def _register(candidates: Sequence[tuple[str, str]], fallback: str) -> str:
    for path, name in candidates:
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont(name, path))
            return name
    return fallback


def styles() -> dict[str, ParagraphStyle]:
    regular = _register(_FONT_CANDIDATES, "Helvetica")
    bold = _register(_BOLD_CANDIDATES, "Helvetica-Bold")
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=bold, fontSize=16),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=12),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=regular, fontSize=9.5),
        "small": ParagraphStyle(
            "small", parent=base["BodyText"], fontName=regular, fontSize=8, textColor=colors.grey
        ),
        "cell": ParagraphStyle("cell", parent=base["BodyText"], fontName=regular, fontSize=9),
        "num": ParagraphStyle(
            "num", parent=base["BodyText"], fontName=regular, fontSize=9, alignment=TA_RIGHT
        ),
        "bold": ParagraphStyle("bold", parent=base["BodyText"], fontName=bold, fontSize=9),
    }


# CLDR writes "1:31\u202fPM" and some currencies with a narrow no-break space; reportlab breaks
# a line there (and Bitstream Vera has no glyph for it), so a PDF writes the no-break space.
NARROW_NO_BREAK_SPACE = "\u202f"
NO_BREAK_SPACE = "\xa0"


def unbreakable(text: str) -> str:
    """The text with CLDR's narrow no-break spaces as no-break spaces, which reportlab keeps."""
    return text.replace(NARROW_NO_BREAK_SPACE, NO_BREAK_SPACE)


def escape(text: str) -> str:
    """Text for a Paragraph: markup characters escaped, no-break spaces kept unbroken."""
    return unbreakable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def table(rows: list[list[object]], widths: Sequence[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT", repeatRows=1 if header else 0)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style.append(("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black))
    table.setStyle(TableStyle(style))
    return table


# The page's margins (build_pdf), the width of the text between them, and reportlab's default
# left and right padding of a table cell.
MARGIN = 18 * mm
TEXT_WIDTH = A4[0] - 2 * MARGIN
CELL_PADDING = 6 * 2
# The narrowest a wrapping column gets when the figures take most of the page.
MIN_WRAPPING_WIDTH = 30 * mm


def fitted_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str | Flowable]],
    *,
    wrapping: Mapping[int, float],
    right: Sequence[int] = (),
    total: bool = False,
) -> Table:
    """A table whose dates, amounts, currency codes and numbers never wrap.

    Every column not in `wrapping` holds plain text, drawn on one line in a column as wide as
    its widest cell or the widest word of its heading (a heading wraps between its words:
    "Loss by / fractions" over "0.00001"); the `wrapping` columns (names, titles) share the
    rest of the page's width in the given proportions and wrap between words. A cell of a
    wrapping column may be a Paragraph (a name and, under it, its kind). With `total`, the
    last row is in bold, and measured so.
    """
    style = styles()
    font, bold, size = style["cell"].fontName, style["bold"].fontName, style["cell"].fontSize
    heading_right = ParagraphStyle("heading-right", parent=style["bold"], alignment=TA_RIGHT)

    def widest(index: int, heading: Sequence[str]) -> float:
        last = len(rows) - 1
        cells = [
            stringWidth(
                unbreakable(str(row[index])), bold if position == last and total else font, size
            )
            for position, row in enumerate(rows)
        ]
        words = [stringWidth(word, bold, size) for word in heading]
        # a point more than the text, so that no rounding sends its last letter to a new line
        return max(cells + words + [0.0]) + CELL_PADDING + 1

    fixed = {
        index: widest(index, unbreakable(header[index]).split(" "))
        for index in range(len(header))
        if index not in wrapping
    }

    def cell(index: int, value: str | Flowable) -> str | Flowable:
        if not isinstance(value, str):
            return value
        return Paragraph(escape(value), style["cell"]) if index in wrapping else unbreakable(value)

    # A wrapping column is at least as wide as its longest word ("beschlussfähig"), which
    # reportlab would otherwise cut; the others share what is left.
    least = {
        index: max(
            [MIN_WRAPPING_WIDTH]
            + [
                stringWidth(word, font, size) + CELL_PADDING + 1
                for row in rows
                if isinstance(row[index], str)
                for word in unbreakable(str(row[index])).split(" ")
            ]
        )
        for index in wrapping
    }
    left = TEXT_WIDTH - sum(fixed.values())
    shares = sum(wrapping.values())
    wide = {index: left * share / shares for index, share in wrapping.items()}
    narrow = [index for index in wrapping if wide[index] < least[index]]
    if narrow:
        rest = left - sum(least[index] for index in narrow)
        others = sum(wrapping[index] for index in wrapping if index not in narrow)
        wide = {
            index: least[index] if index in narrow else max(rest * share / others, least[index])
            for index, share in wrapping.items()
        }
    widths = [fixed[index] if index in fixed else wide[index] for index in range(len(header))]
    head = [
        Paragraph(escape(text), heading_right if index in right else style["bold"])
        for index, text in enumerate(header)
    ]
    body = [[cell(index, value) for index, value in enumerate(row)] for row in rows]
    result = table([head, *body], widths, header=True)
    commands: list[tuple] = [("FONT", (0, 1), (-1, -1), font, size)]
    commands += [("ALIGN", (index, 1), (index, -1), "RIGHT") for index in right]
    if total:
        commands.append(("FONT", (0, -1), (-1, -1), bold, size))
    result.setStyle(TableStyle(commands))
    return result


def build_pdf(title: str, story: list, footer: str) -> bytes:
    buffer = io.BytesIO()
    style = styles()

    def on_page(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(style["small"].fontName, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(MARGIN, 10 * mm, footer)
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, f"{document.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="Cooperage",
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        invariant=True,  # the same distribution gives the same bytes
    )
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def key_values(
    rows: Sequence[tuple[str, str]],
    widths: tuple[float, float] = (110 * mm, 60 * mm),
    align_right: bool = True,
) -> Table:
    """A two-column table of labels and values (escaped), values right-aligned for figures."""
    style = styles()
    value_style = style["num"] if align_right else style["cell"]
    return table(
        [
            [
                Paragraph(escape(str(label)), style["cell"]),
                Paragraph(escape(str(value)), value_style),
            ]
            for label, value in rows
        ],
        widths,
        header=False,
    )


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A built PDF as a download."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
