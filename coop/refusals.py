"""The page for a read a selector refused with a domain error: the API's answer, as a page.

A read rule lives in one selector (for example `governance.selectors.published_ballot_file`);
the API maps its error once (api/errors.py), and the pages answer with the same status and the
same translated message through `refused_page`.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coop.errors import DomainError


def refused_page(request: HttpRequest, error: DomainError, back_url: str = "") -> HttpResponse:
    return render(
        request,
        "coop/refused.html",
        {"message": error.message, "back_url": back_url},
        status=error.status,
    )
