"""Recomputing a draft replaces its lines with one DELETE, and never deletes a matched line."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models.deletion import ProtectedError
from django.test.utils import CaptureQueriesContext

from banking.models import BankMatch, MatchKind
from payroll import distributing
from payroll.models import DistributionLine
from tests.banking.factories_match import bank_account, bank_transaction
from tests.payroll.books import SEPTEMBER


@pytest.mark.django_db
def test_recompute_deletes_the_old_lines_in_one_statement(cooperative, treasurer, books):
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    before = set(run.lines.values_list("pk", "kind", "member_id", "share", "weight"))
    with CaptureQueriesContext(connection) as queries:
        distributing.recompute_draft(actor=treasurer, distribution=run)
    table = DistributionLine._meta.db_table
    deletes = [q["sql"] for q in queries if q["sql"].startswith("DELETE") and table in q["sql"]]
    assert len(deletes) == 1
    after = set(run.lines.values_list("pk", "kind", "member_id", "share", "weight"))
    assert {row[1:] for row in after} == {row[1:] for row in before}
    assert not {row[0] for row in after} & {row[0] for row in before}


@pytest.mark.django_db
def test_a_line_matched_to_a_bank_transaction_is_not_deleted(cooperative, treasurer, books):
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    line = run.lines.filter(kind="member").first()
    BankMatch.objects.create(
        transaction=bank_transaction(bank_account(cooperative), -line.cash),
        kind=MatchKind.PAYOUT, distribution_line=line, amount=line.cash, confidence=90,
    )  # fmt: skip
    lines = set(run.lines.values_list("pk", flat=True))
    with pytest.raises(ProtectedError):
        distributing.recompute_draft(actor=treasurer, distribution=run)
    assert set(run.lines.values_list("pk", flat=True)) == lines
    assert run.lines.filter(pk=line.pk, share=Decimal(line.share)).exists()
