"""English, Spanish and German: complete catalogs, translated pages, the language switcher,
amounts of money in the reader's format, and machine-readable outputs that do not change."""

import ast
import gettext
import html
import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from coop.templatetags.money import amount, money
from payroll import distributing, documents
from tests.factories import PASSWORD, CooperativeFactory, MemberFactory
from tests.payroll.books import SEPTEMBER

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ("es", "de")
NBSP = "\u00a0"


# The catalogs ------------------------------------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: context, msgid, plural, msgstr forms and flags. Obsolete entries
    (#~) are left out."""
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None and "msgid" in entry:
                entries.append(entry)
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if isinstance(field, int):
                entry["msgstr"][field] += text
            else:
                entry[field] += text
        else:
            keyword, _, quoted = line.partition(" ")
            text = ast.literal_eval(quoted)
            if keyword.startswith("msgstr"):
                field = int(keyword[7:-1]) if "[" in keyword else 0
                entry["msgstr"][field] = text
            else:
                field = {"msgctxt": "context", "msgid": "msgid", "msgid_plural": "plural"}[keyword]
                entry[field] = text
    return entries


def catalog(language: str) -> list[dict]:
    return read_po(LOCALE / language / "LC_MESSAGES" / "django.po")


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%(?:\([a-z_]+\))?[sd]", text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    entries = catalog(language)
    header = entries[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"], "the header must not be fuzzy"
    assert f"Language: {language}\n" in header["msgstr"][0]
    messages = entries[1:]
    assert len(messages) > 500  # the whole site, not a sample
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in messages if not all(e["msgstr"].values())]
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:10]}"
    assert not untranslated, f"untranslated in {language}: {untranslated[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    wrong = []
    for entry in catalog(language)[1:]:
        if "python-format" not in entry["flags"]:
            continue
        for index, text in entry["msgstr"].items():
            source = entry["plural"] if index and entry.get("plural") else entry["msgid"]
            if placeholders(text) != placeholders(source):
                wrong.append((entry["msgid"], text))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_catalog_is_compiled_from_the_po_file(language):
    """The .mo files are committed (the image and `make run` need no gettext): each must hold
    exactly the messages of its .po file. If this fails, run `make messages`."""
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)._catalog
    mo.pop("")  # the header: msgfmt leaves out its POT-Creation-Date
    expected = {}
    for entry in catalog(language)[1:]:
        if "fuzzy" in entry["flags"] or not all(entry["msgstr"].values()):
            continue
        key = entry["msgid"]
        if "context" in entry:
            key = f"{entry['context']}\x04{key}"
        if "plural" in entry:
            expected.update({(key, n): text for n, text in entry["msgstr"].items()})
        else:
            expected[key] = entry["msgstr"][0]
    assert mo == expected


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs gettext's msgfmt")
@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_accepts_the_catalog(language, tmp_path):
    """msgfmt --check: the header, the plural forms and the format strings are valid."""
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_the_django_catalog_is_loaded():
    with translation.override("de"):
        assert translation.gettext("Proposals") == "Anträge"
        assert translation.pgettext("expense", "rejected") == "abgelehnt"
    with translation.override("es"):
        assert translation.gettext("Member pool") == "Bolsa de las personas asociadas"
        assert translation.ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", 3) % {
            "count": 3
        } == ("Se revocaron 3 tokens.")


# Amounts of money --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "value", "currency", "shown"),
    [
        ("en", Decimal("1234.56"), "EUR", "€1,234.56"),
        ("es", Decimal("1234.56"), "EUR", f"1.234,56{NBSP}€"),
        ("de", Decimal("1234.56"), "EUR", f"1.234,56{NBSP}€"),
        ("en", Decimal("-50.00"), "EUR", "-€50.00"),
        ("de", Decimal("-50.00"), "EUR", f"-50,00{NBSP}€"),
        ("en", Decimal("1234.56"), "USD", "$1,234.56"),
        ("es", Decimal("1234.56"), "USD", f"1.234,56{NBSP}US$"),
        ("en", Decimal("98765.4"), "ARS", f"ARS{NBSP}98,765.40"),
        ("es", Decimal("98765.4"), "ARS", f"98.765,40{NBSP}ARS"),
        ("en", Decimal("1234.50"), "JPY", "¥1,235"),
        ("de", Decimal("1234.5"), "KWD", f"1.234,500{NBSP}KWD"),
        ("en", Decimal("-0.001"), "EUR", "€0.00"),
        ("en", "2000.00", "CHF", f"CHF{NBSP}2,000.00"),
        # Far beyond a float's 15 significant digits: every cent stays.
        ("en", Decimal("123456789012345678.91"), "EUR", "€123,456,789,012,345,678.91"),
        ("de", Decimal("123456789012345678.91"), "EUR", f"123.456.789.012.345.678,91{NBSP}€"),
    ],
)
def test_money_is_written_as_the_language_writes_it(language, value, currency, shown):
    with translation.override(language):
        assert money(value, currency) == shown


