"""A proposal's action payload that names no row by id is refused (400), never a server error."""

import pytest

from coop.errors import InvalidInput
from payroll import proposal_actions, settlement_actions

pytestmark = pytest.mark.django_db

VALIDATORS = [
    (proposal_actions._validate_distribution, "distribution"),
    (proposal_actions._validate_expense, "expense"),
    (proposal_actions._validate_claim, "claim"),
    (settlement_actions._validate, "settlement"),
]


@pytest.mark.parametrize(("validate", "key"), VALIDATORS, ids=[key for _v, key in VALIDATORS])
@pytest.mark.parametrize("value", ["abc", "", "١٢", True, 1.5, None, [1], "999999"])
def test_a_value_that_names_no_row_is_refused_by_field(cooperative, validate, key, value):
    with pytest.raises(InvalidInput) as refused:
        validate(cooperative, {key: value})
    assert refused.value.field == f"action_payload.{key}"
