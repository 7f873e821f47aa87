"""Every dated form in Chromium, in Spanish and in German: the picker shows the ISO value that
`<input type="date">` (or "datetime-local", or "month") needs, and the day chosen in it is the
day saved. A localized value such as "04/12/2026" or "04.12.2026" left pickers empty, and
saving then failed with "this field is required".

The forms: an entry's edit page, quick add on the week page, the adjustment of a locked entry,
revenue, an expense, a capital account entry, a member's status (from the members page and as a
proposal's action), a proposal's voting times, the register of decisions' period and the month
pickers of the entries and money pages.
"""

import datetime
import pathlib
import re
from decimal import Decimal

import pytest
from django.utils import translation

from coop.models import Member, MemberStatusChange, TimeEntry
from governance import services as governance
from governance.models import Proposal
from payroll import distributing
from payroll.models import CapitalAccountEntry, Expense, Revenue
from tests.factories import ClientFactory, MemberFactory, ProjectFactory, TimeEntryFactory
from tests.payroll.books import SEPTEMBER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date(2026, 12, 9)
LANGUAGES = ["es", "de"]


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(TODAY)


@pytest.fixture(params=LANGUAGES)
def language(request):
    return request.param


@pytest.fixture
def speaks(live_server, page, log_in, language):
    """Log `member` in with the page in the test's language and open `path`."""

    def speaks(member, path):
        log_in(page, member)
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page.goto(f"{live_server.url}/c/{member.cooperative.slug}/{path}")
        assert page.locator("html").get_attribute("lang") == language
        return page

    return speaks


@pytest.fixture
def say(language):
    """What a label or button reads in the test's language."""

    def say(text):
        with translation.override(language):
            return translation.gettext(text)

    return say


@pytest.fixture
def project(cooperative):
    client = ClientFactory(cooperative=cooperative, name="Municipality of Rosario")
    return ProjectFactory(client=client, name="Open data portal")


def pick(picker, shown: str, chosen: str) -> None:
    """The picker shows `shown` (the ISO value it needs); choose `chosen` in it."""
    from playwright.sync_api import expect

    expect(picker).to_have_value(shown)
    picker.fill(chosen)
    expect(picker).to_have_value(chosen)


def test_an_entry_s_edit_page(speaks, say, member, project):
    entry = TimeEntryFactory(member=member, project=project, date=datetime.date(2026, 12, 4))
    page = speaks(member, f"hours/entries/{entry.pk}/edit/")
    pick(page.get_by_label(say("Date"), exact=True), "2026-12-04", "2026-12-03")
    page.get_by_role("button", name=say("Save"), exact=True).click()
    page.wait_for_url("**/hours/entries/?month=2026-12")
    entry.refresh_from_db()
    assert entry.date == datetime.date(2026, 12, 3)
    assert TimeEntry.objects.filter(member=member).count() == 1


def test_quick_add_on_the_week_page(speaks, say, member, project):
    page = speaks(member, "hours/")
    form = page.locator("form.grid-form")
    form.get_by_label(say("Project"), exact=True).select_option(str(project.pk))
    pick(form.get_by_label(say("Date"), exact=True), "2026-12-09", "2026-12-07")
    form.get_by_label(say("Time"), exact=True).fill("1,5")
    form.get_by_role("button", name=say("Add"), exact=True).click()
    page.wait_for_url("**/hours/**")
    entry = TimeEntry.objects.get(member=member)
    assert (entry.date, entry.minutes) == (datetime.date(2026, 12, 7), 90)


def test_the_adjustment_of_a_locked_entry(speaks, say, cooperative, treasurer, books):
    """September is approved, so its hours are locked: a correction is dated in an open month."""
    distribution = distributing.create_draft(
        actor=treasurer, cooperative=cooperative, month=SEPTEMBER
    )
    distributing.approve_distribution(actor=treasurer, distribution=distribution)
    locked = TimeEntry.objects.filter(member=treasurer).earliest("date")
    page = speaks(treasurer, f"hours/entries/{locked.pk}/adjust/")
    pick(page.get_by_label(say("Date (in an open month)"), exact=True), "2026-12-09", "2026-12-02")
    page.get_by_label(say("Correction"), exact=True).fill("-0:30")
    page.get_by_label(say("Why"), exact=True).fill("Counted twice.")
    page.get_by_role("button", name=say("Log the adjustment"), exact=True).click()
    page.wait_for_url("**/hours/entries/")
    adjustment = TimeEntry.objects.get(adjusts=locked)
    assert (adjustment.date, adjustment.minutes) == (datetime.date(2026, 12, 2), -30)


def test_revenue(speaks, say, treasurer, project):
    page = speaks(treasurer, "money/?month=2026-12")
    form = page.locator("form", has=page.locator("#id_revenue-received_on"))
    form.get_by_label(say("Client"), exact=True).select_option(label=project.client.name)
    form.locator("#id_revenue-amount").fill("300,50")
    pick(form.get_by_label(say("Received on"), exact=True), "2026-12-09", "2026-12-04")
    form.get_by_role("button", name=say("Record revenue"), exact=True).click()
    page.wait_for_url("**/money/?month=2026-12")
    revenue = Revenue.objects.get(cooperative=treasurer.cooperative)
    assert (revenue.received_on, revenue.amount) == (datetime.date(2026, 12, 4), Decimal("300.50"))