def test_an_amount_alone_has_the_separators_and_the_decimals_of_the_currency():
    with translation.override("de"):
        assert amount(Decimal("12000"), "EUR") == "12.000,00"
        assert amount(Decimal("12000.00"), "JPY") == "12.000"
    with translation.override("en"):
        assert amount(Decimal("12000"), "EUR") == "12,000.00"
    assert money(None, "EUR") == "" and amount("", "EUR") == "" and money("n/a", "EUR") == ""


# Pages -------------------------------------------------------------------------------------------

NAV = {
    "en": ("Dashboard", "Hours", "Proposals", "Money", "Members"),
    "es": ("Panel", "Horas", "Propuestas", "Dinero", "Personas asociadas"),
    "de": ("Übersicht", "Stunden", "Anträge", "Finanzen", "Mitglieder"),
}


def english_left_over(page: str, language: str) -> list[str]:
    """The catalog's English sentences (three words or more) that appear in the page as they are,
    although the language translates them: marked text that was shown untranslated."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    text = re.sub(r"\s+", " ", text)
    left = []
    for entry in catalog(language)[1:]:
        msgid = entry["msgid"]
        if "%" in msgid or len(msgid.split()) < 3 or entry["msgstr"][0] == msgid:
            continue
        if msgid in text:
            left.append(msgid)
    return left


@pytest.fixture
def pages(cooperative, treasurer, books, make_proposal):
    proposal = make_proposal(treasurer, title="Adopt the four-day week")
    draft = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    slug = cooperative.slug
    return {
        "hours": reverse("hours", args=[slug]),
        "proposals": reverse("proposals", args=[slug]),
        "proposal": reverse("proposal", args=[slug, proposal.pk]),
        "money": reverse("money-overview", args=[slug]) + "?month=2026-09",
        "distribution": reverse("money-distribution", args=[slug, draft.pk]),
    }


# A sentence of each page, as the language writes it; and the amounts in the language's format.
EXPECTED = {
    "es": {
        "hours": ["Semana anterior", "Añadir rápido"],
        "proposals": ["Nueva propuesta", "Delegaciones"],
        "proposal": ["Tu voto", "Papeletas emitidas"],
        "money": ["Ingresos cobrados", f"12.000,00{NBSP}€", f"1.500,00{NBSP}€"],
        "distribution": [
            "Bolsa de las personas asociadas",
            "Fondo de reserva",
            "12.000,00",
            "Por horas: 9.600 de los 16.800 minutos trabajados este mes.",
        ],
    },
    "de": {
        "hours": ["Vorherige Woche", "Schnell erfassen"],
        "proposals": ["Neuer Antrag", "Stimmübertragungen"],
        "proposal": ["Ihr Stimmzettel", "Abgegebene Stimmzettel"],
        "money": ["Erhaltene Einnahmen", f"12.000,00{NBSP}€", f"1.500,00{NBSP}€"],
        "distribution": [
            "Mitgliedertopf",
            "Gemeinsame Rücklage",
            "12.000,00",
            "Nach Stunden: 9.600 der 16.800 in diesem Monat gearbeiteten Minuten.",
        ],
    },
}


def nav_of(page: str) -> str:
    match = re.search(r"<nav[^>]*>(.*?)</nav>", page, re.S)
    assert match, "the page has a navigation"
    return match.group(1)


@pytest.mark.parametrize("how", ["cookie", "accept-language"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_main_pages_are_translated(client, treasurer, pages, language, how):
    client.force_login(treasurer.user)
    headers = {}
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    else:
        headers["HTTP_ACCEPT_LANGUAGE"] = f"{language},en;q=0.5"
    for name, url in pages.items():
        response = client.get(url, **headers)
        assert response.status_code == 200, (name, response.status_code)
        page = response.content.decode()
        assert f'<html lang="{language}"' in page, name
        nav = html.unescape(nav_of(page))
        for english, translated in zip(NAV["en"], NAV[language], strict=True):
            assert re.search(rf">\s*{re.escape(translated)}\s*<", nav), (name, translated)
            assert not re.search(rf">\s*{english}\s*<", nav), (name, english)
        for text in EXPECTED[language][name]:
            assert text in html.unescape(page), (name, text)
        assert english_left_over(page, language) == [], name


def test_english_stays_the_default(client, treasurer, pages):
    client.force_login(treasurer.user)
    page = client.get(pages["money"]).content.decode()
    assert '<html lang="en"' in page
    assert "Revenue received" in page and "€12,000.00" in page


# The language switcher ---------------------------------------------------------------------------


def test_the_switcher_is_a_labelled_form_that_works_without_javascript(rf: RequestFactory):
    request = rf.get("/c/rosario/hours/?week=2026-W49")
    with translation.override("es"):
        form = render_to_string("_language_switcher.html", request=request)
    assert f'action="{reverse("set_language")}"' in form and 'method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="next" value="/c/rosario/hours/?week=2026-W49"' in form
    select = re.search(r'<select id="([^"]+)" name="language"[^>]*>', form)
    assert select and f'<label for="{select.group(1)}"' in form
    assert re.search(r'<option value="es" lang="es" selected>Español</option>', form)
    assert '<option value="de" lang="de">Deutsch</option>' in form
    assert '<option value="en" lang="en">English</option>' in form
    assert '<button type="submit">Cambiar idioma</button>' in form
    assert "<script" not in form


def test_every_page_has_the_switcher(client, treasurer, pages):
    client.force_login(treasurer.user)
    page = client.get(pages["hours"]).content.decode()
    assert f'action="{reverse("set_language")}"' in page
    login = client.get(reverse("login")).content.decode()
    assert f'action="{reverse("set_language")}"' in login


def test_choosing_a_language_keeps_the_page_and_is_remembered(client, treasurer, pages):
    client.force_login(treasurer.user)
    response = client.post(reverse("set_language"), {"language": "de", "next": pages["hours"]})
    assert response.status_code == 302 and response["Location"] == pages["hours"]
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "de"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600  # not only until the browser closes
    assert cookie["samesite"] == "Lax" and cookie["httponly"]
    page = client.get(pages["proposals"]).content.decode()
    assert '<html lang="de"' in page and "Neuer Antrag" in page
    # The cookie outlives the session: after logging out and in again, still German.
    client.post(reverse("logout"))
    assert settings.LANGUAGE_COOKIE_NAME in client.cookies
    client.force_login(treasurer.user)
    assert "Neuer Antrag" in client.get(pages["proposals"]).content.decode()


def test_the_switcher_sends_nobody_to_another_site(client):
    response = client.post(
        reverse("set_language"), {"language": "es", "next": "https://evil.example/phish"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    unknown = client.post(reverse("set_language"), {"language": "xx", "next": "/login/"})
    assert settings.LANGUAGE_COOKIE_NAME not in unknown.cookies


def test_the_language_chosen_is_the_member_s_in_every_co_op(client, treasurer):
    """The menu's choice is kept for the payslips and e-mails, not only for the page."""
    other = MemberFactory(user=treasurer.user, cooperative=CooperativeFactory())
    client.force_login(treasurer.user)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    treasurer.refresh_from_db()
    other.refresh_from_db()
    assert treasurer.language == other.language == "es"
    assert treasurer.reading_language == "es"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    treasurer.refresh_from_db()
    assert treasurer.language == "es"  # an unknown language changes nothing


