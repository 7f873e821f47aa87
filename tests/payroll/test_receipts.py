"""Expense receipts: a PDF or a PNG, JPEG or WebP image, known by content and not by name."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from payroll.models import Expense
from tests.conftest import as_member

pytestmark = pytest.mark.django_db

FIELDS = {"category": "Hosting", "amount": "40.00", "date": "2026-10-02", "payee": "Host"}
REFUSED = "A receipt is a PDF or a PNG, JPEG or WebP image; this file is none of them."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, kind)
    return buffer.getvalue()


def send(api, treasurer, name: str, content: bytes, content_type: str = "application/pdf"):
    return as_member(api, treasurer).post(
        f"/api/v1/coops/{treasurer.cooperative.slug}/expenses/",
        {**FIELDS, "receipt": SimpleUploadedFile(name, content, content_type)},
        format="multipart",
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("receipt.pdf", b"<html><script>alert(document.cookie)</script></html>"),
        ("receipt.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("receipt.png", b"\x89PNG\r\n\x1a\nnot really an image"),
        ("receipt.jpg", b"\xff\xd8\xff\xe0 truncated"),
        ("receipt.gif", image("GIF")),
        ("receipt.exe", b"MZ\x90\x00"),
    ],
)
def test_other_files_are_refused_naming_the_field(api, treasurer, name, content):
    response = send(api, treasurer, name, content)
    assert response.status_code == 400
    assert response.json()["errors"]["receipt"] == [REFUSED]
    assert not Expense.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "stored"),
    [
        ("hetzner.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "hetzner.pdf"),
        ("scan.png", image("PNG"), "scan.png"),
        ("photo.jpeg", image("JPEG"), "photo.jpg"),
        ("photo.webp", image("WEBP"), "photo.webp"),
        ("photo.html", image("PNG"), "photo.png"),  # the content decides the extension
    ],
)
def test_pdfs_and_images_are_kept_with_their_types_extension(api, treasurer, name, content, stored):
    response = send(api, treasurer, name, content, "application/octet-stream")
    assert response.status_code == 201, response.json()
    expense = Expense.objects.get()
    assert expense.receipt.name.rsplit("/", 1)[-1] == stored
    assert expense.receipt.read() == content


def test_the_page_refuses_an_html_receipt_on_its_field(client, treasurer):
    client.force_login(treasurer.user)
    response = client.post(
        f"/c/{treasurer.cooperative.slug}/money/expenses/",
        {
            **{f"expense-{key}": value for key, value in FIELDS.items()},
            "expense-receipt": SimpleUploadedFile("r.pdf", b"<html></html>", "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not Expense.objects.exists()
