"""The words of a PDF the project made, as one line: what the PDF text checks read."""

import io

from pypdf import PdfReader


def pdf_words(content: bytes) -> str:
    """Every page's text, its runs of white space (no-break spaces included) made one space."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.replace("\xa0", " ").split())
