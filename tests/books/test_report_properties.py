"""Properties of the reports over random journals: the trial balance's debits equal its
credits, the balance sheet balances, the members' capital balances add up to the account's,
and the funds' months continue their balances, whatever was posted."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from books import balances, periods, reports
from books.charts import Role
from tests.books.example_books import install_generic, post
from tests.factories import CooperativeFactory, MemberFactory

ROLES = [role.value for role in Role]
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2)
entries = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=364),  # the day of 2026
        st.sampled_from(ROLES),
        st.sampled_from(ROLES),
        amounts,
        st.sampled_from([None, 0, 1, 2]),  # the member of the lines, if any
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.slow
@pytest.mark.django_db
def test_property_the_reports_add_up():
    @settings(max_examples=40, deadline=None)
    @given(entries=entries, month=st.integers(min_value=1, max_value=12))
    def check(entries, month):
        with transaction.atomic():
            the_books_add_up(entries, month)
            transaction.set_rollback(True)

    check()


def the_books_add_up(entries, month):
    cooperative = CooperativeFactory()
    install_generic(cooperative)
    members = [MemberFactory(cooperative=cooperative) for _ in range(3)]
    for day, debited, credited, amount, holder in entries:
        member = None if holder is None else members[holder]
        post(
            cooperative, datetime.date(2026, 1, 1) + datetime.timedelta(days=day), "revenue",
            "p", [(debited, amount, member), (credited, -amount, member)],
        )  # fmt: skip
    for period in (periods.year(2026), periods.month(datetime.date(2026, month, 1))):
        if not reports.has_entries(cooperative, period):
            continue
        trial = reports.trial_balance(cooperative, period)
        assert trial.debits == trial.credits
        assert trial.debit_balances == trial.credit_balances
        sheet = reports.balance_sheet(cooperative, period)
        assert sheet.assets.total == sheet.liabilities_and_equity
        statement = reports.income_statement(cooperative, period)
        assert statement.result == sheet.result_of_period
        for history in balances.fund_histories(cooperative, period):
            by_role = balances.role_balances(cooperative, period.last, (Role(history.role),))
            assert history.closing == by_role[0].balance
    capital = balances.members_capital(cooperative)
    account = balances.role_balances(cooperative, roles=(Role.MEMBERS_CAPITAL,))[0]
    assert capital.total == account.balance