def test_choosing_a_language_logged_out_changes_no_member(client, treasurer):
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    treasurer.refresh_from_db()
    assert treasurer.language == ""


def test_logging_in_on_a_new_browser_uses_the_member_s_language(client, treasurer):
    treasurer.language = "de"
    treasurer.save(update_fields=["language"])
    response = client.post(
        reverse("login"), {"username": treasurer.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    page = client.get(f"/c/{treasurer.cooperative.slug}/proposals/").content.decode()
    assert '<html lang="de"' in page


def test_a_browser_s_own_choice_is_kept_at_login(client, treasurer):
    treasurer.language = "de"
    treasurer.save(update_fields=["language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.post(
        reverse("login"), {"username": treasurer.user.email, "password": PASSWORD}
    )
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    page = client.get(f"/c/{treasurer.cooperative.slug}/proposals/").content.decode()
    assert '<html lang="es"' in page


# Machine-readable outputs stay as they are -------------------------------------------------------


@pytest.fixture
def approved(cooperative, treasurer, books, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    draft = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    return distributing.approve_distribution(actor=treasurer, distribution=draft)


def test_the_api_does_not_change_with_the_language(api, cooperative, treasurer, approved):
    api.force_authenticate(treasurer.user)
    base = f"/api/v1/coops/{cooperative.slug}"
    for path in ("/revenue/", "/expenses/", "/distributions/", f"/distributions/{approved.pk}/"):
        english = api.get(base + path, HTTP_ACCEPT_LANGUAGE="en")
        spanish = api.get(base + path, HTTP_ACCEPT_LANGUAGE="es")
        german = api.get(base + path, HTTP_ACCEPT_LANGUAGE="de")
        assert english.status_code == 200, path
        assert json.loads(english.content) == json.loads(spanish.content), path
        assert json.loads(english.content) == json.loads(german.content), path
    body = api.get(base + "/revenue/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '"12000.00"' in body and "12.000,00" not in body


def test_files_made_during_a_spanish_request_are_the_english_ones(
    client, cooperative, treasurer, books, settings, tmp_path, django_capture_on_commit_callbacks
):
    """With eager tasks (tests, `make run` without a broker) the files are made in the request's
    thread: its language must not leak into the co-op's records and the bank's files."""
    settings.MEDIA_ROOT = tmp_path
    draft = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    client.force_login(treasurer.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    url = reverse("money-distribution-approve", args=[cooperative.slug, draft.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    stored = draft.documents.get(kind="csv", member=None).file.read()
    draft.refresh_from_db()
    with translation.override("en"):
        assert stored == documents.payments_csv(draft, draft.lines.order_by("kind", "id"))
    assert b"member share" in stored and b"persona asociada" not in stored
    assert re.search(rb",\d+\.\d\d,", stored)  # a plain decimal point, no grouping


# Messages of the services ------------------------------------------------------------------------


def test_a_refusal_of_a_service_is_flashed_in_the_language_of_the_page(
    client, cooperative, treasurer, make_proposal
):
    from governance import services as governance

    proposal = make_proposal(treasurer)
    governance.withdraw_proposal(actor=treasurer, proposal=proposal)
    client.force_login(treasurer.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    url = reverse("proposal-withdraw", args=[cooperative.slug, proposal.pk])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Esta propuesta ya está en estado «retirada»." in page
    assert "This proposal is already withdrawn." not in page
    assert english_left_over(response.content.decode(), "es") == []


def test_an_api_error_says_its_detail_in_the_language_asked_for_and_keeps_its_code(
    api, cooperative, treasurer, make_proposal
):
    from governance import services as governance

    proposal = make_proposal(treasurer)
    governance.withdraw_proposal(actor=treasurer, proposal=proposal)
    api.force_authenticate(treasurer.user)
    url = f"/api/v1/coops/{cooperative.slug}/proposals/{proposal.pk}/withdraw/"
    english = api.post(url, HTTP_ACCEPT_LANGUAGE="en")
    german = api.post(url, HTTP_ACCEPT_LANGUAGE="de")
    assert english.status_code == german.status_code == 409
    assert english.json()["detail"] == "This proposal is already withdrawn."
    assert german.json()["detail"] == "Dieser Antrag ist bereits im Status „zurückgezogen“."
    assert german.json()["code"] == english.json()["code"] == "conflict"
