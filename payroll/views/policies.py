"""Distribution policies: every version as members read it; the treasurer adopts a new one;
the rules of the computation (docs/payroll-rules.md) as a page of the site."""

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coop.access import membership
from coop.errors import DomainError, InvalidInputs
from coop.models import Member
from governance.rendering import render_markdown
from payroll import legal, presenters, selectors
from payroll.forms import PolicyForm, recipients_formset
from payroll.services import policies
from payroll.views.access import context_for


def _policies(
    request: HttpRequest,
    member: Member,
    form: PolicyForm | None = None,
    formset: BaseFormSet | None = None,
    recipient_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    cooperative = member.cooperative
    versions = list(selectors.policies(cooperative))
    by_vote = cooperative.settings["policy_adoption"] == "vote"
    context = context_for(
        member,
        "policies",
        versions=[
            (
                policy,
                presenters.policy_in_words(policy, cooperative.currency),
                presenters.proposal_url(policy.adopted_by_proposal),
            )
            for policy in versions
        ],
        by_vote=by_vote,
        law=cooperative.law,
        # A profile chosen after the version in force was adopted: say what the next must meet.
        law_shortfalls=[
            legal.sentence(shortfall)
            for shortfall in legal.shortfalls(
                cooperative.law, cooperative.settings, legal.policy_shares(versions[0])
            )
        ]
        if versions
        else [],
    )
    if member.is_treasurer and not by_vote:
        current = versions[0] if versions else None
        context.update(
            form=form or PolicyForm(initial=PolicyForm.initial_from(current)),
            formset=formset or recipients_formset(policy=current),
            recipient_errors=recipient_errors or [],
        )
    return render(request, "payroll/policies.html", context, status=status)


@login_required
def policy_list(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = membership(request, coop_slug)
    if request.method != "POST":
        return _policies(request, member)
    if not member.is_treasurer:
        raise PermissionDenied(_("Only the treasurer adopts a distribution policy."))
    form = PolicyForm(request.POST)
    formset = recipients_formset(request.POST)
    recipient_errors: list[str] = []
    status = 400
    if form.is_valid() and formset.is_valid():
        filled = [f for f in formset.forms if f.recipient() is not None]
        fields = dict(form.cleaned_data)
        note = fields.pop("note")
        try:
            policy = policies.adopt_policy(
                actor=member,
                cooperative=member.cooperative,
                note=note,
                commons_recipients=[f.recipient() for f in filled],
                **fields,
            )
        except DomainError as error:
            status = error.status
            recipient_errors = _refuse_policy(form, filled, error)
        else:
            messages.success(
                request,
                _("Adopted version %s of the policy: the next draft uses it.") % policy.version,
            )
            return redirect("money-policies", member.cooperative.slug)
    return _policies(request, member, form, formset, recipient_errors, status)


def _refuse_policy(form: PolicyForm, filled: list[Any], error: DomainError) -> list[str]:
    """Place the service's errors: `commons_recipients[1].weight` goes to that row."""
    errors = error.errors if isinstance(error, InvalidInputs) else {error.field: [error.message]}
    left: list[str] = []
    for key, problems in errors.items():
        key = key or ""
        if key.startswith("commons_recipients["):
            index, _dot, name = key[len("commons_recipients[") :].partition("].")
            row = filled[int(index)] if index.isdigit() and int(index) < len(filled) else None
            if row is not None and name in row.fields:
                for problem in problems:
                    row.add_error(name, problem)
                continue
        if key == "commons_recipients" or key.startswith("commons_recipients"):
            left += problems
        else:
            for problem in problems:
                form.add_error(key if key in form.fields else None, problem)
    return left


RULES = Path(__file__).resolve().parents[2] / "docs" / "payroll-rules.md"


@login_required
def payroll_rules(request: HttpRequest, coop_slug: str) -> HttpResponse:
    """The payroll rule book, docs/payroll-rules.md, rendered (sanitized) for every member."""
    member = membership(request, coop_slug)
    rules = render_markdown(RULES.read_text(encoding="utf-8"))
    return render(request, "payroll/rules.html", context_for(member, "policies", rules=rules))
