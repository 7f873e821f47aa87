"""The bylaws amendment's form speaks in the form's terms: each refusal sits beside the field it
is about, names it by its label and writes numbers as the page's language does; never a JSON
key, JSON syntax or "written as text", which are the API's words (pinned at the end: the API
still answers with them)."""

import datetime
import html
import re

import pytest

from governance.models import Proposal
from tests.conftest import as_member
from tests.governance.test_action_forms import draft, new
from tests.web import signed_in

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2029, 12, 1, 12, tzinfo=datetime.UTC)
LANGUAGES = ("en", "de", "es")
# What only the API may say: a key (`buyin_instalments`, `settlement.frequency`), JSON's
# quotes and null, "written as text" in each language.
API_WORDS = re.compile(
    r"[a-z]+_[a-z_]+|\b[a-z]+\.[a-z_]+|\"|\bnull\b|JSON"
    r"|written as text|als Text geschrieben|escrit[oa] como texto",
    re.IGNORECASE,
)


@pytest.fixture(autouse=True)
def december_2029(clock):
    clock.set(NOW, tick=True)


def in_language(client, member, settings, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return signed_in(client, member)


def refusals(page: str, field: str) -> list[str]:
    """The refusals shown beside a field of the bylaws amendment, as a member reads them."""
    found = re.search(
        rf'<ul class="errorlist" id="id_amend_bylaws__{field}_error">(.*?)</ul>', page, re.DOTALL
    )
    assert found, f"no refusal beside {field}: {all_refusals(page)}"
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1))]


def all_refusals(page: str) -> list[str]:
    lists = re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', page, re.DOTALL)
    return [html.unescape(item) for block in lists for item in re.findall(r"<li>(.*?)</li>", block)]


def label(page: str, field: str) -> str:
    found = re.search(rf'<label for="id_amend_bylaws__{field}"[^>]*>(.*?)</label>', page)
    assert found, field
    return html.unescape(found.group(1)).rstrip(":")


def typed(value, language):
    return value[language] if isinstance(value, dict) else value


# (the bylaws before, the fields filled in, the field whose refusal it is, what the refusal
# writes as the language does: a bound or the figures typed)
MISTAKES = [
    ({}, {"buyin_amount": "0"}, "buyin_amount", None),
    ({}, {"buyin_amount": {"en": "12.345", "de": "12,345", "es": "12,345"}}, "buyin_amount", None),
    (
        {},
        {"buyin_amount": "1" + "0" * 30},
        "buyin_amount",
        {"en": "999,999,999,999.99", "de": "999.999.999.999,99", "es": "999.999.999.999,99"},
    ),
    ({}, {"buyin_shares": "3"}, "buyin_nominal_value", None),
    ({}, {"buyin_nominal_value": "10"}, "buyin_shares", None),
    (
        {},
        {"buyin_shares": "100001", "buyin_nominal_value": "10"},
        "buyin_shares",
        {"en": "100,000", "de": "100.000", "es": "100.000"},
    ),
    ({"buyin": {"amount": "1200.00"}}, {"buyin_payment": "instalments"}, "buyin_monthly_max", None),
    ({}, {"buyin_monthly_max": "0", "buyin_payment": "instalments"}, "buyin_monthly_max", None),
    ({}, {"spending_limit": "-5"}, "spending_limit", None),
    (
        {},
        {
            "spending_limit": {
                "en": "1,000,000,000,000",
                "de": "1.000.000.000.000",
                "es": "1.000.000.000.000",
            }
        },
        "spending_limit",
        {"en": "999,999,999,999.99", "de": "999.999.999.999,99", "es": "999.999.999.999,99"},
    ),
    # Each term fits the books, the buy-in they make does not.
    (
        {},
        {
            "buyin_shares": "100000",
            "buyin_nominal_value": {"en": "10,000,000", "de": "10.000.000", "es": "10.000.000"},
        },
        "buyin_shares",
        {"en": "999,999,999,999.99", "de": "999.999.999.999,99", "es": "999.999.999.999,99"},
    ),
    # A term stored before the API bounded it, kept by an amendment of another term.
    (
        {
            "buyin": {
                "amount": "1200.00",
                "payment": "instalments",
                "monthly_max": "1000000000000.00",
            }
        },
        {"buyin_amount": "1300"},
        "buyin_monthly_max",
        {"en": "999,999,999,999.99", "de": "999.999.999.999,99", "es": "999.999.999.999,99"},
    ),
    (
        {"capital_interest_rate_cap_pct": "2.5"},
        {"capital_interest_rate_pct": {"en": "3.75", "de": "3,75", "es": "3,75"}},
        "capital_interest_rate_pct",
        {"en": "2.5", "de": "2,5", "es": "2,5"},
    ),
    (
        {"capital_interest_rate_cap_pct": "6", "capital_interest_rate_pct": "4.5"},
        {"capital_interest_rate_cap_pct": "4"},
        "capital_interest_rate_cap_pct",
        {"en": "4.5", "de": "4,5", "es": "4,5"},
    ),
    ({}, {"capital_interest_rate_cap_pct": "101"}, "capital_interest_rate_cap_pct", None),
    (
        {"capital_interest_rate_cap_pct": "6"},
        {"capital_interest_rate_pct": {"en": "1.23456", "de": "1,23456", "es": "1,23456"}},
        "capital_interest_rate_pct",
        None,
    ),
    ({}, {"statutory_reserve_pct": "1"}, "statutory_reserve_pct", None),
    ({}, {"settlement_refundable_share": "2"}, "settlement_refundable_share", None),
    ({}, {"settlement_interest_rate": "-1"}, "settlement_interest_rate", None),
    ({}, {"settlement_instalments": "601"}, "settlement_instalments", None),
    ({}, {"settlement_notice_months": "121"}, "settlement_notice_months", None),
    ({}, {"settlement_start_months": "121"}, "settlement_start_months", None),
    ({}, {"probation_months": "61"}, "probation_months", None),
    ({}, {"probation_reminder_days": "91"}, "probation_reminder_days", None),
    ({}, {"floors_general_quorum": "viel"}, "floors_general_quorum", None),
    ({}, {"floors_spending_threshold": "3/2"}, "floors_spending_threshold", None),
    (
        {},
        {"floors_bylaws_voting_hours": "9000"},
        "floors_bylaws_voting_hours",
        {"en": "8,784", "de": "8.784", "es": "8.784"},
    ),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("before", "fields", "field", "figures"), MISTAKES)
