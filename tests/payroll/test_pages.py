"""The money pages: every member reads, the treasurer writes, refusals never become a 500."""

import datetime
import re
import sys
import types
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coop.models import AuditEvent, Client
from coop.months import month_label
from payroll import capital, distributing, selectors
from payroll.models import (
    CapitalAccountEntry,
    Distribution,
    DistributionDocument,
    DistributionPolicy,
    Expense,
    Revenue,
)
from payroll.services import money_in, policies, spending
from tests.factories import (
    ClientFactory,
    ExpenseFactory,
    MemberFactory,
    ProjectFactory,
    RevenueFactory,
)
from tests.payroll.books import POLICY, SEPTEMBER
from tests.web import flashes, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def documents_task(monkeypatch):
    """Approval enqueues payroll.tasks.generate_documents; these tests make the files they need
    themselves, so that they test the pages whether or not the generator is there."""
    stub = types.ModuleType("payroll.tasks")
    stub.generate_documents = types.SimpleNamespace(delay=lambda distribution_id: None)
    stub.tell_members_of_policy = types.SimpleNamespace(delay=lambda policy_id: None)
    monkeypatch.setitem(sys.modules, "payroll.tasks", stub)


def money(cooperative, path=""):
    return f"/c/{cooperative.slug}/money/{path}"


@pytest.fixture
def workers(books):
    """The books of September 2026; its three workers, the treasurer first."""
    return books


@pytest.fixture
def colleague(workers):
    """A member who is not the treasurer."""
    return workers[1]


@pytest.fixture
def draft(cooperative, treasurer, workers):
    return distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)


@pytest.fixture
def approved(treasurer, draft):
    return distributing.approve_distribution(actor=treasurer, distribution=draft)


def test_anonymous_visitors_are_sent_to_login(client, cooperative):
    response = client.get(money(cooperative))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_every_page_renders_for_a_member_and_the_treasurer(
    client, cooperative, treasurer, colleague, approved
):
    pages = [
        "?month=2026-09",
        "",
        "distributions/",
        f"distributions/{approved.pk}/",
        "policies/",
        "me/",
        f"capital/{colleague.pk}/",
    ]
    for member in (colleague, treasurer):
        signed_in(client, member)
        for page in pages:
            response = client.get(money(cooperative, page))
            assert response.status_code == 200, (member, page)
    assert client.get(money(cooperative, "capital/")).status_code == 200


def test_the_month_overview_shows_the_books(client, cooperative, colleague, draft):
    page = signed_in(client, colleague).get(money(cooperative, "?month=2026-09")).content.decode()
    assert "Money of September 2026" in page
    assert "Municipality of Rosario" in page
    assert "12,000.00" in page and "1,500.00" in page and "10,500.00" in page
    assert 'role="img"' in page and "<title" in page
    assert "Where the money goes" in page
    assert "€1,575.00" in page  # the legend carries the amounts
    assert "Draft the distribution" not in page  # a member does not write
    assert "Record revenue" not in page
    assert "?month=2026-08" in page and "?month=2026-10" in page


def test_the_default_month_is_the_previous_one(client, cooperative, colleague):
    expected = month_label(selectors.default_month(cooperative))
    page = signed_in(client, colleague).get(money(cooperative)).content.decode()
    assert f"Money of {expected}" in page


def test_non_members_get_404(client, cooperative, outsider, draft):
    signed_in(client, outsider)
    for page in ["", "distributions/", f"distributions/{draft.pk}/", "policies/", "me/",
                 "capital/", f"distributions/{draft.pk}/report/"]:  # fmt: skip
        assert client.get(money(cooperative, page)).status_code == 404, page
    assert (
        client.post(money(cooperative, "distributions/draft/"), {"month": "2026-09"}).status_code
        == 404
    )


def test_a_distribution_of_another_coop_is_404(client, outsider, draft):
    other = outsider.cooperative
    signed_in(client, outsider)
    assert client.get(money(other, f"distributions/{draft.pk}/")).status_code == 404


