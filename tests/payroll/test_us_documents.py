"""United States yearly documents: written notices of allocation, consents, 1099-PATR figures.

The worked example is September 2026 of `tests/payroll/books.py`: the colleague's share is
2,100.00, of which 1,680.00 is paid in money (80%) and 420.00 allocated to their capital
account; approved on October 5, 2026.
"""

import csv
import datetime
import io
import sys
import types
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from api.serializers.patronage import AllocationNoticeSerializer
from books.charts import Role
from payroll import (
    bookkeeping,
    capital,
    consents,
    distributing,
    patronage,
    patronage_files,
)
from payroll.patronage import AllocationNotice, NoticeLine, payment_period_ends
from payroll.services import policies
from tests.payroll.books import SEPTEMBER
from tests.payroll.test_buyin import BUYIN, admit_ana, run_month
from tests.payroll.test_buyin import POLICY as BUYIN_POLICY
from tests.pdf import pdf_words
from tests.web import signed_in

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def documents_task(monkeypatch):
    stub = types.ModuleType("payroll.tasks")
    stub.generate_documents = types.SimpleNamespace(delay=lambda distribution_id: None)
    stub.tell_members_of_policy = types.SimpleNamespace(delay=lambda policy_id: None)
    monkeypatch.setitem(sys.modules, "payroll.tasks", stub)


@pytest.fixture
def us(cooperative):
    """The co-op files under United States law (its legal profile)."""
    cooperative.legal_profile = "us"
    cooperative.save(update_fields=["legal_profile"])


@pytest.fixture
def approved(clock, cooperative, treasurer, books):
    clock.set(datetime.datetime(2026, 10, 5, 12, tzinfo=datetime.UTC))
    draft = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    return distributing.approve_distribution(actor=treasurer, distribution=draft)


@pytest.fixture
def colleague(books):
    return books[1]


@pytest.fixture
def third(books):
    return books[2]


def test_the_payment_period_ends_eight_and_a_half_months_after_the_year():
    assert payment_period_ends(2026) == D(2027, 9, 15)


def test_a_notice_is_qualified_with_consent_and_a_fifth_in_money(member):
    def notice(cash, retained, consent):
        line = NoticeLine(SEPTEMBER, cash + retained, cash, retained)
        return AllocationNotice(member, 2026, [line], consent)

    consent = object()
    assert notice(Decimal("20.00"), Decimal("80.00"), consent).qualified  # exactly 20%
    assert not notice(Decimal("19.99"), Decimal("80.01"), consent).qualified
    assert not notice(Decimal("80.00"), Decimal("20.00"), None).qualified


def test_the_worked_notice(us, approved, treasurer, colleague):
    consents.record_consent(
        actor=treasurer, member=colleague, method="written", given_on=D(2026, 1, 15)
    )
    notice = patronage.notice_of_allocation(colleague, 2026)
    assert [(line.month, line.share, line.cash, line.retained) for line in notice.lines] == [
        (SEPTEMBER, Decimal("2100.00"), Decimal("1680.00"), Decimal("420.00"))
    ]
    assert notice.qualified
    text = pdf_words(patronage_files.notice_pdf(notice))
    for words in ("Written notice of allocation 2026", colleague.display_name, "€2,100.00",
                  "€1,680.00", "€420.00", "September 15, 2027", "This notice is qualified",
                  "in writing (§1388(c)(2)(A))"):  # fmt: skip
        assert words in text, words


def test_without_consent_the_notice_is_not_qualified(us, approved, client, cooperative, colleague):
    url = f"/c/{cooperative.slug}/money/capital/{colleague.pk}/notices/2026/pdf/"
    download = signed_in(client, colleague).get(url)
    assert download["Content-Type"] == "application/pdf"
    assert "This notice is not qualified: there is no record of your consent" in pdf_words(
        download.content
    )
    statement = client.get(f"/c/{cooperative.slug}/money/capital/{colleague.pk}/statements/2026/")
    assert "Written notice of allocation (PDF)" in statement.content.decode()
    assert client.get(url.replace("2026", "2025")).status_code == 404  # no patronage that year


def test_a_coop_under_another_law_has_no_notices(
    approved, client, cooperative, colleague, treasurer
):
    signed_in(client, colleague)
    assert (
        client.get(
            f"/c/{cooperative.slug}/money/capital/{colleague.pk}/notices/2026/pdf/"
        ).status_code
        == 404
    )
    signed_in(client, treasurer)
    assert client.get(f"/c/{cooperative.slug}/money/capital/consents/").status_code == 404
    assert (
        client.get(f"/c/{cooperative.slug}/money/capital/statements/2026/1099-patr.csv").status_code
        == 404
    )
    assert (
        "1099-PATR"
        not in client.get(f"/c/{cooperative.slug}/money/capital/statements/2026/").content.decode()
    )


