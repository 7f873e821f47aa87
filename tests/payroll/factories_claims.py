"""Expense claims for tests: receipts that are what they say, and a claim filed by a member."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from payroll import claims

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OCTOBER_DAY = datetime.date(2026, 10, 14)


def pdf_receipt(name: str = "receipt.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def image_receipt(kind: str = "PNG", name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), f"image/{kind.lower()}")


def file_claim(member, **fields):
    fields = {
        "amount": Decimal("42.50"),
        "date": OCTOBER_DAY,
        "payee": "Deutsche Bahn",
        "category": "Travel",
        "note": "Train to the client's workshop",
        "receipt": pdf_receipt(),
        **fields,
    }
    return claims.file_claim(actor=member, **fields)
