"""The page that says which law the co-op chose and what it checks, with the rules cited, and
how long a probation lasts under the bylaws; an admin changes the legal profile there (the
API's `legal_profile` does the same)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.numbers import format_percent
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coop import access, services
from coop.bylaws import statutory_reserve_share
from coop.errors import DomainError
from coop.legal_profiles import POLICY_TERMS, PROFILES, LegalProfile
from coop.locale_formats import babel_locale
from coop.models import Cooperative, Member
from coop.models.cooperative import Role


@dataclass(frozen=True)
class RuleRow:
    """One line of a profile's table: the policy share, the least it may be, and the rule."""

    term: str
    least: str  # a percentage, or a sentence when the bylaws have not set it
    citation: str
    from_bylaws: str  # the bylaws setting that holds the figure, or ""


def _percent(fraction: Decimal) -> str:
    return format_percent(fraction.normalize(), locale=babel_locale(), decimal_quantization=False)


def rule_rows(profile: LegalProfile, bylaws: dict[str, Any]) -> list[RuleRow]:
    rows = [
        RuleRow(gettext(POLICY_TERMS[m.term]), _percent(m.least), m.citation, "")
        for m in profile.minimums
    ]
    for minimum in profile.bylaws_minimums:
        share = statutory_reserve_share(bylaws)
        least = _percent(share) if share is not None else gettext("not set by the bylaws yet")
        rows.append(
            RuleRow(gettext(POLICY_TERMS[minimum.term]), least, minimum.citation, minimum.setting)
        )
    return rows


class LegalProfileForm(forms.Form):
    legal_profile = forms.ChoiceField(label=_("Legal profile"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["legal_profile"].choices = [
            (code, gettext(profile.name)) for code, profile in PROFILES.items()
        ]


def _page(
    request: HttpRequest, member: Member, form: LegalProfileForm | None, status: int = 200
) -> HttpResponse:
    cooperative: Cooperative = member.cooperative
    profile = cooperative.law
    is_admin = member.has_role(Role.ADMIN)
    if is_admin and form is None:
        form = LegalProfileForm(initial={"legal_profile": profile.code})
    context = {
        "member": member,
        "cooperative": cooperative,
        "profile": profile,
        "rows": rule_rows(profile, cooperative.settings),
        "others": [other for other in PROFILES.values() if other.code != profile.code],
        "form": form if is_admin else None,
        "probation_months": cooperative.settings["probation_months"],
        "probation_reminder_days": cooperative.settings["probation_reminder_days"],
    }
    return render(request, "coop/legal_profile.html", context, status=status)


@login_required
def legal_profile(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = access.membership(request, coop_slug)
    if request.method != "POST":
        return _page(request, member, None)
    if not member.has_role(Role.ADMIN):
        raise PermissionDenied(gettext("Only an admin changes the co-op's legal profile."))
    form = LegalProfileForm(request.POST)
    if not form.is_valid():
        return _page(request, member, form, status=400)
    try:
        services.update_cooperative(
            cooperative=member.cooperative,
            actor=member,
            legal_profile=form.cleaned_data["legal_profile"],
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _page(request, member, form, status=error.status)
    messages.success(request, gettext("The legal profile was saved."))
    return redirect("coop-law", coop_slug)
