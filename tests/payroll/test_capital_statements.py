"""The annual statement of a capital account: page, PDF, API, the treasurer's year, the chart."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from pypdf import PdfReader
from rest_framework.test import APIClient

from coop.models.cooperative import MemberStatus
from payroll.capital_statements import annual_statement, balance_series, statement_years
from payroll.models import CapitalAccountEntry
from tests.factories import MemberFactory
from tests.web import signed_in

pytestmark = pytest.mark.django_db

D = datetime.date


def entry(member, day, kind, amount, note="An entry"):
    return CapitalAccountEntry.objects.create(
        cooperative=member.cooperative, member=member, kind=kind, amount=Decimal(amount),
        date=day, note=note,
    )  # fmt: skip


@pytest.fixture
def worked(clock, cooperative, member):
    """Two years of a member's account, worked by hand:

    2025: +100.00 allocation (June 30), +50.00 allocation (December 31) → 150.00 at year end.
    2026: +200.00 allocation (March 31), −80.00 redemption (June 15), +0.50 adjustment
    (July 1), +10.00 allocation (July 1) → 150.00 + 130.50 = 280.50 on December 31, 2026.
    An entry of January 2, 2027 belongs to the next statement, not to 2026's.
    """
    clock.set(D(2027, 1, 10))
    entry(member, D(2025, 6, 30), "allocation", "100.00")
    entry(member, D(2025, 12, 31), "allocation", "50.00")
    entry(member, D(2026, 3, 31), "allocation", "200.00")
    entry(member, D(2026, 6, 15), "redemption", "-80.00", "Partial payout")
    entry(member, D(2026, 7, 1), "adjustment", "0.50", "Rounding of June")
    entry(member, D(2026, 7, 1), "allocation", "10.00")
    entry(member, D(2027, 1, 2), "allocation", "7.00")
    return member


def test_the_worked_statement_of_2026(worked):
    statement = annual_statement(worked, 2026)
    assert statement.opening == Decimal("150.00")
    assert [(t.kind, t.amount, t.entries) for t in statement.totals] == [
        ("allocation", Decimal("210.00"), 2),
        ("redemption", Decimal("-80.00"), 1),
        ("adjustment", Decimal("0.50"), 1),
    ]
    assert [row.balance for row in statement.ledger] == [
        Decimal("350.00"), Decimal("270.00"), Decimal("270.50"), Decimal("280.50"),
    ]  # fmt: skip
    assert statement.closing == Decimal("280.50")
    assert statement.opening + sum(t.amount for t in statement.totals) == statement.closing


def test_the_years_run_from_the_first_entry_to_this_year(worked, cooperative):
    assert statement_years(worked) == [2027, 2026, 2025]
    assert statement_years(MemberFactory(cooperative=cooperative)) == []


def test_the_balance_over_time_has_one_point_a_day(worked):
    statement = annual_statement(worked, 2026)
    points = balance_series(statement.ledger)
    assert [(p.day, p.balance) for p in points] == [
        (D(2026, 3, 31), Decimal("350.00")),
        (D(2026, 6, 15), Decimal("270.00")),
        (D(2026, 7, 1), Decimal("280.50")),
    ]


def test_the_page_and_the_pdf_say_the_same(client, cooperative, worked):
    signed_in(client, worked)
    base = f"/c/{cooperative.slug}/money/capital/{worked.pk}/statements/2026/"
    page = client.get(base).content.decode()
    for text in ("Balance on January 1, 2026", "150.00", "Balance on December 31, 2026",
                 "280.50", "Allocation (retained share) (2 entries)", "Partial payout",
                 "Redemption (paid out) (1 entry)"):  # fmt: skip
        assert text in page, text
    assert "7.00" not in page  # 2027's entry
    download = client.get(base + "pdf/")
    assert download["Content-Type"] == "application/pdf"
    assert f"capital-statement-2026-member-{worked.pk}.pdf" in download["Content-Disposition"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(download.content)).pages)
    text = " ".join(text.replace("\xa0", " ").split())
    expected = ("Capital account statement 2026", worked.display_name, "€150.00", "€280.50",
                "€210.00", "-€80.00", "Partial payout", "is the balance of €280.50")  # fmt: skip
    for figure in expected:
        assert figure in text, figure


def test_the_statement_is_in_the_readers_language(client, cooperative, worked):
    signed_in(client, worked)
    url = f"/c/{cooperative.slug}/money/capital/{worked.pk}/statements/2026/pdf/"
    download = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(download.content)).pages)
    assert "Kapitalkonto" in text


def test_who_reads_which_statement(client, cooperative, worked, treasurer, outsider):
    base = f"/c/{cooperative.slug}/money/capital/{worked.pk}/statements/"
    assert signed_in(client, treasurer).get(base + "2026/").status_code == 200
    colleague = MemberFactory(cooperative=cooperative)
    assert signed_in(client, colleague).get(base + "2026/").status_code == 404
    assert signed_in(client, outsider).get(base + "2026/").status_code == 404
    me = signed_in(client, worked)
    assert me.get(base + "2024/").status_code == 404  # before the first entry
    assert me.get(base + "2028/").status_code == 404  # after this year


def test_a_departed_member_keeps_their_statements(client, cooperative, worked):
    worked.status = MemberStatus.DEPARTED
    worked.departed_on = D(2026, 12, 31)
    worked.save()
    signed_in(client, worked)
    assert (
        client.get(f"/c/{cooperative.slug}/money/capital/{worked.pk}/statements/2026/").status_code
        == 200
    )
    api = APIClient()
    api.force_authenticate(worked.user)
    url = f"/api/v1/coops/{cooperative.slug}/capital-accounts/{worked.pk}/statements/2026/"
    assert api.get(url).status_code == 200


def test_the_treasurers_year(client, cooperative, worked, treasurer, django_assert_max_num_queries):
    other = MemberFactory(cooperative=cooperative)
    entry(other, D(2026, 9, 30), "allocation", "40.00")
    signed_in(client, treasurer)
    url = f"/c/{cooperative.slug}/money/capital/statements/2026/"
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert worked.display_name in page and other.display_name in page
    for figure in ("150.00", "130.50", "280.50", "40.00"):
        assert figure in page
    archive = client.get(url + "statements.zip")
    assert archive.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert sorted(names) == sorted(
        f"capital-statement-2026-member-{m.pk}.pdf" for m in (worked, other)
    )
    assert signed_in(client, worked).get(url).status_code == 404


def test_the_api_statement(cooperative, worked):
    api = APIClient()
    api.force_authenticate(worked.user)
    url = f"/api/v1/coops/{cooperative.slug}/capital-accounts/{worked.pk}/statements/2026/"
    body = api.get(url).json()
    assert body["opening_balance"] == "150.00"
    assert body["closing_balance"] == "280.50"
    assert [(t["kind"], t["amount"]) for t in body["totals"]] == [
        ("allocation", "210.00"), ("redemption", "-80.00"), ("adjustment", "0.50"),
    ]  # fmt: skip
    assert [e["balance"] for e in body["entries"]] == ["350.00", "270.00", "270.50", "280.50"]
    assert body["pdf"].endswith(f"/capital-accounts/{worked.pk}/statements/2026/pdf/")
    pdf = api.get(body["pdf"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert api.get(url.replace("2026", "2024")).status_code == 404


def test_the_api_year_for_the_treasurer(cooperative, worked, treasurer):
    api = APIClient()
    api.force_authenticate(treasurer.user)
    rows = api.get(f"/api/v1/coops/{cooperative.slug}/capital-accounts/statements/2026/").json()
    assert rows == [
        {"member": worked.pk, "name": worked.display_name, "opening_balance": "150.00",
         "movement": "130.50", "closing_balance": "280.50"},
    ]  # fmt: skip


def test_the_capital_page_draws_the_balance(client, cooperative, worked):
    page = signed_in(client, worked).get(f"/c/{cooperative.slug}/money/capital/{worked.pk}/")
    html = page.content.decode()
    assert f'id="capital-{worked.pk}"' in html and "<svg" in html and 'class="chart-line"' in html
    assert "From €100.00 on June 30, 2025 to €287.50 on January 2, 2027" in html
    for year in ("2027", "2026", "2025"):
        assert f"/statements/{year}/" in html