def test_the_1099_patr_figures(
    us, approved, clock, client, cooperative, treasurer, colleague, third
):
    consents.record_consent(
        actor=treasurer, member=colleague, method="bylaws", given_on=D(2026, 1, 1)
    )
    clock.set(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC))
    capital.record_capital_entry(
        actor=treasurer, member=third, kind="redemption", amount=Decimal("50.00"),
        date=D(2026, 11, 2), note="Partial payout",
    )  # fmt: skip
    rows = {row.member: row for row in patronage.patr_rows(cooperative, 2026)}
    assert rows[colleague].box1_patronage_dividends == Decimal("2100.00")  # cash + qualified
    assert rows[colleague].box5_redemptions == Decimal("0")
    third_line = approved.lines.get(member=third)
    assert rows[third].box1_patronage_dividends == third_line.cash  # no consent: cash only
    assert rows[third].box5_redemptions == Decimal("50.00")  # a nonqualified notice redeemed
    assert patronage.patr_rows(cooperative, 2025) == []
    page = signed_in(client, treasurer).get(f"/c/{cooperative.slug}/money/capital/statements/2026/")
    assert "The 1099-PATR figures of 2026 (CSV)" in page.content.decode()
    download = client.get(f"/c/{cooperative.slug}/money/capital/statements/2026/1099-patr.csv")
    table = list(csv.DictReader(io.StringIO(download.content.decode())))
    mine = next(row for row in table if row["recipient_member_id"] == str(colleague.pk))
    assert mine["box1_patronage_dividends"] == "2100.00"
    assert mine["box4_federal_income_tax_withheld"] == "0"
    assert mine["review"] == "no"


def test_consents_on_the_page(us, client, cooperative, treasurer, colleague, member):
    url = f"/c/{cooperative.slug}/money/capital/consents/"
    signed_in(client, treasurer)
    form = {
        "consent-member": colleague.pk,
        "consent-method": "written",
        "consent-given_on": "2026-01-15",
        "consent-note": "Signed form in the binder",
    }
    assert client.post(url, form).status_code == 302
    again = client.post(url, form)
    assert again.status_code == 409
    assert "already on record" in again.content.decode()
    consent = colleague.allocation_consents.get()
    withdraw = f"{url}{consent.pk}/withdraw/"
    client.post(withdraw, {"withdrawn_on": "2026-01-10"})  # before it was given: refused
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    client.post(withdraw, {"withdrawn_on": "2026-06-30"})
    consent.refresh_from_db()
    assert consent.withdrawn_on == D(2026, 6, 30)
    assert "Signed form in the binder" in client.get(url).content.decode()
    signed_in(client, member)
    assert client.get(url).status_code == 404


def test_consents_through_the_api(us, cooperative, treasurer, colleague, member):
    api = APIClient()
    api.force_authenticate(treasurer.user)
    url = f"/api/v1/coops/{cooperative.slug}/allocation-consents/"
    body = {"member": colleague.pk, "method": "qualified_check", "given_on": "2026-02-01"}
    created = api.post(url, body, format="json")
    assert created.status_code == 201, created.content
    conflict = api.post(url, body, format="json")
    assert conflict.status_code == 409
    assert "already on record" in conflict.json()["detail"]
    bad = api.post(url, {**body, "method": "handshake"}, format="json")
    assert bad.status_code == 400 and "method" in bad.json()["errors"]
    withdrawn = api.post(f"{url}{created.json()['id']}/withdraw/", {"withdrawn_on": "2026-03-01"})
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_on"] == "2026-03-01"
    assert [c["method"] for c in api.get(url).json()] == ["qualified_check"]
    api.force_authenticate(member.user)
    assert api.post(url, body, format="json").status_code == 403


def test_the_api_notice(us, approved, cooperative, colleague, third):
    api = APIClient()
    api.force_authenticate(colleague.user)
    url = f"/api/v1/coops/{cooperative.slug}/capital-accounts/{colleague.pk}/notices/2026/"
    body = api.get(url).json()
    assert body["patronage_dividend"] == "2100.00"
    assert body["paid_in_money"] == "1680.00" and body["allocated"] == "420.00"
    assert body["payment_period_ends"] == "2027-09-15"
    assert body["qualified"] is False and body["consent"] is None
    assert (body["redeemed"], body["cancelled"], body["outstanding"]) == (
        "0.00", "0.00", "420.00"
    )  # fmt: skip
    assert body["applied_to_buyin"] == "0.00"
    assert api.get(body["pdf"])["Content-Type"] == "application/pdf"
    assert api.get(url.replace(str(colleague.pk), str(third.pk))).status_code == 404


def member_buying_in(clock, cooperative, treasurer, buyin_instalments):
    """January 2026: 1,000.00 all Ana's; 80% in cash is 800.00, of which 100.00 buys in, and
    200.00 is retained. Then, in October 2027 (after the payment period of 2026's notice), the
    treasurer redeems 250.00 of her account. No consent: 2026's notice is nonqualified."""
    cooperative.legal_profile = "us"
    cooperative.save(update_fields=["legal_profile"])
    clock.set(datetime.date(2026, 2, 10))
    cooperative.bylaws = {
        **cooperative.bylaws, "buyin": BUYIN, "buyin_instalments": buyin_instalments,
    }  # fmt: skip
    cooperative.save()
    bookkeeping.accounts_for(cooperative, [Role.BANK])
    policies.adopt_policy(actor=treasurer, cooperative=cooperative, **BUYIN_POLICY)
    ana = admit_ana(cooperative)
    draft = run_month(cooperative, treasurer, datetime.date(2026, 1, 1), "1000.00")
    distributing.approve_distribution(actor=treasurer, distribution=draft)
    clock.set(datetime.date(2027, 10, 2))
    capital.record_capital_entry(
        actor=treasurer, member=ana, kind="redemption", amount=Decimal("250.00"),
        date=datetime.date(2027, 10, 1), note="Revolving fund",
    )  # fmt: skip
    return ana