def test_an_expense(speaks, say, treasurer):
    page = speaks(treasurer, "money/?month=2026-12")
    form = page.locator("form", has=page.locator("#id_expense-date"))
    form.get_by_label(say("Category"), exact=True).fill("Hosting")
    form.get_by_label(say("Payee"), exact=True).fill("Hetzner")
    form.locator("#id_expense-amount").fill("49,90")
    pick(form.get_by_label(say("Date"), exact=True), "2026-12-09", "2026-12-05")
    form.get_by_role("button", name=say("Record the expense"), exact=True).click()
    page.wait_for_url("**/money/?month=2026-12")
    expense = Expense.objects.get(cooperative=treasurer.cooperative)
    assert (expense.date, expense.amount) == (datetime.date(2026, 12, 5), Decimal("49.90"))


def test_a_capital_account_entry(speaks, say, cooperative, treasurer):
    colleague = MemberFactory(cooperative=cooperative)
    page = speaks(treasurer, "money/capital/")
    form = page.locator("form", has=page.locator("#id_capital-date"))
    form.get_by_label(say("Member"), exact=True).select_option(label=colleague.display_name)
    form.get_by_label(say("Entry"), exact=True).select_option(
        CapitalAccountEntry.Kind.ADJUSTMENT.value
    )
    form.locator("#id_capital-amount").fill("25,00")
    pick(form.get_by_label(say("Date"), exact=True), "2026-12-09", "2026-12-01")
    form.get_by_label(say("Why (the member reads this)"), exact=True).fill("Rounding.")
    form.get_by_role("button", name=say("Record the entry"), exact=True).click()
    page.wait_for_url("**/money/capital/")
    entry = CapitalAccountEntry.objects.get(member=colleague)
    assert (entry.date, entry.amount) == (datetime.date(2026, 12, 1), Decimal("25.00"))


def test_a_member_s_status_from_the_members_page(speaks, say, cooperative, admin_member):
    colleague = MemberFactory(cooperative=cooperative, status_since=datetime.date(2024, 3, 1))
    page = speaks(admin_member, "members/")
    menu = page.locator("details.row-menu", has=page.locator(f"#from-{colleague.pk}"))
    menu.locator("summary").click()
    menu.get_by_label(say("Status"), exact=True).select_option(Member.Status.ON_LEAVE.value)
    pick(menu.get_by_label(say("From (empty: today)"), exact=True), "", "2026-12-14")
    menu.get_by_role("button", name=say("Change the status"), exact=True).click()
    page.wait_for_url("**/members/")
    colleague.refresh_from_db()
    assert (colleague.status, colleague.status_since) == (
        Member.Status.ON_LEAVE,
        datetime.date(2026, 12, 14),
    )
    assert MemberStatusChange.objects.get(member=colleague).effective_on == datetime.date(
        2026, 12, 14
    )


@pytest.fixture
def draft(cooperative, secretary):
    """A draft whose action puts a member on leave from a given day."""
    colleague = MemberFactory(cooperative=cooperative)
    opens = datetime.datetime(2026, 12, 14, 10, 0, tzinfo=datetime.UTC)  # 11:00 in Vienna
    return governance.create_proposal(
        actor=secretary,
        title="Sabbatical",
        kind="membership",
        method="supermajority",
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=7),
        action="change_member_status",
        action_payload={
            "member": colleague.pk,
            "status": Member.Status.ON_LEAVE.value,
            "effective_on": "2027-01-04",
        },
    )


def test_a_proposal_s_voting_times_and_its_action_s_day(speaks, say, secretary, draft):
    page = speaks(secretary, f"proposals/{draft.pk}/edit/")
    pick(page.get_by_label(say("Voting opens"), exact=True), "2026-12-14T11:00", "2026-12-15T09:30")
    pick(
        page.get_by_label(say("Voting closes"), exact=True), "2026-12-21T11:00", "2026-12-23T18:00"
    )
    details = page.locator('fieldset[data-action="change_member_status"]')
    pick(details.get_by_label(say("From (optional)"), exact=True), "2027-01-04", "2027-02-01")
    page.get_by_role("button", name=say("Save draft"), exact=True).click()
    page.wait_for_url(f"**/proposals/{draft.pk}/")
    draft = Proposal.objects.get(pk=draft.pk)
    vienna = datetime.timezone(datetime.timedelta(hours=1))  # CET in December
    assert draft.opens_at == datetime.datetime(2026, 12, 15, 9, 30, tzinfo=vienna)
    assert draft.closes_at == datetime.datetime(2026, 12, 23, 18, 0, tzinfo=vienna)
    assert draft.action_payload["effective_on"] == "2027-02-01"


def test_the_register_of_decisions_period(speaks, say, member):
    """The period is not saved: the register is made for it, and named after it."""
    page = speaks(member, "proposals/")
    register = page.locator("#register")
    pick(register.get_by_label(say("From"), exact=True), "2026-01-01", "2026-03-01")
    pick(register.get_by_label(say("To"), exact=True), "2026-12-09", "2026-11-30")
    with page.expect_download() as download_info:
        register.get_by_role("button", name=say("Download the register (PDF)")).click()
    download = download_info.value
    assert download.suggested_filename.endswith("-decisions-2026-03-01-2026-11-30.pdf")
    assert pathlib.Path(download.path()).read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("path", "shown"), [("hours/entries/?month=2026-11", "2026-11"), ("money/", "2026-11")]
)
def test_the_month_pickers(speaks, say, treasurer, path, shown):
    """The money page opens on last month, the month a treasurer closes."""
    from playwright.sync_api import expect

    page = speaks(treasurer, path)
    picker = page.locator("#month-pick")
    pick(picker, shown, "2026-10")
    form = page.locator("form", has=picker)
    form.get_by_role("button", name=say("Show"), exact=True).click()
    page.wait_for_url(re.compile(r"[?&]month=2026-10(&|$)"))
    expect(page.locator("#month-pick")).to_have_value("2026-10")
