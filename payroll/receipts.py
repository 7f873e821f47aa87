"""What an expense receipt may be: a PDF or a PNG, JPEG or WebP image, known by its content.

A file's name and the browser's content type say nothing: an HTML page or an SVG named
`receipt.pdf` would be served back to every member who opens it. So the first bytes decide the
type (the PDF header, an image's signature) and Pillow reads an image through to check it, and
the stored name takes the extension of the type found.
"""

import os
import re
from typing import Any

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from coop.errors import InvalidInput

# Pillow's format name -> the extension stored.
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
)


def _sniff(head: bytes) -> str | None:
    for signature, extension in SIGNATURES:
        if head.startswith(signature):
            return extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _refuse() -> InvalidInput:
    return InvalidInput(
        _("A receipt is a PDF or a PNG, JPEG or WebP image; this file is none of them."),
        field="receipt",
    )


def _is_image(upload: Any, extension: str) -> bool:
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            found = IMAGE_FORMATS.get(image.format or "")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return found == extension


def checked_receipt(upload: Any) -> Any:
    """The uploaded receipt, its type checked by content and its name given that type's
    extension; an `InvalidInput` on `receipt` (a 400) for anything else."""
    upload.seek(0)
    head = upload.read(16)
    extension = _sniff(head)
    if extension is None:
        raise _refuse()
    if extension != "pdf" and not _is_image(upload, extension):
        raise _refuse()
    upload.seek(0)
    stem = os.path.splitext(os.path.basename(upload.name or ""))[0]
    stem = re.sub(r"[^\w-]", "_", stem)[:80].strip("_") or "receipt"
    upload.name = f"{stem}.{extension}"
    return upload
