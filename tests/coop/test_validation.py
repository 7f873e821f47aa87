"""Validation of currencies, time zones, IBANs and bylaws: in the model and as API 400s."""

import pytest
from django.core.exceptions import ValidationError

from coop.bylaws import validate_bylaws
from coop.validators import validate_currency, validate_iban, validate_time_zone
from tests.conftest import as_member


@pytest.mark.parametrize(
    "iban",
    ["DE89370400440532013000", "de89 3704 0044 0532 0130 00", "GB29NWBK60161331926819",
     "AT611904300234573201", "NL91ABNA0417164300"],
)  # fmt: skip
def test_valid_ibans_pass(iban):
    validate_iban(iban)


@pytest.mark.parametrize(
    ("iban", "message"),
    [
        ("DE89370400440532013001", "check digits"),
        ("DE8937040044053201300", "has 22 characters, this one has 21"),
        ("ZZ89370400440532013000", "not in the IBAN registry"),
        ("not an iban", "is not an IBAN"),
    ],
)
def test_invalid_ibans_say_why(iban, message):
    with pytest.raises(ValidationError) as error:
        validate_iban(iban)
    assert message in str(error.value.messages[0] % error.value.params) or message in str(
        error.value
    )


def test_currency_and_time_zone_validation():
    validate_currency("ARS")
    validate_time_zone("America/Argentina/Buenos_Aires")
    with pytest.raises(ValidationError):
        validate_currency("EURO")
    with pytest.raises(ValidationError):
        validate_time_zone("Mars/Olympus_Mons")


def test_bylaws_schema_names_the_bad_setting():
    validate_bylaws({"floors": {"bylaws": {"quorum": "2/3", "threshold": "0.75"}}})
    validate_bylaws({"floors": {"general": {"discussion_hours": 0, "voting_hours": 24}}})
    with pytest.raises(ValidationError) as error:
        validate_bylaws(
            {
                "floors": {
                    "general": {"quorum": "3/2"},
                    "party": {},
                    "policy": {"voting_hours": "5 days"},
                    "bylaws": {"discussion_hours": -1},
                },
                "spending_limit": -5,
                "colour": "red",
                "proposal_defaults": {},
            }
        )
    messages = " ".join(error.value.messages)
    assert "The quorum of general proposals: “3/2” must be between 0 and 1." in messages
    assert "There is no kind of proposal “party”" in messages
    assert "The voting period of policy proposals: write a whole number of hours." in messages
    assert "The discussion period of bylaws proposals: between 0 and 8784 hours." in messages
    assert "There is no bylaws setting “proposal_defaults”" in messages
    assert "The spending limit is an amount of at least 0" in messages
    assert "There is no bylaws setting “colour”" in messages


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({"currency": "XXX"}, "currency", "not an ISO 4217 currency"),
        ({"time_zone": "Europe/Atlantis"}, "time_zone", "not a time zone"),
        ({"bylaws": {"floors": {"general": {"threshold": "1.5"}}}}, "bylaws",
         "between 0 and 1"),
    ],
)  # fmt: skip
def test_api_rejects_bad_coop_settings_with_400_naming_the_field(
    api, admin_member, payload, field, fragment
):
    response = as_member(api, admin_member).patch(
        f"/api/v1/coops/{admin_member.cooperative.slug}/", payload, format="json"
    )
    assert response.status_code == 400
    assert fragment in response.json()["errors"][field][0]
    assert response.json()["code"] == "invalid"
    assert response.json()["detail"].startswith(f"{field}: ")


@pytest.mark.django_db
def test_api_rejects_bad_iban_with_400(api, member):
    response = as_member(api, member).patch(
        f"/api/v1/coops/{member.cooperative.slug}/members/{member.pk}/",
        {"iban": "DE89370400440532013001"},
        format="json",
    )
    assert response.status_code == 400
    assert "check digits" in response.json()["errors"]["iban"][0]


@pytest.mark.django_db
def test_member_sets_own_bank_details_normalized(api, member):
    response = as_member(api, member).patch(
        f"/api/v1/coops/{member.cooperative.slug}/members/{member.pk}/",
        {"iban": "de89 3704 0044 0532 0130 00", "legal_name": "Ana María Torres"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    member.refresh_from_db()
    assert member.iban == "DE89370400440532013000"
    event = member.cooperative.audit_events.last()
    assert event.verb == "member.updated"
    assert "DE89" not in str(event.data)  # bank details are not copied into the audit log


def test_the_capital_bylaws_name_what_a_buyin_instalment_is():
    validate_bylaws({"buyin_instalments": "notice"})
    validate_bylaws({"buyin_instalments": "money", "redemption_order": "newest_first"})
    with pytest.raises(ValidationError) as error:
        validate_bylaws({"buyin_instalments": "equity", "member_capital_redeemed": "never"})
    text = " ".join(error.value.messages)
    assert '("notice") or paid in money ("money") (buyin_instalments)' in text
    assert "(member_capital_redeemed)" in text
