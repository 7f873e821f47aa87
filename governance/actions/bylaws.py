"""The bylaws decision a passed proposal carries out: amending the bylaws settings."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop import services as coop_services
from coop.bylaws import validate_bylaws
from coop.bylaws_buyin import amended_buyin, buyin_problems
from coop.errors import InvalidInput, InvalidInputs
from coop.models import Cooperative
from governance.actions import registry


def _validate_amendment(cooperative: Cooperative, payload: dict[str, Any]) -> dict[str, Any]:
    """The amended bylaws must be valid. The buy-in's problems name their term
    (`action_payload.buyin.monthly_max`), so that the form shows each next to its field; the
    others are about the payload as a whole."""
    if not payload:
        raise InvalidInput(_("Change at least one bylaws setting."), field="action_payload")
    amended = _amended(cooperative.bylaws, payload)
    errors: dict[str, list[str]] = {}
    if "buyin" in payload:
        for term, messages in buyin_problems(amended.get("buyin")).items():
            errors[".".join(filter(None, ("action_payload", "buyin", term)))] = messages
        if errors:
            amended["buyin"] = None  # its problems are told above, once
    try:
        validate_bylaws(amended)
    except ValidationError as error:
        message = " ".join(error.messages)  # a sentence: "Settlement.instalments is…"
        errors["action_payload"] = [message[:1].upper() + message[1:]]
    if errors:
        raise InvalidInputs(errors)
    return payload


def _amended(bylaws: dict[str, Any], amendment: dict[str, Any]) -> dict[str, Any]:
    """The bylaws with the amendment: the floors, the settlement terms and the buy-in terms it
    names change, the others stay (`coop.bylaws_buyin.amended_buyin`); any other setting is
    replaced whole."""
    result = {**bylaws, **{k: v for k, v in amendment.items() if k != "floors"}}
    if "buyin" in amendment:
        result["buyin"] = amended_buyin(bylaws.get("buyin"), amendment["buyin"])
    settlement = amendment.get("settlement")
    if isinstance(settlement, dict) and isinstance(bylaws.get("settlement"), dict):
        result["settlement"] = {**bylaws["settlement"], **settlement}
    floors = {kind: dict(terms) for kind, terms in (bylaws.get("floors") or {}).items()}
    for kind, terms in (amendment.get("floors") or {}).items():
        if isinstance(terms, dict):
            floors.setdefault(kind, {}).update(terms)
        else:
            floors[kind] = terms  # refused by validate_bylaws with the path of the bad value
    if floors:
        result["floors"] = floors
    return result


def _amend(cooperative: Cooperative, payload: dict[str, Any], proposal: Any) -> dict[str, Any]:
    cooperative.refresh_from_db()
    try:  # checked when proposed, but the bylaws may have changed since (another amendment)
        _validate_amendment(cooperative, payload)
    except InvalidInputs as error:
        raise InvalidInput(_no_longer_fits(error.errors), field="action_payload") from None
    coop_services.amend_bylaws(
        cooperative=cooperative, bylaws=_amended(cooperative.bylaws, payload), proposal=proposal
    )
    return {"amended": payload}


def _no_longer_fits(errors: dict[str, list[str]]) -> str:
    """Why a passed amendment is not carried out, for its page: every problem, in the API's
    words without its JSON paths (each buy-in sentence names its term in words)."""
    problems = " ".join(message for messages in errors.values() for message in messages)
    return _(
        "Not carried out: with this amendment, the bylaws as they stand now would not be valid "
        "(they may have changed since it was proposed). Nothing was changed. %(problems)s"
    ) % {"problems": problems}


def register_bylaws_actions() -> None:
    registry.register(
        "amend_bylaws",
        description=gettext_lazy(
            "Change the bylaws settings: the floors per kind (quorum, threshold, discussion "
            "and voting hours), the spending limit, who decides about members, etc."
        ),
        kinds={"bylaws"},
        validate=_validate_amendment,
        execute=_amend,
        example={"floors": {"spending": {"threshold": "2/3", "voting_hours": 120}}},
    )