def test_each_refusal_beside_its_field_in_the_form_s_words(
    client, member, settings, language, before, fields, field, figures
):
    cooperative = member.cooperative
    cooperative.bylaws = {**cooperative.bylaws, **before}
    cooperative.save()
    data = draft(
        "bylaws", "amend_bylaws", **{name: typed(value, language) for name, value in fields.items()}
    )
    response = in_language(client, member, settings, language).post(new(cooperative), data)
    assert response.status_code == 400
    page = response.content.decode()
    shown = refusals(page, field)
    assert len(shown) == 1, shown
    assert label(page, field) in shown[0], (label(page, field), shown)
    if figures:
        assert typed(figures, language) in shown[0], shown
    for refusal in all_refusals(page):
        assert not API_WORDS.search(refusal), refusal
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("language", "typed_rate", "refusal"),
    [
        (
            "de",
            "3,75",
            "Zinssatz auf das Kapital (% im Jahr): 3,75 % liegt über der Obergrenze von 2,5 %, die "
            "die Satzung erlaubt; der Zinssatz darf die Obergrenze nicht überschreiten.",
        ),
        (
            "es",
            "3,75",
            "Tipo de interés del capital (% al año): 3,75 % supera el tope de 2,5 % que permiten "
            "los estatutos; el tipo no puede superar el tope.",
        ),
    ],
)
def test_a_rate_above_the_cap_in_the_member_s_language(
    client, member, settings, language, typed_rate, refusal
):
    cooperative = member.cooperative
    cooperative.bylaws = {**cooperative.bylaws, "capital_interest_rate_cap_pct": "2.5"}
    cooperative.save()
    data = draft("bylaws", "amend_bylaws", capital_interest_rate_pct=typed_rate)
    response = in_language(client, member, settings, language).post(new(cooperative), data)
    assert response.status_code == 400
    assert refusals(response.content.decode(), "capital_interest_rate_pct") == [refusal]


@pytest.mark.parametrize(
    ("language", "fields", "payload"),
    [
        (
            "de",
            {
                "settlement_refundable_share": "0,70",
                "settlement_interest_rate": "0,02",
                "statutory_reserve_pct": "0,1",
                "capital_interest_rate_cap_pct": "5",
                "capital_interest_rate_pct": "3,25",
                "floors_general_quorum": "0,6",
                "floors_bylaws_threshold": "2/3",
                "floors_policy_threshold": "0.7",
            },
            {
                "settlement": {"refundable_share": "0.70", "interest_rate": "0.02"},
                "statutory_reserve_pct": "0.1",
                "capital_interest_rate_cap_pct": "5",
                "capital_interest_rate_pct": "3.25",
                "floors": {
                    "general": {"quorum": "0.6"},
                    "bylaws": {"threshold": "2/3"},
                    "policy": {"threshold": "0.7"},
                },
            },
        ),
        (
            "es",
            {"buyin_shares": "1.000", "buyin_nominal_value": "1.000,50", "spending_limit": "0"},
            {"buyin": {"shares": 1000, "nominal_value": "1000.50"}, "spending_limit": "0"},
        ),
        (
            "en",
            {"settlement_refundable_share": "1", "statutory_reserve_pct": "0"},
            {"settlement": {"refundable_share": "1"}, "statutory_reserve_pct": "0"},
        ),
    ],
)
def test_fractions_and_rates_are_typed_as_the_language_writes_them(
    client, member, settings, language, fields, payload
):
    data = draft("bylaws", "amend_bylaws", **fields)
    response = in_language(client, member, settings, language).post(new(member.cooperative), data)
    assert response.status_code == 302, all_refusals(response.content.decode())
    assert Proposal.objects.get().action_payload == payload


