"""JSON nested a thousand levels deep is a 400 `parse_error`, never a RecursionError (a 500)."""

import json

import pytest

from coop import jsontext
from tests.governance.test_pages import draft_form, page

pytestmark = pytest.mark.django_db

DEEP = 1000


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def deep_body(field: str) -> str:
    return f'{{"{field}": {nested(DEEP)}}}'


def post_raw(api, path: str, body: str, **headers):
    return api.generic("POST", path, body, content_type="application/json", **headers)


def assert_parse_error(response):
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == "parse_error"
    assert "nested deeper than" in body["detail"]


def test_an_anonymous_login_with_deep_json_is_a_parse_error(api):
    assert_parse_error(post_raw(api, "/api/v1/auth/token/", deep_body("email")))


def test_a_proposal_with_a_deep_action_payload_is_a_parse_error(api, member):
    api.force_authenticate(member.user)
    path = f"/api/v1/coops/{member.cooperative.slug}/proposals/"
    assert_parse_error(post_raw(api, path, deep_body("action_payload")))


def test_a_deep_ballot_is_a_parse_error_even_with_an_idempotency_key(api, member, make_proposal):
    proposal = make_proposal(member)
    api.force_authenticate(member.user)
    path = f"/api/v1/coops/{member.cooperative.slug}/proposals/{proposal.pk}/vote/"
    assert_parse_error(post_raw(api, path, deep_body("ballot")))
    assert_parse_error(post_raw(api, path, deep_body("ballot"), HTTP_IDEMPOTENCY_KEY="deep-1"))


def test_brackets_inside_strings_do_not_count(api, member, make_proposal):
    proposal = make_proposal(member)
    api.force_authenticate(member.user)
    path = f"/api/v1/coops/{member.cooperative.slug}/proposals/{proposal.pk}/vote/"
    body = json.dumps({"ballot": {"choice": "[" * 5000}})
    response = post_raw(api, path, body)
    assert response.status_code == 400 and response.json()["code"] == "invalid"  # not parse_error


def test_the_proposal_form_parses_no_json(client, member):
    """The page takes an action's details as fields (governance/action_forms.py): JSON posted
    to it, however deep, is not read, and the action's own check refuses the missing member."""
    client.force_login(member.user)
    response = client.post(
        page(member.cooperative, "new/"),
        draft_form(kind="membership", action="admit_member", action_payload=nested(DEEP)),
    )
    assert response.status_code == 400
    assert "nest deeper than" not in response.content.decode()


def test_nesting_is_counted_without_recursion():
    assert jsontext.nesting_depth('{"a": [1, {"b": "]]]"}]}') == 3
    assert jsontext.loads('{"a": [[1]]}') == {"a": [[1]]}
    with pytest.raises(jsontext.TooDeep):
        jsontext.loads(nested(100_000))
    assert jsontext.loads(json.dumps({"x": "[" * 10_000})) == {"x": "[" * 10_000}