class TestTreasurerWrites:
    def test_record_revenue(self, client, cooperative, treasurer, workers):
        customer = ClientFactory(cooperative=cooperative, name="Free Culture Forum")
        project = ProjectFactory(client=customer, name="Archive")
        response = signed_in(client, treasurer).post(
            money(cooperative, "revenue/"),
            {
                "month": "2026-10",
                "revenue-client": customer.pk,
                "revenue-project": project.pk,
                "revenue-amount": "2500.50",
                "revenue-received_on": "2026-10-03",
                "revenue-invoice_reference": "INV-42",
            },
        )
        assert response.status_code == 302
        assert response["Location"].endswith("?month=2026-10")
        revenue = Revenue.objects.get(invoice_reference="INV-42")
        assert (revenue.amount, revenue.project, revenue.recorded_by) == (
            Decimal("2500.50"), project, treasurer
        )  # fmt: skip
        assert AuditEvent.objects.filter(verb="revenue.recorded", object_id=revenue.pk).exists()

    def test_bad_revenue_is_shown_with_the_message(self, client, cooperative, treasurer, workers):
        customer = ClientFactory(cooperative=cooperative)
        other = ProjectFactory(client=ClientFactory(cooperative=cooperative))
        response = signed_in(client, treasurer).post(
            money(cooperative, "revenue/"),
            {
                "month": "2026-10",
                "revenue-client": customer.pk,
                "revenue-project": other.pk,
                "revenue-amount": "10.001",
                "revenue-received_on": "2026-10-03",
            },
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "This project is not one of" in page
        customer_only = signed_in(client, treasurer).post(
            money(cooperative, "revenue/"),
            {"revenue-client": customer.pk, "revenue-amount": "10.001",
             "revenue-received_on": "2026-10-03"},
        )  # fmt: skip
        assert customer_only.status_code == 400
        assert "EUR amounts have 2 decimals at most." in customer_only.content.decode()
        assert not Revenue.objects.filter(client=customer).exists()

    def test_delete_revenue_of_an_open_month(self, client, cooperative, treasurer, workers):
        revenue = Revenue.objects.get()
        response = signed_in(client, treasurer).post(
            money(cooperative, f"revenue/{revenue.pk}/delete/")
        )
        assert response.status_code == 302
        assert not Revenue.objects.exists()

    def test_record_an_expense_with_a_receipt(self, client, cooperative, treasurer, colleague):
        receipt = SimpleUploadedFile("hetzner.pdf", b"%PDF-1.4 receipt", "application/pdf")
        response = signed_in(client, treasurer).post(
            money(cooperative, "expenses/"),
            {
                "month": "2026-10",
                "expense-category": "Hosting",
                "expense-amount": "49.90",
                "expense-date": "2026-10-02",
                "expense-payee": "Hetzner",
                "expense-receipt": receipt,
            },
        )
        assert response.status_code == 302
        expense = Expense.objects.get(amount=Decimal("49.90"))
        assert expense.status == Expense.Status.SUBMITTED and expense.receipt
        download = signed_in(client, colleague).get(
            money(cooperative, f"expenses/{expense.pk}/receipt/")
        )
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")

    def test_approve_and_reject_expenses(self, client, cooperative, treasurer, workers):
        small = spending.record_expense(
            actor=treasurer, cooperative=cooperative, category="Books", amount=Decimal("80.00"),
            date=datetime.date(2026, 10, 2), payee="Bookshop",
        )  # fmt: skip
        big = spending.record_expense(
            actor=treasurer, cooperative=cooperative, category="Laptops",
            amount=Decimal("2400.00"), date=datetime.date(2026, 10, 2), payee="Shop",
        )  # fmt: skip
        signed_in(client, treasurer)
        page = client.get(money(cooperative, "?month=2026-10")).content.decode()
        assert "a spending proposal approves it" in page
        response = client.post(
            money(cooperative, f"expenses/{small.pk}/decide/"), {"decision": "approve"}
        )
        assert response.status_code == 302
        small.refresh_from_db()
        assert small.status == Expense.Status.APPROVED
        refused = client.post(
            money(cooperative, f"expenses/{big.pk}/decide/"), {"decision": "approve"}
        )
        assert refused.status_code == 302
        assert any("spending proposal" in message for message in flashes(refused))
        client.post(money(cooperative, f"expenses/{big.pk}/decide/"), {"decision": "reject"})
        big.refresh_from_db()
        assert big.status == Expense.Status.REJECTED

    def test_draft_recompute_approve_and_pay(self, client, cooperative, treasurer, workers):
        signed_in(client, treasurer)
        page = client.get(money(cooperative, "?month=2026-09")).content.decode()
        assert "Draft the distribution" in page
        response = client.post(money(cooperative, "distributions/draft/"), {"month": "2026-09"})
        run = Distribution.objects.get()
        assert response["Location"] == money(cooperative, f"distributions/{run.pk}/")
        page = client.get(response["Location"]).content.decode()
        for figure in ("12,000.00", "1,500.00", "10,500.00", "1,575.00", "7,350.00", "4,200.00"):
            assert figure in page
        assert "Free Software Foundation Europe" in page and "160:00" in page
        assert "How this share was computed" in page
        assert "Policy version 1" in page and "15 %" in page
        client.post(money(cooperative, f"distributions/{run.pk}/recompute/"))
        run.refresh_from_db()
        assert run.status == Distribution.Status.DRAFT and run.computed_at
        response = client.post(money(cooperative, f"distributions/{run.pk}/approve/"))
        assert response.status_code == 302
        assert any("Approved the distribution" in m for m in flashes(response))
        run.refresh_from_db()
        assert run.status == Distribution.Status.APPROVED
        page = client.get(money(cooperative, f"distributions/{run.pk}/")).content.decode()
        assert "being generated" in page and "Mark as paid" in page
        client.post(money(cooperative, f"distributions/{run.pk}/pay/"))
        run.refresh_from_db()
        assert run.status == Distribution.Status.PAID

    def test_a_refused_action_is_a_flash_message(self, client, cooperative, treasurer, approved):
        signed_in(client, treasurer)
        for action in ("recompute", "approve", "void"):
            response = client.post(money(cooperative, f"distributions/{approved.pk}/{action}/"))
            assert response.status_code == 302, action
            assert flashes(response), action
        again = client.post(money(cooperative, "distributions/draft/"), {"month": "2026-09"})
        assert "already has a distribution" in " ".join(flashes(again))

    def test_a_month_not_over_is_refused_with_a_message(
        self, client, clock, cooperative, treasurer, workers
    ):
        clock.set(datetime.date(2026, 11, 20))
        signed_in(client, treasurer)
        client.post(money(cooperative, "distributions/draft/"), {"month": "2026-11"})
        run = Distribution.objects.get(month=datetime.date(2026, 11, 1))
        response = client.post(money(cooperative, f"distributions/{run.pk}/approve/"), follow=True)
        assert response.status_code == 200
        assert "is not over yet" in response.content.decode()

    def test_void_a_draft(self, client, cooperative, treasurer, draft):
        signed_in(client, treasurer).post(money(cooperative, f"distributions/{draft.pk}/void/"))
        draft.refresh_from_db()
        assert draft.status == Distribution.Status.VOID
        page = client.get(money(cooperative, "?month=2026-09")).content.decode()
        assert "Draft the distribution" in page

    def test_adopt_a_policy_in_percent(self, client, cooperative, treasurer, workers):
        signed_in(client, treasurer)
        page = client.get(money(cooperative, "policies/")).content.decode()
        assert 'value="15"' in page  # the form starts from the current version, in percent
        response = client.post(
            money(cooperative, "policies/"),
            {
                "policy-method": "weighted_hours",
                "policy-commons_pct": "12.5",
                "policy-reserve_pct": "10",
                "policy-education_pct": "5",
                "policy-cash_pct": "80",
                "policy-max_pay_ratio": "2",
                "policy-carry_losses": "on",
                "policy-approval": "treasurer",
                "policy-note": "Less to the commons while we buy laptops",
                "commons-TOTAL_FORMS": "3",
                "commons-INITIAL_FORMS": "0",
                "commons-0-name": "Django Software Foundation",
                "commons-0-weight": "2",
                "commons-0-iban": "",
                "commons-1-name": "OpenStreetMap Foundation",
                "commons-1-weight": "1",
                "commons-1-iban": "GB33 BUKB 2020 1555 5555 55",
                "commons-2-name": "",
                "commons-2-weight": "",
            },
        )
        assert response.status_code == 302
        policy = policies.current_policy(cooperative)
        assert (policy.version, policy.method, policy.commons_pct, policy.cash_pct) == (
            2, "weighted_hours", Decimal("0.125"), Decimal("0.8")
        )  # fmt: skip
        assert policy.commons_recipients[1] == {
            "name": "OpenStreetMap Foundation", "weight": "1", "iban": "GB33BUKB20201555555555"
        }  # fmt: skip
        page = client.get(money(cooperative, "policies/")).content.decode()
        assert "Version 2" in page and "12.5%" in page

    def test_a_bad_policy_is_shown_with_its_messages(self, client, cooperative, treasurer):
        response = signed_in(client, treasurer).post(
            money(cooperative, "policies/"),
            {
                "policy-method": "wages_then_patronage",
                "policy-commons_pct": "60", "policy-reserve_pct": "30",
                "policy-education_pct": "10", "policy-cash_pct": "100",
                "policy-max_pay_ratio": "3", "policy-approval": "treasurer",
                "commons-TOTAL_FORMS": "1", "commons-INITIAL_FORMS": "0",
            },
        )  # fmt: skip
        assert response.status_code == 400
        assert "add up to 100 %" in response.content.decode()
        response = client.post(
            money(cooperative, "policies/"),
            {
                "policy-method": "wages_then_patronage",
                "policy-commons_pct": "15", "policy-reserve_pct": "0",
                "policy-education_pct": "0", "policy-cash_pct": "100",
                "policy-max_pay_ratio": "3", "policy-approval": "treasurer",
                "commons-TOTAL_FORMS": "1", "commons-INITIAL_FORMS": "0",
            },
        )  # fmt: skip
        page = response.content.decode()
        assert response.status_code == 400
        assert "Wages first, then patronage needs a base rate" in page
        assert "so name at least one commons recipient" in page
        shown = " ".join(re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', page, re.DOTALL))
        assert not re.search(r"[A-Za-z]+_[a-z]+", shown), shown  # no field names
        assert not DistributionPolicy.objects.exists()

    def test_policies_adopted_by_vote_explain_the_proposal(self, client, cooperative, treasurer):
        cooperative.bylaws = {**cooperative.bylaws, "policy_adoption": "vote"}
        cooperative.save()
        signed_in(client, treasurer)
        page = client.get(money(cooperative, "policies/")).content.decode()
        assert "draft a policy proposal that carries out “Adopt a distribution policy”" in page
        assert "adopt_distribution_policy" not in page
        assert "Adopt this version" not in page
        response = client.post(money(cooperative, "policies/"), {"policy-method": "equal"})
        assert response.status_code == 400  # the form is refused before the service is asked

    def test_record_a_capital_redemption(self, client, cooperative, treasurer, colleague, approved):
        signed_in(client, treasurer)
        page = client.get(money(cooperative, "capital/")).content.decode()
        assert "420.00" in page and "1,470.00" in page  # a balance and the total
        response = client.post(
            money(cooperative, "capital/"),
            {"capital-member": colleague.pk, "capital-kind": "redemption",
             "capital-amount": "20.00", "capital-date": "2026-11-02",
             "capital-note": "Partial payout"},
        )  # fmt: skip
        assert response.status_code == 302
        assert capital.capital_balance(colleague) == Decimal("400.00")
        too_much = client.post(
            money(cooperative, "capital/"),
            {"capital-member": colleague.pk, "capital-kind": "redemption",
             "capital-amount": "500.00", "capital-date": "2026-11-02",
             "capital-note": "Leaving"},
        )  # fmt: skip
        assert too_much.status_code == 409
        assert "below zero" in too_much.content.decode()


def test_members_cannot_write(client, cooperative, colleague, draft):
    """A member who is not the treasurer gets 403 on every write, and nothing changes."""
    expense = Expense.objects.get()
    revenue = Revenue.objects.get()
    signed_in(client, colleague)
    writes = {
        "revenue/": {"revenue-amount": "1.00"},
        f"revenue/{revenue.pk}/delete/": {},
        "expenses/": {"expense-amount": "1.00"},
        f"expenses/{expense.pk}/decide/": {"decision": "reject"},
        "distributions/draft/": {"month": "2026-08"},
        f"distributions/{draft.pk}/recompute/": {},
        f"distributions/{draft.pk}/approve/": {},
        f"distributions/{draft.pk}/void/": {},
        f"distributions/{draft.pk}/pay/": {},
        "policies/": {"policy-method": "equal"},
        "capital/": {"capital-amount": "1.00"},
    }
    for path, data in writes.items():
        assert client.post(money(cooperative, path), data).status_code == 403, path
    assert client.get(money(cooperative, "capital/")).status_code == 404  # a read: not shown
    draft.refresh_from_db()
    assert draft.status == Distribution.Status.DRAFT
    assert Revenue.objects.count() == 1 and DistributionPolicy.objects.count() == 1
    page = client.get(money(cooperative, f"distributions/{draft.pk}/")).content.decode()
    assert "Recompute" not in page and "Void the draft" not in page


def test_bank_details_only_to_their_owner_and_the_treasurer(
    client,
    cooperative,
    treasurer,
    workers,
):
    ibans = ["AT611904300234573201", "DE89370400440532013000", "GB33BUKB20201555555555"]
    for member, iban in zip(workers, ibans, strict=True):
        member.iban = iban
        member.save()
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    url = money(cooperative, f"distributions/{run.pk}/")
    page = signed_in(client, workers[1]).get(url).content.decode()
    assert ibans[1] in page
    assert ibans[0] not in page and ibans[2] not in page
    page = signed_in(client, treasurer).get(url).content.decode()
    assert all(iban in page for iban in ibans)


def test_a_distributed_month_is_final(client, cooperative, treasurer, colleague, approved):
    page = signed_in(client, colleague).get(money(cooperative, "?month=2026-09")).content.decode()
    assert "This month was distributed" in page
    page = signed_in(client, treasurer).get(money(cooperative, "?month=2026-09")).content.decode()
    assert "record-revenue-heading" not in page and 'value="approve"' not in page
    response = client.post(
        money(cooperative, "revenue/"),
        {"month": "2026-09", "revenue-client": Revenue.objects.get().client_id,
         "revenue-amount": "5.00", "revenue-received_on": "2026-09-30"},
    )  # fmt: skip
    assert response.status_code == 409
    assert "was distributed" in " ".join(flashes(response)) + response.content.decode()


def test_the_overview_costs_a_fixed_number_of_queries(
    client, cooperative, treasurer, draft, django_assert_max_num_queries
):
    signed_in(client, treasurer)
    url = money(cooperative, "?month=2026-09")
    client.get(url)  # the session is warm
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    customer = ClientFactory(cooperative=cooperative)
    for day in range(1, 29):
        ProjectFactory(client=customer)
        RevenueFactory(
            client=customer,
            amount=Decimal("10.00"),
            received_on=SEPTEMBER.replace(day=day),
            project=customer.projects.first(),
        )
        ExpenseFactory(
            cooperative=cooperative, category="Travel", amount=Decimal("1.00"),
            date=SEPTEMBER.replace(day=day), payee="Railway",
        )  # fmt: skip
    with django_assert_max_num_queries(len(few)):
        page = client.get(url)
    assert page.content.decode().count("Railway") == 28


def _document(run, kind, member=None, content=b"%PDF-1.7 test"):
    document = DistributionDocument(distribution=run, kind=kind, member=member, sha256="0" * 64)
    document.file.save(f"{kind}-{getattr(member, 'pk', 'all')}.pdf", ContentFile(content))
    return document


class TestDownloads:
    def test_all_payslips_before_they_exist(self, client, cooperative, treasurer, approved):
        url = money(cooperative, f"distributions/{approved.pk}/payslips.zip")
        response = signed_in(client, treasurer).get(url)
        assert response.status_code == 409  # as the API answers for a file not made yet
        assert "being generated" in response.content.decode()

    def test_being_generated(self, client, cooperative, colleague, approved):
        page = (
            signed_in(client, colleague)
            .get(money(cooperative, f"distributions/{approved.pk}/"))
            .content.decode()
        )
        assert "being generated" in page
        response = client.get(money(cooperative, f"distributions/{approved.pk}/payslip/"))
        assert response.status_code == 409
        assert "being generated" in response.content.decode()

    def test_each_member_their_own_payslip(
        self, client, cooperative, treasurer, colleague, approved
    ):
        for member in (treasurer, colleague):
            _document(approved, "payslip", member, f"%PDF {member.pk}".encode())
        for kind in ("report", "csv", "sepa"):
            _document(approved, kind)
        base = money(cooperative, f"distributions/{approved.pk}/")
        signed_in(client, colleague)
        page = client.get(base).content.decode()
        assert "My payslip (PDF)" in page and "Report (PDF)" in page
        assert "SEPA" not in page and "All payslips" not in page
        mine = client.get(base + "payslip/")
        assert mine.status_code == 200 and mine["Content-Disposition"].startswith("attachment")
        assert b"".join(mine.streaming_content) == f"%PDF {colleague.pk}".encode()
        assert client.get(base + f"payslips/{treasurer.pk}/").status_code == 404
        assert client.get(base + "payslips.zip").status_code == 404
        assert client.get(base + "files/sepa/").status_code == 404
        assert client.get(base + "files/csv/").status_code == 404
        assert client.get(base + "files/report/").status_code == 200
        signed_in(client, treasurer)
        page = client.get(base).content.decode()
        assert "SEPA transfers (XML)" in page and "All payslips (ZIP, 2 files)" in page
        assert client.get(base + f"payslips/{colleague.pk}/").status_code == 200
        assert client.get(base + "files/sepa/").status_code == 200
        archive = client.get(base + "payslips.zip")
        assert archive.status_code == 200
        assert b"".join(archive.streaming_content).startswith(b"PK")


def test_my_statements_and_capital_account(client, clock, cooperative, colleague, approved):
    clock.set(datetime.date(2026, 12, 4))
    page = signed_in(client, colleague).get(money(cooperative, "me/")).content.decode()
    assert "September 2026" in page
    for figure in ("2,100.00", "1,680.00", "420.00", "80:00"):
        assert figure in page
    assert "2026 to date" in page
    assert "Retained share of September 2026" in page
    assert CapitalAccountEntry.objects.filter(member=colleague).count() == 1


def test_a_member_reads_only_their_own_capital_ledger(
    client, cooperative, treasurer, colleague, approved
):
    signed_in(client, colleague)
    assert client.get(money(cooperative, f"capital/{colleague.pk}/")).status_code == 200
    assert client.get(money(cooperative, f"capital/{treasurer.pk}/")).status_code == 404


def _governance_ready() -> bool:
    try:
        import governance.services  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _governance_ready(), reason="governance is still being written")
def test_a_vote_policy_puts_the_draft_to_a_vote(client, cooperative, treasurer, workers):
    policies.adopt_policy(
        actor=treasurer, cooperative=cooperative, **{**POLICY, "approval": "vote"}
    )
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    signed_in(client, treasurer)
    url = money(cooperative, f"distributions/{run.pk}/")
    assert "Put to a vote" in client.get(url).content.decode()
    response = client.post(url + "approve/", follow=True)
    page = response.content.decode()
    assert "now vote on the distribution" in page
    assert "The members are voting on this draft" in page
    run.refresh_from_db()
    assert run.status == Distribution.Status.DRAFT and run.approval_proposal_id


class TestAdmin:
    @pytest.fixture
    def staff(self, treasurer):
        treasurer.user.is_staff = treasurer.user.is_superuser = True
        treasurer.user.save()
        return treasurer

    def test_admin_pages_load(self, client, staff, approved):
        signed_in(client, staff)
        for model in ("revenue", "expense", "distributionpolicy", "distribution",
                      "capitalaccountentry", "distributiondocument"):  # fmt: skip
            assert client.get(f"/admin/payroll/{model}/").status_code == 200, model
        for model in ("revenue", "expense", "distributionpolicy"):
            assert client.get(f"/admin/payroll/{model}/add/").status_code == 200, model
        assert client.get("/admin/payroll/distribution/add/").status_code == 403

    def test_a_final_distribution_is_read_only(self, client, staff, approved):
        signed_in(client, staff)
        page = client.get(f"/admin/payroll/distribution/{approved.pk}/change/")
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert client.get(f"/admin/payroll/distribution/{approved.pk}/delete/").status_code == 403
        client.post(f"/admin/payroll/distribution/{approved.pk}/change/", {"status": "draft"})
        approved.refresh_from_db()
        assert approved.status == Distribution.Status.APPROVED

    def test_admin_actions_call_the_services(self, client, cooperative, staff, draft):
        signed_in(client, staff)
        response = client.post(
            "/admin/payroll/distribution/",
            {"action": "approve_drafts", "_selected_action": [draft.pk]},
            follow=True,
        )
        assert "Approved 1 draft (or opened its vote" in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == Distribution.Status.APPROVED
        assert AuditEvent.objects.filter(verb="distribution.approved").exists()

    def test_admin_actions_refuse_who_is_not_the_treasurer(self, client, cooperative, draft):
        boss = MemberFactory(cooperative=cooperative)
        boss.user.is_staff = boss.user.is_superuser = True
        boss.user.save()
        response = signed_in(client, boss).post(
            "/admin/payroll/distribution/",
            {"action": "recompute_drafts", "_selected_action": [draft.pk]},
            follow=True,
        )
        assert "you are not the treasurer" in response.content.decode()

    def test_admin_approves_selected_expenses_and_reports_refusals(
        self, client, cooperative, staff
    ):
        small = spending.record_expense(
            actor=staff, cooperative=cooperative, category="Books", amount=Decimal("80.00"),
            date=datetime.date(2026, 10, 2), payee="Bookshop",
        )  # fmt: skip
        big = spending.record_expense(
            actor=staff, cooperative=cooperative, category="Laptops",
            amount=Decimal("2400.00"), date=datetime.date(2026, 10, 2), payee="Shop",
        )  # fmt: skip
        response = signed_in(client, staff).post(
            "/admin/payroll/expense/",
            {"action": "approve_selected", "_selected_action": [small.pk, big.pk]},
            follow=True,
        )
        page = response.content.decode()
        assert "Approved 1 expense." in page and "spending proposal" in page
        small.refresh_from_db()
        big.refresh_from_db()
        assert (small.status, big.status) == ("approved", "submitted")

    def test_the_admin_adds_through_the_services(self, client, cooperative, staff):
        customer = ClientFactory(cooperative=cooperative)
        signed_in(client, staff)
        response = client.post(
            "/admin/payroll/revenue/add/",
            {"cooperative": cooperative.pk, "client": customer.pk, "amount": "100.00",
             "received_on": "2026-10-01"},
        )  # fmt: skip
        assert response.status_code == 302
        assert AuditEvent.objects.filter(verb="revenue.recorded").exists()
        response = client.post(
            "/admin/payroll/distributionpolicy/add/",
            {"cooperative": cooperative.pk, "method": "equal", "commons_pct": "0.1",
             "commons_recipients": '[{"name": "Debian", "weight": "1"}]',
             "reserve_pct": "0", "education_pct": "0", "cash_pct": "1",
             "max_pay_ratio": "3", "approval": "treasurer"},
        )  # fmt: skip
        assert response.status_code == 302
        policy = policies.current_policy(cooperative)
        assert (policy.version, policy.adopted_by) == (1, staff)
        assert AuditEvent.objects.filter(verb="policy.adopted").exists()
        page = client.get(f"/admin/payroll/distributionpolicy/{policy.pk}/change/")
        assert 'name="_save"' not in page.content.decode()


def test_a_month_without_members_is_refused_in_the_treasurers_words(
    client, cooperative, treasurer, workers
):
    """August: revenue, but nobody was a member yet; the computation's refusal is translated."""
    money_in.record_revenue(
        actor=treasurer, cooperative=cooperative, client=Client.objects.get(),
        amount=Decimal("100"), received_on=datetime.date(2026, 8, 14),
    )  # fmt: skip
    client.cookies["django_language"] = "es"
    signed_in(client, treasurer)
    response = client.post(money(cooperative, "distributions/draft/"), {"month": "2026-08"})
    assert (
        "Este reparto no tiene personas asociadas, así que la bolsa de las personas asociadas "
        "no se puede repartir." in " ".join(flashes(response))
    )
    assert not Distribution.objects.exists()
