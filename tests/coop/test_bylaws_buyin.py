"""The bylaws' buy-in setting: its forms, and each mistake refused with a sentence naming it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coop.bylaws import merged_with_defaults, validate_bylaws
from coop.bylaws_buyin import BuyinTerms, buyin_terms


@pytest.mark.parametrize(
    ("value", "terms"),
    [
        (None, None),
        ({"amount": "1200.00"}, BuyinTerms(1, Decimal("1200.00"), None)),
        (
            {"amount": "1200", "payment": "instalments", "monthly_max": "100.00"},
            BuyinTerms(1, Decimal("1200.00"), Decimal("100.00")),
        ),
        (
            {"shares": 6, "nominal_value": "250.00", "payment": "at_once"},
            BuyinTerms(6, Decimal("250.00"), None),
        ),
    ],
)
def test_the_forms_it_takes(value, terms):
    validate_bylaws({"buyin": value})
    assert buyin_terms(merged_with_defaults({"buyin": value})) == terms


def test_shares_times_the_nominal_value_is_the_amount():
    assert BuyinTerms(3, Decimal("33.33"), None).amount == Decimal("99.99")


def test_none_by_default():
    assert buyin_terms(merged_with_defaults({})) is None


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("1200", "is an object"),
        ({"amount": "1200.00", "fee": "1"}, "no setting “fee”"),
        ({}, "either an amount"),
        ({"amount": "1200.00", "shares": 2, "nominal_value": "5.00"}, "not both"),
        ({"amount": 1200.5}, "written as text"),
        ({"amount": "0"}, "more than 0"),
        ({"amount": "12.345"}, "in cents"),
        ({"amount": "NaN"}, "more than 0"),
        ({"shares": 0, "nominal_value": "10.00"}, "whole number from 1"),
        ({"shares": True, "nominal_value": "10.00"}, "whole number from 1"),
        ({"shares": 2}, "nominal value of a share"),
        ({"amount": "100.00", "payment": "monthly"}, '("instalments")'),
        ({"amount": "100.00", "payment": "instalments"}, "monthly_max"),
        ({"amount": "100.00", "payment": "instalments", "monthly_max": "-5"}, "monthly_max"),
        ({"amount": "100.00", "monthly_max": "5.00"}, "paid at once has no monthly maximum"),
    ],
)
def test_each_mistake_is_named(value, words):
    with pytest.raises(ValidationError) as refused:
        validate_bylaws({"buyin": value})
    assert any(words in message for message in refused.value.messages), refused.value.messages


@pytest.mark.django_db
def test_a_bylaws_proposal_amends_the_buyin_and_is_refused_naming_the_rule(cooperative):
    from coop.errors import InvalidInput
    from governance.actions.bylaws import _validate_amendment

    good = {"buyin": {"amount": "1200.00", "payment": "instalments", "monthly_max": "100.00"}}
    assert _validate_amendment(cooperative, good) == good
    with pytest.raises(InvalidInput, match="needs the most a month may take") as refused:
        _validate_amendment(cooperative, {"buyin": {"amount": "1.00", "payment": "instalments"}})
    # the key is the field's path, not a word of the sentence a member reads
    assert refused.value.field == "action_payload.buyin.monthly_max"
    assert "monthly_max" not in refused.value.message