def test_a_buyin_instalment_is_allocated_not_paid(clock, cooperative, treasurer):
    """By default (`buyin_instalments: "notice"`) the membership share a buy-in instalment buys
    is issued as part of the year's notice (§1388(b): capital stock is a written notice of
    allocation): it counts as allocated, not paid. 700.00 is paid in money (70%, enough for the
    20% test), 300.00 allocated (200.00 retained + 100.00 buy-in); box 1 of 2026 is the money
    only (no consent); the 250.00 redeemed in 2027 pays back 2026's notice alone (its buy-in and
    150.00 of its allocation), all of it in box 5."""
    ana = member_buying_in(clock, cooperative, treasurer, "notice")
    notice = patronage.notice_of_allocation(ana, 2026)
    assert [(n.share, n.cash, n.retained, n.buyin) for n in notice.lines] == [
        (Decimal("1000.00"), Decimal("700.00"), Decimal("300.00"), Decimal("100.00"))
    ]
    assert notice.cash_is_enough and not notice.qualified  # 70% in money, no consent
    standing = notice.standing
    assert standing is not None
    assert (standing.allocated, standing.redeemed, standing.outstanding) == (
        Decimal("300.00"), Decimal("250.00"), Decimal("50.00"),
    )  # fmt: skip
    text = pdf_words(patronage_files.notice_pdf(notice))
    assert "€700.00 was paid to you in money and €300.00 was allocated" in text
    assert "Of the amount allocated, €100.00 went to your buy-in" in text
    body = AllocationNoticeSerializer(notice).data
    assert (body["paid_in_money"], body["allocated"], body["applied_to_buyin"]) == (
        "700.00", "300.00", "100.00",
    )  # fmt: skip
    assert body["buyin_instalments"] == "notice"
    (row,) = patronage.patr_rows(cooperative, 2026)
    assert row.box1_patronage_dividends == Decimal("700.00")
    (row,) = patronage.patr_rows(cooperative, 2027)
    assert (row.box1_patronage_dividends, row.box5_redemptions) == (
        Decimal("0"), Decimal("250.00"),
    )  # fmt: skip


def test_a_qualified_notice_includes_the_buyin_in_box_1(clock, cooperative, treasurer):
    """With Ana's consent standing, 2026's notice is qualified: box 1 is the whole 1,000.00
    (700.00 in money and the notice's 300.00, buy-in included), and the 2027 redemption of a
    qualified notice is in no box."""
    ana = member_buying_in(clock, cooperative, treasurer, "notice")
    consents.record_consent(
        actor=treasurer, member=ana, method="written", given_on=datetime.date(2026, 1, 2)
    )
    (row,) = patronage.patr_rows(cooperative, 2026)
    assert row.box1_patronage_dividends == Decimal("1000.00")
    (row,) = patronage.patr_rows(cooperative, 2027)
    assert row.box5_redemptions == Decimal("0")


def test_a_buyin_instalment_counted_as_money(clock, cooperative, treasurer):
    """Under `buyin_instalments: "money"` a buy-in instalment is money paid to the member and
    put into their buy-in, as the bylaws oblige: it counts as paid in money, and only the
    retained part is allocated. 800.00 in money, 200.00 allocated; box 1 of 2026 is 800.00; the
    250.00 of 2027 pays back the notice's 200.00 first (box 5), then 50.00 of her own buy-in
    (in no box)."""
    ana = member_buying_in(clock, cooperative, treasurer, "money")
    notice = patronage.notice_of_allocation(ana, 2026)
    assert [(n.share, n.cash, n.retained, n.buyin) for n in notice.lines] == [
        (Decimal("1000.00"), Decimal("800.00"), Decimal("200.00"), Decimal("100.00"))
    ]
    assert notice.cash_is_enough  # 80% in money
    assert notice.standing is not None
    assert (notice.standing.allocated, notice.standing.outstanding) == (
        Decimal("200.00"), Decimal("0.00"),
    )  # fmt: skip
    text = pdf_words(patronage_files.notice_pdf(notice))
    assert "Of the money paid, €100.00 went to your buy-in" in text
    body = AllocationNoticeSerializer(notice).data
    assert (body["paid_in_money"], body["allocated"], body["buyin_instalments"]) == (
        "800.00", "200.00", "money",
    )  # fmt: skip
    (row,) = patronage.patr_rows(cooperative, 2026)
    assert row.box1_patronage_dividends == Decimal("800.00")  # no consent: the money only
    (row,) = patronage.patr_rows(cooperative, 2027)
    assert row.box5_redemptions == Decimal("200.00")
