"""The dashboard: hours, votes waiting, my money, the treasurer's month; a fixed query count."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coop import dashboard
from coop.clock import today_in
from coop.dashboard import DASHBOARD, panels, register, render_panels
from governance import services as governance
from payroll import distributing
from payroll.services import money_in, spending
from tests.factories import ClientFactory, MemberFactory, ProjectFactory, TimeEntryFactory
from tests.payroll.books import SEPTEMBER

pytestmark = pytest.mark.django_db


def home(cooperative) -> str:
    return f"/c/{cooperative.slug}/"


def page(client, member) -> str:
    client.force_login(member.user)
    response = client.get(home(member.cooperative))
    assert response.status_code == 200
    return response.content.decode()


def test_every_app_registered_its_panels():
    names = [entry.name for entry in panels(DASHBOARD)]
    assert names == [
        "payroll.policy",
        "payroll.treasurer",
        "hours",
        "governance.votes",
        "payroll.money",
    ]


def test_a_panel_with_nothing_to_show_is_left_out(rf, member, treasurer):
    register(lambda request, member: None, name="test.empty", order=1)
    try:
        request = rf.get(home(member.cooperative))
        request.user, request.session = member.user, {}
        # A plain member: hours, votes and money; the treasurer's panel has nothing for them.
        assert len(render_panels(request, member, DASHBOARD)) == 3
        request.user = treasurer.user
        assert len(render_panels(request, treasurer, DASHBOARD)) == 4
    finally:
        del dashboard._panels[(DASHBOARD, "test.empty")]


def test_my_hours_this_week_and_month_against_before(client, member):
    today = today_in(member.cooperative)
    project = ProjectFactory(client__cooperative=member.cooperative, name="Open data portal")
    other = ProjectFactory(client__cooperative=member.cooperative, name="Municipal website")
    TimeEntryFactory(member=member, project=project, date=today, minutes=150)
    TimeEntryFactory(member=member, project=other, date=today, minutes=60)
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    TimeEntryFactory(member=member, project=project, date=last_month, minutes=600)
    colleague = MemberFactory(cooperative=member.cooperative)
    TimeEntryFactory(member=colleague, project=project, date=today, minutes=999)

    html = page(client, member)

    assert "Your hours" in html
    assert "<strong>3:30</strong>" in html  # this week and this month: 2:30 + 1:00
    assert "last month 10:00" in html
    assert "16:39" not in html  # nobody else's time
    # The chart is an accessible image with a table for those who cannot see it.
    assert 'role="img"' in html
    assert '<title id="hours-by-project-svg-title">Your hours per project in' in html
    assert '<th scope="row">Open data portal</th><td class="num">2:30</td>' in html
    assert '<th scope="row">Municipal website</th><td class="num">1:00</td>' in html


def test_no_hours_yet(client, member):
    html = page(client, member)
    assert "No hours logged this month yet." in html
    assert "<strong>0:00</strong>" in html


def test_open_votes_i_have_not_cast_with_their_deadline(client, member, make_proposal):
    waiting = make_proposal(member, title="Adopt the four-day week")
    voted = make_proposal(member, title="Buy a new server")
    governance.cast_vote(actor=member, proposal=voted, ballot={"choice": "agree"})
    discussed = make_proposal(
        member,
        title="Join CoTech",
        opens_at=waiting.closes_at,
        closes_at=waiting.closes_at + datetime.timedelta(days=7),
    )

    html = page(client, member)

    assert "Votes waiting for you" in html
    assert f'href="/c/{member.cooperative.slug}/proposals/{waiting.pk}/"' in html
    assert "Buy a new server" not in html
    closes = waiting.closes_at.astimezone(zoneinfo.ZoneInfo(member.cooperative.time_zone))
    assert f'datetime="{closes.isoformat()}"' in html  # in the co-op's time zone
    assert "In discussion" in html and discussed.title in html


def test_every_vote_cast(client, member):
    assert "You have voted on every open proposal" in page(client, member)


def test_an_applicant_is_not_told_they_voted_on_everything(client, cooperative):
    applicant = MemberFactory(cooperative=cooperative, status="applicant")
    html = page(client, applicant)
    assert "You have voted on every open proposal" not in html
    assert "Applicants do not vote yet" in html


def test_a_member_on_leave_is_told_they_do_not_vote(client, cooperative):
    on_leave = MemberFactory(cooperative=cooperative, status="on_leave")
    html = page(client, on_leave)
    assert "You have voted on every open proposal" not in html
    assert "you do not vote on proposals" in html


@pytest.fixture
def approved(books, cooperative, treasurer):
    """September 2026 distributed and approved (the worked example of tests/payroll/books.py)."""
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    return distributing.approve_distribution(actor=treasurer, distribution=run)


def test_my_latest_statement_capital_and_where_the_money_went(client, approved, books):
    worker = books[1]
    line = approved.lines.get(member=worker)
    html = page(client, worker)
    assert "Your money" in html
    assert "The distribution of September 2026:" in html
    assert f"€{line.share:,.2f}" in html
    assert f"€{line.retained:,.2f}" in html  # the capital account balance
    assert 'class="money-chart"' in html and 'role="img"' in html
    assert f"/money/distributions/{approved.pk}/payslip/" in html


def test_nothing_distributed_yet(client, member):
    html = page(client, member)
    assert "No month has been distributed yet." in html
    assert "The distribution of" not in html


def test_the_treasurer_sees_the_month_and_the_draft(client, cooperative, treasurer, member, books):
    today = today_in(cooperative)
    client_row = ClientFactory(cooperative=cooperative)
    money_in.record_revenue(
        actor=treasurer, cooperative=cooperative, client=client_row,
        amount=Decimal("2500.00"), received_on=today,
    )  # fmt: skip
    spending.record_expense(
        actor=treasurer, cooperative=cooperative, category="Travel",
        amount=Decimal("120.50"), date=today, payee="Rail",
    )  # fmt: skip
    draft = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)

    html = page(client, treasurer)

    assert "Treasurer:" in html
    assert "€2,500.00" in html
    assert "€120.50 awaiting a decision" in html
    assert "September 2026: surplus €10,500.00, member pool €7,350.00" in html
    assert f'href="/c/{cooperative.slug}/money/distributions/{draft.pk}/"' in html
    assert "Treasurer:" not in page(client, member)


def test_another_coops_dashboard_is_404(client, member, outsider):
    client.force_login(member.user)
    assert client.get(home(outsider.cooperative)).status_code == 404


def _count_queries(client, member) -> int:
    client.force_login(member.user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(home(member.cooperative)).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_data(
    client, cooperative, treasurer, approved, make_proposal, django_assert_max_num_queries
):
    small = _count_queries(client, treasurer)

    today = today_in(cooperative)
    for index in range(12):
        project = ProjectFactory(client__cooperative=cooperative)
        TimeEntryFactory(member=treasurer, project=project, date=today, minutes=30 + index)
        make_proposal(treasurer, title=f"Proposal {index}")
    for _ in range(5):
        MemberFactory(cooperative=cooperative)

    assert _count_queries(client, treasurer) == small
    assert small <= 25
    client.force_login(treasurer.user)
    with django_assert_max_num_queries(small):
        client.get(home(cooperative))


# The shell around every page ---------------------------------------------------------------------


def test_the_nav_marks_the_section_and_links_the_admin_for_staff_only(client, member):
    html = page(client, member)
    assert f'<a href="/c/{member.cooperative.slug}/" aria-current="page">Dashboard</a>' in html
    for section in ("hours/", "proposals/", "money/", "members/"):
        assert f'href="/c/{member.cooperative.slug}/{section}"' in html
    assert 'href="/admin/"' not in html
    member.user.is_staff = True
    member.user.save()
    assert 'href="/admin/">Admin</a>' in page(client, member)
    members = client.get(f"/c/{member.cooperative.slug}/members/").content.decode()
    assert 'members/" aria-current="page">Members</a>' in members


def test_the_coop_switcher_lists_my_coops(client, member):
    other = MemberFactory(user=member.user)
    html = page(client, member)
    assert '<details class="switcher menu" id="site-coop">' in html
    assert f'href="/c/{other.cooperative.slug}/"' in html


def test_flash_messages_are_announced_by_level(client, admin_member, member):
    client.force_login(admin_member.user)
    response = client.post(
        f"/c/{member.cooperative.slug}/members/{member.pk}/roles/",
        {"roles": ["secretary"]},
        follow=True,
    )
    assert '<p class="message success" role="status">' in response.content.decode()
    client.post(
        f"/c/{member.cooperative.slug}/proposals/new/member/",
        {"member": member.pk, "change": "nonsense"},
    )
    html = client.get(home(member.cooperative)).content.decode()
    assert '<p class="message error" role="alert">' in html


def test_the_members_page_costs_the_same_queries_for_more_members(client, admin_member):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/c/{admin_member.cooperative.slug}/members/").status_code == 200
        return len(queries)

    client.force_login(admin_member.user)
    few = count()
    MemberFactory.create_batch(15, cooperative=admin_member.cooperative)
    assert count() == few
