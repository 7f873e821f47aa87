"""PDF building blocks shared by the payslips, reports and minutes (reportlab platypus)."""

import io
from collections.abc import Sequence
from pathlib import Path

import reportlab
from django.http import HttpResponse
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

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


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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


def build_pdf(title: str, story: list, footer: str) -> bytes:
    buffer = io.BytesIO()
    style = styles()

    def on_page(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(style["small"].fontName, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"{document.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="Cooperage",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
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
