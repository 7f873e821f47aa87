"""A co-op's chart: installed from its country's default at the first entry, chosen by the
treasurer before the first entry, and the role mapping checked whole when it is saved."""

import datetime
from decimal import Decimal

import pytest

from books import charts, journal, services, setup
from books.journal import credit, debit
from books.models import AccountMapping, BooksSettings, LedgerAccount
from coop.errors import InvalidInput, InvalidInputs, NotAllowed, StateConflict
from coop.models import AuditEvent
from tests.factories import CooperativeFactory, MemberFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 30)


def fee(cooperative, amount="4.50"):
    return journal.post(
        cooperative=cooperative, date=DAY, kind="bank_fee", description="Account fee",
        lines=[debit("bank_fees", Decimal(amount)), credit("bank", Decimal(amount))],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("country", "chart", "bank"),
    [("DE", "skr03", "1200"), ("ES", "pgc", "572"), ("US", "us", "1010"), ("", "generic", "1010")],
)
def test_the_first_entry_installs_the_countrys_chart(country, chart, bank):
    cooperative = CooperativeFactory(country=country)
    entry = fee(cooperative)
    assert BooksSettings.objects.get(cooperative=cooperative).chart == chart
    assert entry.lines.get(amount__lt=0).account.number == bank
    expected = charts.chart(chart)
    assert LedgerAccount.objects.filter(cooperative=cooperative).count() == len(expected.accounts)
    assert AccountMapping.objects.filter(cooperative=cooperative).count() == len(charts.Role)
    assert setup.ensure_chart(cooperative) is False  # installed once
    fee(cooperative)
    assert LedgerAccount.objects.filter(cooperative=cooperative).count() == len(expected.accounts)


def test_the_treasurer_chooses_skr04_before_the_first_entry(cooperative, treasurer):
    setup.choose_chart(actor=treasurer, cooperative=cooperative, chart="skr04")
    assert fee(cooperative).lines.get(amount__lt=0).account.number == "1800"
    assert AuditEvent.objects.filter(verb="books.chart_chosen").exists()
    with pytest.raises(StateConflict) as refused:
        setup.choose_chart(actor=treasurer, cooperative=cooperative, chart="skr03")
    assert refused.value.code == "journal_not_empty"
    assert BooksSettings.objects.get(cooperative=cooperative).chart == "skr04"


def test_choosing_a_chart_is_the_treasurers_and_names_the_field(cooperative, treasurer):
    with pytest.raises(NotAllowed):
        setup.choose_chart(
            actor=MemberFactory(cooperative=cooperative), cooperative=cooperative, chart="pgc"
        )
    with pytest.raises(InvalidInput) as refused:
        setup.choose_chart(actor=treasurer, cooperative=cooperative, chart="skr99")
    assert refused.value.field == "chart"


def current_mapping(cooperative):
    return dict(
        AccountMapping.objects.filter(cooperative=cooperative).values_list("role", "account")
    )


def test_a_mapping_is_saved_whole_and_checked_when_saved(cooperative, treasurer):
    setup.ensure_chart(cooperative)
    mapping = current_mapping(cooperative)
    fees = services.add_account(
        actor=treasurer, cooperative=cooperative, number="6810", name="Bank fees (card)",
        type="expense",
    )  # fmt: skip
    services.save_mapping(
        actor=treasurer, cooperative=cooperative, mapping=mapping | {"bank_fees": fees.pk}
    )
    assert fee(cooperative).lines.get(amount__gt=0).account == fees

    bank = LedgerAccount.objects.get(pk=mapping["bank"])
    other = LedgerAccount.objects.create(
        cooperative=CooperativeFactory(), number="1", name="Theirs", type="asset"
    )
    broken = mapping | {"bank_fees": bank.pk, "bank": other.pk, "nonsense": bank.pk}
    del broken["surplus"]
    with pytest.raises(InvalidInputs) as refused:
        services.save_mapping(actor=treasurer, cooperative=cooperative, mapping=broken)
    errors = refused.value.errors
    assert set(errors) == {"bank_fees", "bank", "surplus", "nonsense"}
    assert "needs expense" in errors["bank_fees"][0]
    assert current_mapping(cooperative)["bank_fees"] == fees.pk  # nothing saved


def test_an_account_number_is_unique_in_the_chart(cooperative, treasurer):
    setup.ensure_chart(cooperative)
    with pytest.raises(InvalidInput) as refused:
        services.add_account(
            actor=treasurer, cooperative=cooperative, number="1010", name="Bank", type="asset"
        )
    assert refused.value.field == "number"
    with pytest.raises(InvalidInputs) as refused:
        services.add_account(
            actor=treasurer, cooperative=cooperative, number="", name="", type="cash"
        )
    assert set(refused.value.errors) == {"number", "name", "type"}


def test_the_models_types_are_the_charts():
    from books.models import AccountType

    assert set(AccountType.values) == {t.value for t in charts.AccountType}


def test_a_role_learned_after_the_chart_was_installed_gets_the_charts_account():
    """A Spanish co-op's chart installed before `education_allocation` existed: its first
    event that needs the role installs the PGC's account for it, and nothing else changes."""
    cooperative = CooperativeFactory(country="ES")
    fee(cooperative)
    mapping = AccountMapping.objects.get(cooperative=cooperative, role="education_allocation")
    account = mapping.account
    mapping.delete()
    account.lines.exists() or account.delete()
    accounts = LedgerAccount.objects.filter(cooperative=cooperative).count()
    found = journal.accounts_for(cooperative, ["education_allocation", "bank"])
    assert (
        found["education_allocation"].number
        == charts.account_for(charts.chart("pgc"), charts.Role.EDUCATION_ALLOCATION).number
    )
    assert LedgerAccount.objects.filter(cooperative=cooperative).count() == accounts + 1


def test_a_chart_of_the_treasurers_own_is_not_completed_behind_their_back():
    cooperative = CooperativeFactory(country="DE")
    BooksSettings.objects.create(cooperative=cooperative, chart="own")
    bank = LedgerAccount.objects.create(
        cooperative=cooperative, number="1", name="Bank", type="asset"
    )
    AccountMapping.objects.create(cooperative=cooperative, role="bank", account=bank)
    with pytest.raises(journal.MissingAccount, match="bank_fees"):
        fee(cooperative)
    assert LedgerAccount.objects.filter(cooperative=cooperative).count() == 1
