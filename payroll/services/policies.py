"""Distribution policies: their terms checked, a new version adopted, the current one."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from coop.audit import record
from coop.errors import InvalidInput, InvalidInputs, NotAllowed
from coop.models import Cooperative, Member
from coop.models.cooperative import Role
from coop.services import require_role
from coop.text_translation import translate
from governance.actions.registry import require_decided
from payroll import allocation, enqueue, legal
from payroll.models import DistributionPolicy

POLICY_FIELDS = (
    "method", "commons_pct", "commons_recipients", "reserve_pct", "education_pct", "base_rate",
    "cash_pct", "max_pay_ratio", "carry_losses", "approval",
)  # fmt: skip


def policy_terms(fields: dict[str, Any]) -> allocation.PolicyTerms:
    """Check policy fields with the computation's own rules; errors name the field."""
    missing = [name for name in ("method", "commons_pct") if fields.get(name) is None]
    if missing:
        raise InvalidInputs({name: [_("This field is required.")] for name in missing})
    fields = {
        "reserve_pct": Decimal("0"),
        "education_pct": Decimal("0"),
        "cash_pct": Decimal("1"),
        "max_pay_ratio": Decimal("3"),
        "carry_losses": False,
        "approval": "treasurer",
        **{key: value for key, value in fields.items() if value is not None or key == "base_rate"},
    }
    recipients = fields.get("commons_recipients") or []
    try:
        return allocation.PolicyTerms(
            method=fields["method"],
            commons_pct=fields["commons_pct"],
            reserve_pct=fields["reserve_pct"],
            education_pct=fields["education_pct"],
            cash_pct=fields["cash_pct"],
            max_pay_ratio=fields["max_pay_ratio"],
            carry_losses=fields["carry_losses"],
            approval=fields["approval"],
            base_rate=fields.get("base_rate"),
            commons_recipients=tuple(
                allocation.CommonsRecipient(
                    name=r.get("name"), weight=Decimal(str(r.get("weight"))), iban=r.get("iban")
                )
                for r in recipients
            ),
        )
    except allocation.PolicyError as error:
        raise InvalidInputs(
            {
                (key or "non_field_errors"): [translate(text) for text in texts]
                for key, texts in error.texts.items()
            }
        ) from None


def check_legal_minimums(
    cooperative: Cooperative, terms: allocation.PolicyTerms, *, field_prefix: str = ""
) -> None:
    """Refuse (BelowLegalMinimum, a 400) policy terms below the minimums of the co-op's legal
    profile, each message citing its rule (payroll/legal.py)."""
    legal.refuse_below_legal_minimum(
        profile=cooperative.law,
        bylaws=cooperative.settings,
        shares=legal.policy_shares(terms),
        field_prefix=field_prefix,
    )


def current_policy(cooperative: Cooperative) -> DistributionPolicy | None:
    return DistributionPolicy.objects.filter(cooperative=cooperative).order_by("-version").first()


def adopt_policy(
    *,
    actor: Member | None,
    cooperative: Cooperative,
    proposal: Any = None,
    note: str = "",
    **fields: Any,
) -> DistributionPolicy:
    """Adopt a new version of the distribution policy.

    By the treasurer, unless the bylaws say policies are adopted by vote: then only a passed
    `policy` proposal (its `adopt_distribution_policy` action) adopts one.
    """
    if proposal is not None:
        require_decided("adopt_distribution_policy", frozenset({"policy"}), cooperative, proposal)
    else:
        require_role(actor, Role.TREASURER)
        if cooperative.settings["policy_adoption"] == "vote":
            raise NotAllowed(
                _(
                    "The bylaws say distribution policies are adopted by vote: draft a policy "
                    "proposal that adopts the new policy."
                )
            )
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown policy field."), field=sorted(unknown)[0])
    terms = policy_terms(fields)
    with transaction.atomic():
        # Locked and read again: a change of legal profile or bylaws waits for this adoption.
        locked = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        check_legal_minimums(locked, terms)
        latest = current_policy(cooperative)
        policy = DistributionPolicy.objects.create(
            cooperative=cooperative,
            version=(latest.version + 1) if latest else 1,
            method=str(terms.method),
            commons_pct=terms.commons_pct,
            commons_recipients=[
                {"name": r.name, "weight": str(r.weight), **({"iban": r.iban} if r.iban else {})}
                for r in terms.commons_recipients
            ],
            reserve_pct=terms.reserve_pct,
            education_pct=terms.education_pct,
            base_rate=terms.base_rate,
            cash_pct=terms.cash_pct,
            max_pay_ratio=terms.max_pay_ratio,
            carry_losses=terms.carry_losses,
            approval=str(terms.approval),
            adopted_by=actor,
            adopted_by_proposal=proposal,
            note=note,
        )
        record(
            cooperative,
            actor,
            "policy.adopted",
            policy,
            {"version": policy.version, "proposal": getattr(proposal, "pk", None), **fields},
        )
        enqueue.policy_adopted(policy.pk)
        return policy


def terms_of(policy: DistributionPolicy) -> allocation.PolicyTerms:
    return policy_terms({name: getattr(policy, name) for name in POLICY_FIELDS})
