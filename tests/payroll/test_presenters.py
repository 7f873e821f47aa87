"""The money pages' words and sums come from payroll/presenters.py."""

from decimal import Decimal

import pytest
from django.utils import translation
from pypdf import PdfReader

from payroll import distributing, presenters
from payroll.models import DistributionPolicy
from tests.payroll.books import SEPTEMBER


def policy(**fields) -> DistributionPolicy:
    terms = {
        "method": "hours",
        "commons_pct": Decimal("0.125"),
        "reserve_pct": Decimal("0.1"),
        "education_pct": Decimal("0.05"),
        "cash_pct": Decimal("0.8"),
        "max_pay_ratio": Decimal("3.000"),
        "carry_losses": True,
        "approval": "treasurer",
        "commons_recipients": [{"name": "Debian", "weight": "2"}],
    }
    return DistributionPolicy(**{**terms, **fields})


def test_a_policy_in_words():
    words = dict(presenters.policy_in_words(policy(), "EUR"))
    assert words["Commons"] == "12.5% — Debian (weight 2)"
    assert words["Collective reserve"] == "10%"
    assert words["Paid in cash"] == "80% of each share; 20% credited to capital"
    assert words["Maximum pay ratio"] == "3 to 1"
    assert words["Losses carried forward"] == "yes"
    assert "Base rate" not in words
    with_rate = dict(presenters.policy_in_words(policy(base_rate=Decimal("25.50")), "EUR"))
    assert with_rate["Base rate"] == "€25.50 / h"


def test_a_policy_in_the_readers_language():
    with translation.override("es"):
        words = dict(presenters.policy_in_words(policy(), "EUR"))
    assert words["Bienes comunes"].startswith("12,5\xa0%")


@pytest.mark.parametrize(
    ("fraction", "shown"), [("0.15", "15%"), ("0.12345", "12.345%"), ("1", "100%")]
)
def test_a_percentage(fraction, shown):
    assert presenters.percent(Decimal(fraction)) == shown


@pytest.mark.django_db
def test_the_pdfs_write_the_policys_percentages_as_the_page(
    settings, tmp_path, cooperative, treasurer, books, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        distributing.approve_distribution(actor=treasurer, distribution=run)
    terms = dict(presenters.policy_in_words(run.policy, run.currency))
    assert terms["Commons"].startswith("15%") and terms["Collective reserve"] == "10%"

    def text(document):
        with document.file.open("rb") as handle:
            return " ".join(page.extract_text() for page in PdfReader(handle).pages)

    report = text(run.documents.get(kind="report"))
    assert "Commons contribution (15%)" in report and "Collective reserve (10%)" in report
    payslip = text(run.documents.get(kind="payslip", member=books[1]))
    assert "Paid to you (80% in cash)" in payslip