def test_a_draft_s_fractions_are_shown_back_in_the_page_s_notation(client, member, settings):
    data = draft("bylaws", "amend_bylaws", settlement_refundable_share="0,7")
    client = in_language(client, member, settings, "de")
    assert client.post(new(member.cooperative), data).status_code == 302
    proposal = Proposal.objects.get()
    page = client.get(f"/c/{member.cooperative.slug}/proposals/{proposal.pk}/edit/")
    field = re.search(
        r'<input[^>]*name="amend_bylaws__settlement_refundable_share"[^>]*>',
        page.content.decode(),
    )
    assert field and 'value="0,7"' in field.group(0), field


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {"capital_interest_rate_pct": "5"},
            {
                "action_payload": [
                    "The interest rate on capital (5 %) is above the bylaws' cap "
                    "(capital_interest_rate_cap_pct, 0 %): the rate may not exceed the cap."
                ]
            },
        ),
        (
            {"settlement": {"refundable_share": "2", "instalments": 601}},
            {
                "action_payload": [
                    "Settlement.refundable_share is a fraction between 0 and 1 written as text: "
                    '"0.70". settlement.instalments is a whole number from 1 to 600.'
                ]
            },
        ),
        (
            {"buyin": {"amount": "1e30"}},
            {
                "action_payload.buyin.amount": [
                    'The buy-in amount is more than 0, in cents, written as text: "1200.00".'
                ]
            },
        ),
        (
            {"buyin": {"payment": "instalments", "amount": "1200.00"}},
            {
                "action_payload.buyin.monthly_max": [
                    "A buy-in paid in instalments needs the most a month may take, more than 0, "
                    'in cents, written as text: "100.00".'
                ]
            },
        ),
    ],
)
def test_the_api_still_answers_in_its_own_words(api, member, payload, errors):
    opens = NOW + datetime.timedelta(days=3)
    response = as_member(api, member).post(
        f"/api/v1/coops/{member.cooperative.slug}/proposals/",
        {
            "title": "Amend the bylaws", "kind": "bylaws", "method": "supermajority",
            "opens_at": opens.isoformat(),
            "closes_at": (opens + datetime.timedelta(days=6)).isoformat(),
            "action": "amend_bylaws", "action_payload": payload,
        },
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"] == errors


@pytest.mark.parametrize(
    ("language", "quorum", "threshold"),
    [("de", "0,6", "0,8"), ("es", "0,6", "4/5"), ("en", "0.6", "0.8"), ("de", "0.6", "0.8")],
)
def test_a_proposal_s_quorum_and_threshold_as_the_language_writes_them(
    client, member, settings, language, quorum, threshold
):
    """ "0,6" in German and Spanish, "0.6" as the API writes it, or a fraction: kept exact."""
    client = in_language(client, member, settings, language)
    data = {**draft("general", ""), "quorum": quorum, "threshold": threshold}
    assert client.post(new(member.cooperative), data).status_code == 302
    assert Proposal.objects.values_list("quorum", "threshold").get() == ("3/5", "4/5")


def test_a_draft_s_floors_are_shown_back_in_the_page_s_notation(client, member, settings):
    data = draft("bylaws", "amend_bylaws", floors_general_quorum="0,6")
    client = in_language(client, member, settings, "de")
    assert client.post(new(member.cooperative), data).status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.action_payload["floors"]["general"]["quorum"] == "0.6"
    page = client.get(f"/c/{member.cooperative.slug}/proposals/{proposal.pk}/edit/")
    field = re.search(
        r'<input[^>]*name="amend_bylaws__floors_general_quorum"[^>]*>', page.content.decode()
    )
    assert field and 'value="0,6"' in field.group(0), field


def test_a_proposal_s_quorum_refused_beside_its_field_in_german(client, member, settings):
    client = in_language(client, member, settings, "de")
    data = {**draft("general", ""), "quorum": "1,5"}
    page = client.post(new(member.cooperative), data).content.decode()
    found = re.search(r'<ul class="errorlist" id="id_quorum_error">(.*?)</ul>', page, re.DOTALL)
    assert found, all_refusals(page)
    assert html.unescape(found.group(1)).count("Quorum: ") == 1
    assert not Proposal.objects.exists()
