"""The buy-in's refusals speak of each term in the words of its field, never by its JSON key:
on the bylaws form, in the member's language (English, Spanish, German), and in the API's
message text, which still files each under the term's path (`action_payload.buyin.<term>`)."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from governance.models import Proposal
from tests.conftest import as_member
from tests.factories import PASSWORD
from tests.governance.test_action_forms import draft, new

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2029, 12, 1, 12, tzinfo=datetime.UTC)
# The words a term's field label and its refusals share, in each language.
WORDS = {
    "en": {
        "amount": "amount",
        "shares": "number of shares",
        "nominal_value": "nominal value of a share",
        "monthly_max": "the most a month may take",
    },
    "es": {
        "amount": "importe",
        "shares": "número de participaciones",
        "nominal_value": "valor nominal de una participación",
        "monthly_max": "lo máximo que puede descontarse al mes",
    },
    "de": {
        "amount": "Betrag",
        "shares": "Anzahl der Geschäftsanteile",
        "nominal_value": "Nennwert eines Geschäftsanteils",
        "monthly_max": "Höchstbetrag je Monat",
    },
}
# (the bylaws' buy-in before, the fields filled in, the term whose field shows the refusal)
MISTAKES = [
    (None, {"payment": "at_once"}, "amount"),  # neither an amount nor shares
    (None, {"amount": "0"}, "amount"),
    (None, {"shares": "0", "nominal_value": "10"}, "shares"),
    (None, {"shares": "3"}, "nominal_value"),
    ({"amount": "1200.00"}, {"payment": "instalments"}, "monthly_max"),
    ({"amount": "1200.00"}, {"monthly_max": "100"}, "monthly_max"),
]
KEYS = re.compile(r"[a-z]+_[a-z]+|[“„«\"'](amount|shares|payment)[”“»\"']")


@pytest.fixture(autouse=True)
def december_2029(clock):
    clock.set(NOW, tick=True)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def logged_in(client, member, language: str):
    """Logged in through the login page, which takes the language from the member's own."""
    member.language = language
    member.save(update_fields=["language"])
    response = client.post(reverse("login"), {"username": member.user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def shown(page: str, term: str) -> tuple[str, list[str]]:
    """The label of the term's field and the refusals beside it, as a member reads them."""
    label = re.search(rf'<label for="id_amend_bylaws__buyin_{term}"[^>]*>(.*?)</label>', page)
    errors = re.search(
        rf'<ul class="errorlist" id="id_amend_bylaws__buyin_{term}_error">(.*?)</ul>',
        page,
        re.DOTALL,
    )
    assert label and errors, f"no field or no refusal for {term}"
    items = re.findall(r"<li>(.*?)</li>", errors.group(1), re.DOTALL)
    return html.unescape(label.group(1)), [html.unescape(item) for item in items]


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize(("bylaws", "fields", "term"), MISTAKES)
def test_the_form_speaks_of_each_term_as_its_field_does(
    client, member, language, bylaws, fields, term
):
    cooperative = member.cooperative
    cooperative.bylaws = {**cooperative.bylaws, "buyin": bylaws}
    cooperative.save()
    data = draft("bylaws", "amend_bylaws", **{f"buyin_{k}": v for k, v in fields.items()})
    response = logged_in(client, member, language).post(new(cooperative), data)
    assert response.status_code == 400
    label, errors = shown(response.content.decode(), term)
    words = WORDS[language][term]
    assert words.lower() in label.lower(), label
    assert len(errors) == 1, errors
    assert words.lower() in errors[0].lower(), errors
    assert not KEYS.search(errors[0]), errors
    assert not Proposal.objects.exists()


def test_the_form_is_in_the_members_language(client, member):
    """Spanish here (its `language`), whatever the browser asks for."""
    data = draft("bylaws", "amend_bylaws", buyin_shares="3")
    response = logged_in(client, member, "es").post(
        new(member.cooperative), data, HTTP_ACCEPT_LANGUAGE="de"
    )
    _label, errors = shown(response.content.decode(), "nominal_value")
    assert errors == [
        "Aportación: valor nominal de una participación: necesario para una aportación en "
        "participaciones."
    ]


@pytest.mark.parametrize(("bylaws", "fields", "term"), MISTAKES)
def test_the_api_files_each_under_its_term_without_naming_it(api, member, bylaws, fields, term):
    cooperative = member.cooperative
    cooperative.bylaws = {**cooperative.bylaws, "buyin": bylaws}
    cooperative.save()
    buyin = {
        key: (int(value) if key == "shares" else value if key == "payment" else f"{value}.00")
        for key, value in fields.items()
    }
    opens = NOW + datetime.timedelta(days=3)
    response = as_member(api, member).post(
        f"/api/v1/coops/{cooperative.slug}/proposals/",
        {
            "title": "Change the buy-in", "kind": "bylaws", "method": "supermajority",
            "opens_at": opens.isoformat(),
            "closes_at": (opens + datetime.timedelta(days=6)).isoformat(),
            "action": "amend_bylaws", "action_payload": {"buyin": buyin},
        },
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    errors = response.json()["errors"]
    messages = errors[f"action_payload.buyin.{term}"]
    assert len(messages) == 1 and WORDS["en"][term] in messages[0], errors
    assert not KEYS.search(messages[0]), messages
