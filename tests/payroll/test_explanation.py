"""The explanation of a share: stored as steps with figures, written in the reader's language."""

import io
import json

import pytest
from django.utils import translation
from pypdf import PdfReader

from payroll import distributing
from payroll.explanation import explain, explain_line
from tests.conftest import as_member
from tests.payroll.books import SEPTEMBER

pytestmark = pytest.mark.django_db

ENGLISH = (
    "By hours: 9600 of the 16800 minutes worked this month. This is 4/7 of the member pool of "
    "7350.00 EUR: 4200.00, no rounding was needed: 4200.00. Paid in cash at 80%: 3360.00; "
    "retained in the capital account: 840.00."
)
# As a member reads it (pages, payslips): figures in their language's notation, the fraction
# of the pool in percent and words. ENGLISH above is what machines read (the API).
READ_ENGLISH = (
    "By hours: 9,600 of the 16,800 minutes worked this month. This is 57.14% (4 of 7) of the "
    "member pool of 7,350.00 EUR: 4,200.00, no rounding was needed: 4,200.00. Paid in cash at "
    "80%: 3,360.00; retained in the capital account: 840.00."
)
SPANISH = (
    "Por horas: 9.600 de los 16.800 minutos trabajados este mes. Esto es 57,14\xa0% (4 de 7) de "
    "la bolsa de las personas asociadas de 7.350,00 EUR: 4.200,00, no hizo falta redondear: "
    "4.200,00. Pagado en efectivo al 80\xa0%: 3.360,00; retenido en la cuenta de capital: 840,00."
)
GERMAN = (
    "Nach Stunden: 9.600 der 16.800 in diesem Monat gearbeiteten Minuten. Das ist 57,14\xa0% "
    "(4 von 7) des Mitgliedertopfs von 7.350,00 EUR: 4.200,00, es musste nicht gerundet werden: "
    "4.200,00. Ausgezahlt zu 80\xa0%: 3.360,00; einbehalten auf dem Kapitalkonto: 840,00."
)


LABELS = {
    "es": ["Recibo — septiembre de 2026", "Horas trabajadas", "Tu parte", "4.200,00 €",
           "Cómo se calculó tu parte", "Este reparto fue aprobado por la tesorería"],
    "de": ["Abrechnung — September 2026", "Gearbeitete Stunden", "Dein Anteil", "4.200,00 €",
           "Wie Ihr Anteil berechnet wurde", "Diese Verteilung wurde am"],
}  # fmt: skip


@pytest.fixture
def draft(cooperative, treasurer, books):
    return distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)


def first_line(draft):
    return draft.lines.get(kind="member", member=draft.cooperative.members.order_by("id")[0])


def test_the_line_stores_steps_with_figures_and_no_sentence(draft):
    explanation = first_line(draft).explanation
    assert set(explanation) == {"method", "weight", "fraction_of_pool", "steps"}
    assert explanation["steps"] == [
        {"step": "hours", "minutes": 9600, "total_minutes": 16800},
        {"step": "share", "fraction": "4/7", "pool": "7350.00", "exact": "4200.00",
         "rounding": "none", "share": "4200.00"},
        {"step": "cash", "cash_pct": "0.80000", "cash": "3360.00", "retained": "840.00"},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("language", "sentence"), [("en", READ_ENGLISH), ("es", SPANISH), ("de", GERMAN)]
)
def test_the_sentences_are_written_in_the_active_language(draft, language, sentence):
    steps = first_line(draft).explanation["steps"]
    with translation.override(language):
        assert " ".join(explain(steps, "EUR")) == sentence


def test_a_line_stored_before_the_steps_keeps_its_sentence():
    old = {"method": "hours", "weight": "9600", "fraction_of_pool": "4/7", "text": ENGLISH}
    with translation.override("es"):
        assert explain_line(old, "EUR") == [ENGLISH]
    assert explain_line({}, "EUR") == []


@pytest.mark.parametrize(("language", "sentence"), [("es", SPANISH), ("de", GERMAN)])
def test_the_payslip_explains_in_the_members_language(
    settings, tmp_path, cooperative, treasurer, books, django_capture_on_commit_callbacks,
    language, sentence,
):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    treasurer.language = language
    treasurer.save()
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        distributing.approve_distribution(actor=treasurer, distribution=run)
    payslip = run.documents.get(kind="payslip", member=treasurer)
    with payslip.file.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    text = " ".join(text.split())
    assert " ".join(sentence.split()) in text
    # The whole payslip is in that language, its labels and amounts too.
    for words in LABELS[language]:
        assert words in text, words
    # Another member without a language of their own reads it in the co-op's (English).
    other = run.documents.get(kind="payslip", member=books[1])
    with other.file.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert "By hours: 4,800 of the 16,800 minutes" in " ".join(text.split())


def test_the_api_gives_the_steps_and_the_sentence_in_english(api, treasurer, draft):
    as_member(api, treasurer)
    path = f"/api/v1/coops/{treasurer.cooperative.slug}/distributions/{draft.pk}/"
    body = json.loads(api.get(path, HTTP_ACCEPT_LANGUAGE="de").content)
    (line,) = [line for line in body["lines"] if line["member"] == treasurer.pk]
    assert line["explanation"]["steps"][0] == {
        "step": "hours", "minutes": 9600, "total_minutes": 16800
    }  # fmt: skip
    assert line["explanation"]["text"] == ENGLISH  # machines read one language


def test_a_member_chooses_the_language_of_their_documents(api, treasurer, admin_member):
    as_member(api, treasurer)
    path = f"/api/v1/coops/{treasurer.cooperative.slug}/members/{treasurer.pk}/"
    assert api.patch(path, {"language": "es"}, format="json").status_code == 200
    treasurer.refresh_from_db()
    assert (treasurer.language, treasurer.reading_language) == ("es", "es")
    assert api.patch(path, {"language": "fr"}, format="json").status_code == 400
    as_member(api, admin_member)
    added = api.post(
        f"/api/v1/coops/{treasurer.cooperative.slug}/members/",
        {"email": "new@example.coop", "language": "de"},
        format="json",
    )
    assert added.status_code == 201 and added.json()["language"] == "de"


def test_the_payslip_email_is_in_the_members_language(
    cooperative, treasurer, books, django_capture_on_commit_callbacks, mailoutbox
):
    treasurer.language = "de"
    treasurer.save()
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        distributing.approve_distribution(actor=treasurer, distribution=run)
    subjects = {m.to[0]: m.subject for m in mailoutbox if "payslip" in m.subject.lower()
                or "Abrechnung" in m.subject}  # fmt: skip
    assert subjects[treasurer.user.email] == (
        f"[{cooperative.name}] Deine Abrechnung für September 2026"
    )
    assert subjects[books[1].user.email] == f"[{cooperative.name}] Your payslip for September 2026"
