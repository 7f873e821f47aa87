"""An expense's receipt as a download: the one answer of the page and the API."""

import mimetypes

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from payroll.models import Expense

# The types a receipt is served as; anything else (a file stored before uploads were checked by
# content) is served as bytes to save, never as something a browser would open and run.
RECEIPT_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp")
OTHER_FILE = "application/octet-stream"


def receipt_content_type(name: str) -> str:
    guessed, _encoding = mimetypes.guess_type(name)
    return guessed if guessed in RECEIPT_TYPES else OTHER_FILE


def receipt_response(expense: Expense) -> FileResponse:
    """The receipt as an attachment with its content type; 404 when the expense has none (or
    its file is gone). The caller has checked that the reader belongs to the expense's co-op."""
    if not expense.receipt:
        raise Http404(_("This expense has no receipt."))
    name = expense.receipt.name.rsplit("/", 1)[-1]
    try:
        file = expense.receipt.open("rb")
    except FileNotFoundError:
        raise Http404(_("This expense has no receipt.")) from None
    response = FileResponse(file, as_attachment=True, filename=name)
    response["Content-Type"] = receipt_content_type(name)
    return response
