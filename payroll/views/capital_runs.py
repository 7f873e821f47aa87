"""The treasurer's interest runs, losses and collective account on the capital accounts page."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.access import treasurer_or_403
from coop.capital_bylaws import interest_cap, interest_rate
from coop.errors import DomainError
from coop.forms import refuse_form
from coop.models import Member
from coop.money import format_money
from payroll import capital_interest, capital_losses, capital_selectors
from payroll.capital_forms import CapitalLossForm, InterestRunForm
from payroll.capital_presenters import rate_text


def sections(member: Member, **forms: Any) -> dict[str, Any]:
    """What the page's interest, losses and collective sections show (the treasurer's)."""
    settings = member.cooperative.settings
    ledger = capital_selectors.collective_ledger_for(member)
    return {
        "interest_form": forms.get("interest_form") or InterestRunForm(),
        "loss_form": forms.get("loss_form") or CapitalLossForm(),
        "interest_rate": rate_text(interest_rate(settings)),
        "interest_cap": rate_text(interest_cap(settings)),
        "interest_period": settings["capital_interest_period"],
        "loss_allocation": settings["loss_allocation"],
        "interest_runs": capital_selectors.interest_runs_for(member),
        "capital_losses": capital_selectors.capital_losses_for(member),
        "collective": ledger,
        "collective_balance": ledger[-1].balance if ledger else Decimal(0),
    }


@login_required
@require_POST
def run_interest(request: HttpRequest, coop_slug: str) -> HttpResponse:
    from payroll.views.capital import _capital

    member = treasurer_or_403(request, coop_slug)
    form = InterestRunForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            run = capital_interest.run_capital_interest(
                actor=member,
                cooperative=member.cooperative,
                period=form.cleaned_data["period"] or None,
            )
        except DomainError as error:
            status = refuse_form(form, error)
        else:
            messages.success(
                request,
                _("Credited %(total)s of interest for %(period)s.")
                % {
                    "total": format_money(run.total, member.cooperative.currency),
                    "period": capital_interest.period_label(run.period_start, run.period_end),
                },
            )
            return redirect("money-capital", member.cooperative.slug)
    return _capital(request, member, status=status, interest_form=form)


@login_required
@require_POST
def charge_loss(request: HttpRequest, coop_slug: str) -> HttpResponse:
    from payroll.views.capital import _capital

    member = treasurer_or_403(request, coop_slug)
    form = CapitalLossForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            loss = capital_losses.record_capital_loss(
                actor=member, cooperative=member.cooperative, **form.cleaned_data
            )
        except DomainError as error:
            status = refuse_form(form, error)
        else:
            messages.success(
                request,
                _("Charged the loss of %(amount)s: %(reserve)s to the collective account.")
                % {
                    "amount": format_money(loss.amount, member.cooperative.currency),
                    "reserve": format_money(loss.from_reserve, member.cooperative.currency),
                },
            )
            return redirect("money-capital", member.cooperative.slug)
    return _capital(request, member, status=status, loss_form=form)
