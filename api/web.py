"""The API tokens page: a member lists, creates and revokes their personal access tokens.

Tokens belong to the person, not to a co-op, so the page is not under /c/<slug>/. A new token's
key is shown in the answer to the POST that made it and nowhere else: it is never stored, and
the page is never cached. Someone else's token answers 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from api import services
from api.forms import TokenForm
from api.models import PersonalToken
from coop.errors import InvalidInput


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request, TokenForm())
    if "revoke" in request.POST:
        return _revoke(request, request.POST["revoke"])
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, key = services.create_token(
                user=request.user,
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["read_only"],
                expires_in_days=form.expires_in_days,
            )
        except InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Token “%(name)s” created.") % {"name": token.name})
            return _render(request, TokenForm(), new_token=token, new_key=key)
    return _render(request, form, status=400)


def _revoke(request: HttpRequest, pk: str) -> HttpResponse:
    if not pk.isdigit():
        raise Http404
    token = get_object_or_404(PersonalToken, pk=pk, user=request.user)
    if token.revoked_at is not None:
        messages.info(request, _("Token “%(name)s” was already revoked.") % {"name": token.name})
    else:
        services.revoke_token(token=token, by=request.user)
        messages.success(
            request,
            _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name},
        )
    return redirect("account-tokens")


def _render(request: HttpRequest, form: TokenForm, status: int = 200, **extra) -> HttpResponse:
    my_tokens = PersonalToken.objects.filter(user=request.user).order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at", "-pk"
    )
    context = {"form": form, "tokens": my_tokens, "default_time_zone": settings.TIME_ZONE, **extra}
    return render(request, "api/tokens.html", context, status=status)
