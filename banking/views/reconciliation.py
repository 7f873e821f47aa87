"""Pages of reconciliation: the suggestions grouped by bank transaction (confirm, set aside,
change), the matches confirmed lately (undo), matching one transaction by hand (split), and the
unmatched queue (set aside). Every member reads; the treasurer writes (403 for other members,
404 for anyone outside the co-op).

A write that is done redirects (POST, redirect, GET); one that a service refuses shows the page
again with its message: 400 naming the field, 409 for a conflict with the state of things (a
transaction matched already, a locked month).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from banking import match_selectors, matching, reconciling
from banking import reconciliation_presenters as presenters
from banking.models import BankMatch, BankTransaction, MatchStatus
from banking.reconciliation_forms import ChangeForm, SetAsideForm, SplitForm
from coop import access
from coop.errors import DomainError
from coop.forms import refuse_form
from coop.locale_formats import format_day
from coop.models import Member
from coop.models.cooperative import Role
from coop.money import format_money

RECENTLY_CONFIRMED = 30
SUGGESTIONS_SHOWN = 300  # rows: the suggestions of about a hundred transactions
UNMATCHED_SHOWN = 200

# What a member who is not the treasurer is told.
REFUSAL = gettext_lazy("Only the treasurer may reconcile bank transactions.")


def _context(member: Member, section: str, **extra) -> dict:
    return {
        "member": member,
        "cooperative": member.cooperative,
        "is_treasurer": member.has_role(Role.TREASURER),
        "nav_section": "bank",
        "section": section,  # banking/_subnav.html
        **extra,
    }


def _match_or_404(member: Member, pk: int) -> BankMatch:
    return get_object_or_404(
        BankMatch.objects.select_related(
            "transaction", "transaction__account", "invoice__client",
            "distribution_line__distribution", "expense",
        ),
        transaction__account__cooperative=member.cooperative,
        pk=pk,
    )  # fmt: skip


def _transaction_or_404(member: Member, pk: int) -> BankTransaction:
    return get_object_or_404(
        BankTransaction.objects.select_related("account"),
        account__cooperative=member.cooperative,
        pk=pk,
    )


def _reconciliation_page(
    request: HttpRequest, member: Member, *, status: int = 200, error: str = ""
) -> HttpResponse:
    cooperative = member.cooperative
    suggestions = match_selectors.suggestions(cooperative).select_related(
        "invoice__client", "distribution_line__distribution"
    )
    groups, more = presenters.first_groups(suggestions, SUGGESTIONS_SHOWN)
    context = _context(
        member,
        "reconciliation",
        groups=groups,
        more=more,
        confirmed=presenters.confirmed_rows(
            match_selectors.recently_confirmed(cooperative, RECENTLY_CONFIRMED)
        ),
        unmatched_count=match_selectors.unmatched_transactions(cooperative).count(),
        error=error,
    )
    return render(request, "banking/reconciliation/page.html", context, status=status)


@login_required
@require_safe
def reconciliation(request: HttpRequest, coop_slug: str) -> HttpResponse:
    return _reconciliation_page(request, access.membership(request, coop_slug))


def _back(coop_slug: str) -> HttpResponse:
    return redirect("bank-reconciliation", coop_slug=coop_slug)


@login_required
@require_POST
def find_matches(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug, REFUSAL)
    made = matching.suggest(cooperative=member.cooperative)
    count = len(made)
    messages.success(
        request,
        ngettext(
            "%(count)d suggestion was found.", "%(count)d suggestions were found.", count
        ) % {"count": count},
    )  # fmt: skip
    return _back(coop_slug)


def _amount(match: BankMatch) -> str:
    return format_money(match.amount, match.transaction.account.currency)


def _act(request: HttpRequest, coop_slug: str, pk: int, service, done: str) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug, REFUSAL)
    match = _match_or_404(member, pk)
    try:
        service(actor=member, match=match)
    except DomainError as error:
        return _reconciliation_page(request, member, status=error.status, error=error.message)
    messages.success(
        request, done % {"amount": _amount(match), "target": presenters.target_label(match)}
    )
    return _back(coop_slug)


@login_required
@require_POST
def confirm(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    done = _("Confirmed: %(amount)s for %(target)s.")
    return _act(request, coop_slug, pk, reconciling.confirm_match, done)


@login_required
@require_POST
def set_aside(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    done = _("Set aside: %(amount)s for %(target)s will not be suggested again.")
    return _act(request, coop_slug, pk, reconciling.set_aside, done)


@login_required
@require_POST
def undo(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    done = _("Undone: %(amount)s for %(target)s is a suggestion again.")
    return _act(request, coop_slug, pk, reconciling.undo_match, done)


# Choosing by hand ----------------------------------------------------------------------------


def _form_kwargs(member: Member, bank_tx: BankTransaction) -> dict:
    return {
        "cooperative": member.cooperative,
        "transaction": bank_tx,
        "choices": presenters.target_choices(member.cooperative, bank_tx),
    }


@login_required
def change(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug, REFUSAL)
    match = _match_or_404(member, pk)
    kwargs = _form_kwargs(member, match.transaction)
    status = 200
    if request.method != "POST":
        initial = {"target": presenters.target_value(match), "amount": match.amount}
        form = ChangeForm(initial=initial, **kwargs)
    else:
        form = ChangeForm(request.POST, **kwargs)
        status = 400
        if form.is_valid():
            try:
                reconciling.change(
                    actor=member,
                    match=match,
                    target=form.cleaned_data["target"],
                    amount=form.cleaned_data["amount"],
                )
            except DomainError as error:
                status = refuse_form(form, error)
            else:
                messages.success(
                    request,
                    _("Changed: %(amount)s for %(target)s. Confirm it when it is right.")
                    % {"amount": _amount(match), "target": presenters.target_label(match)},
                )
                return _back(coop_slug)
    context = _context(
        member,
        "reconciliation",
        match=match,
        transaction=match.transaction,
        target=presenters.target_label(match),
        form=form,
    )
    return render(request, "banking/reconciliation/change.html", context, status=status)


@login_required
def match_by_hand(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug, REFUSAL)
    bank_tx = _transaction_or_404(member, pk)
    kwargs = _form_kwargs(member, bank_tx)
    open_amount = abs(bank_tx.amount) - reconciling.confirmed_total(bank_tx)
    status = 200
    if request.method != "POST":
        suggested = bank_tx.matches.filter(status=MatchStatus.SUGGESTED)
        best = suggested.order_by("-confidence", "id").first()
        initial = {"amount_1": open_amount}
        if best is not None and best.amount == open_amount:
            initial["target_1"] = presenters.target_value(best)
        form = SplitForm(initial=initial, **kwargs)
    else:
        form = SplitForm(request.POST, **kwargs)
        status = 400
        if form.is_valid():
            try:
                made = reconciling.split(
                    actor=member,
                    transaction=bank_tx,
                    parts=form.cleaned_data["parts"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                form.add_error(form.field_of(error.field), error.message)
                status = error.status
            else:
                messages.success(
                    request,
                    ngettext(
                        "Matched in %(count)d part and confirmed.",
                        "Matched in %(count)d parts and confirmed.",
                        len(made),
                    ) % {"count": len(made)},
                )  # fmt: skip
                return _back(coop_slug)
    context = _context(
        member,
        "reconciliation",
        transaction=bank_tx,
        open_amount=open_amount,
        form=form,
        matches=presenters.confirmed_rows(
            bank_tx.matches.select_related(
                "invoice__client", "distribution_line__distribution", "expense"
            ).order_by("id")
        ),
    )
    return render(request, "banking/reconciliation/match.html", context, status=status)


# The unmatched queue -------------------------------------------------------------------------


def _unmatched_page(
    request: HttpRequest, member: Member, *, status: int = 200, error: str = "", failed=None
) -> HttpResponse:
    queue = match_selectors.unmatched_transactions(member.cooperative)
    context = _context(
        member,
        "reconciliation",
        transactions=queue[:UNMATCHED_SHOWN],
        set_aside=match_selectors.set_aside_lately(member.cooperative, RECENTLY_CONFIRMED),
        count=queue.count(),
        shown=UNMATCHED_SHOWN,
        error=error,
        failed=failed,
    )
    return render(request, "banking/reconciliation/unmatched.html", context, status=status)


@login_required
@require_safe
def unmatched(request: HttpRequest, coop_slug: str) -> HttpResponse:
    return _unmatched_page(request, access.membership(request, coop_slug))


@login_required
@require_POST
def set_transaction_aside(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug, REFUSAL)
    bank_tx = _transaction_or_404(member, pk)
    form = SetAsideForm(request.POST)
    if form.is_valid():
        try:
            reconciling.set_transaction_aside(
                actor=member, transaction=bank_tx, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            return _unmatched_page(request, member, status=error.status, error=error.message)
        messages.success(
            request,
            _("The transaction of %(day)s over %(amount)s was set aside.")
            % {
                "day": format_day(bank_tx.booking_date),
                "amount": format_money(bank_tx.amount, bank_tx.account.currency),
            },
        )
        return redirect(reverse("bank-unmatched", args=[coop_slug]))
    message = " ".join(
        f"{form[name].label}: {problem}" for name, problems in form.errors.items()
        for problem in problems
    )  # fmt: skip
    return _unmatched_page(
        request, member, status=400, error=message, failed={"pk": bank_tx.pk, "form": form}
    )


@login_required
@require_POST
def take_back(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug, REFUSAL)
    bank_tx = _transaction_or_404(member, pk)
    try:
        reconciling.take_back(actor=member, transaction=bank_tx)
    except DomainError as error:
        return _unmatched_page(request, member, status=error.status, error=error.message)
    messages.success(
        request,
        _("The transaction of %(day)s over %(amount)s is back in the queue.")
        % {
            "day": format_day(bank_tx.booking_date),
            "amount": format_money(bank_tx.amount, bank_tx.account.currency),
        },
    )
    return redirect(reverse("bank-unmatched", args=[coop_slug]))
