"""Who may do what: every API route × every method it allows × every role, against one table.

The table (MATRIX) is the reviewed contract. A route added to the URLconf without a row fails
`test_every_route_has_a_row`; a row whose answer changes fails `test_the_matrix`. Requests carry
no body: a role that may act gets past authorization and meets validation (400) or the state
of the world (409), a role that may not gets 401, 403 or — for anything of a co-op it does not
belong to — 404, never 403 or 200.

`MATRIX_PRINT=1 pytest tests/api/test_authorization_matrix.py -s` prints the observed table, to
review a new route's row before pasting it in.
"""

import datetime
import os
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from banking import matching
from banking.importing import import_parsed
from billing import invoice_lines, invoicing, payments
from billing.models import BillingRate
from books import journal
from coop.clock import today_in
from coop.models.cooperative import MemberStatus
from coop.services import change_member_status
from governance import services as governance
from payroll import claims, distributing
from payroll.services import money_in, policies, spending
from payroll.share_models import Subscription
from tests.banking.factories_accounts import bank_account as account_without_statements
from tests.banking.factories_import import bank_account, entry, statement
from tests.banking.factories_match import bank_transaction
from tests.billing.document_factories import IssuedInvoiceFactory, add_line
from tests.billing.payment_factories import issued_invoice
from tests.factories import (
    ClientFactory,
    CooperativeFactory,
    MemberFactory,
    ProjectFactory,
    TimeEntryFactory,
)

ROLES = ("anonymous", "outsider", "member", "secretary", "treasurer", "admin")

# route → method → statuses for (anonymous, outsider, member, secretary, treasurer, admin).
# `{id}` stands for an object of the co-op the route names; see `World.url`.
MATRIX: dict[str, dict[str, tuple[int, ...]]] = {}


def _row(route: str, **methods: str) -> None:
    MATRIX[route] = {m.upper(): tuple(int(s) for s in v.split()) for m, v in methods.items()}


_row("", get="401 200 200 200 200 200")
_row("auth/token/", post="400 400 400 400 400 400", delete="401 204 204 204 204 204")
_row("schema/", get="200 200 200 200 200 200")
_row("docs/", get="200 200 200 200 200 200")
_row("coops/", get="401 200 200 200 200 200")
_row("coops/{coop}/", get="401 404 200 200 200 200", patch="401 404 403 403 403 200")
_row("coops/{coop}/members/", get="401 404 200 200 200 200", post="401 404 403 403 403 400")
_row(
    "coops/{coop}/members/{member}/",
    get="401 404 200 200 200 200",
    patch="401 404 200 403 403 200",
)
_row("coops/{coop}/members/{member}/status/", post="401 404 403 403 403 400")
_row("coops/{coop}/clients/", get="401 404 200 200 200 200", post="401 404 403 403 400 400")
_row(
    "coops/{coop}/clients/{client}/",
    get="401 404 200 200 200 200",
    patch="401 404 403 403 200 200",
)
_row("coops/{coop}/projects/", get="401 404 200 200 200 200", post="401 404 403 403 400 400")
_row(
    "coops/{coop}/projects/{project}/",
    get="401 404 200 200 200 200",
    patch="401 404 403 403 200 200",
)
_row("coops/{coop}/time-entries/", get="401 404 200 200 200 200", post="401 404 400 400 400 400")
_row("coops/{coop}/time-entries/export/", get="401 404 200 200 200 200")
_row("coops/{coop}/time-entries/import/", post="401 404 400 400 400 400")
_row(
    "coops/{coop}/time-entries/{entry}/",
    get="401 404 200 404 200 200",
    patch="401 404 200 404 403 200",
    delete="401 404 204 404 403 204",
)
_row("coops/{coop}/timer/", get="401 404 200 200 200 200")
_row("coops/{coop}/timer/start/", post="401 404 400 400 400 400")
_row("coops/{coop}/timer/stop/", post="401 404 409 409 409 409")
_row("coops/{coop}/timer/discard/", post="401 404 409 409 409 409")
_row("coops/{coop}/hours/summary/", get="401 404 400 400 400 400")
_row("coops/{coop}/hours/summary/export/", get="401 404 400 400 400 400")
_row("coops/{coop}/proposals/", get="401 404 200 200 200 200", post="401 404 400 400 400 400")
_row("coops/{coop}/proposals/register/", get="401 404 200 200 200 200")
_row(
    "coops/{coop}/proposals/{proposal}/",
    get="401 404 200 200 200 200",
    patch="401 404 409 409 403 403",
    delete="401 404 409 409 403 403",
)
_row("coops/{coop}/proposals/{proposal}/open/", post="401 404 409 409 403 403")
_row("coops/{coop}/proposals/{proposal}/withdraw/", post="401 404 200 200 403 403")
_row("coops/{coop}/proposals/{proposal}/close/", post="401 404 403 200 403 403")
_row("coops/{coop}/proposals/{proposal}/vote/", post="401 404 400 400 400 400")
_row("coops/{coop}/proposals/{proposal}/result/", get="401 404 200 200 200 200")
_row("coops/{coop}/proposals/{proposal}/ballots/", get="401 404 409 409 409 409")
_row("coops/{coop}/proposals/{proposal}/minutes/", get="401 404 409 409 409 409")
_row(
    "coops/{coop}/proposals/{proposal}/comments/",
    get="401 404 200 200 200 200",
    post="401 404 400 400 400 400",
)
_row("coops/{coop}/delegations/", get="401 404 200 200 200 200", post="401 404 400 400 400 400")
_row("coops/{coop}/delegations/{delegation}/", delete="401 404 204 404 404 404")
_row("coops/{coop}/revenue/", get="401 404 200 200 200 200", post="401 404 403 403 400 403")
_row(
    "coops/{coop}/revenue/{revenue}/",
    get="401 404 200 200 200 200",
    delete="401 404 403 403 204 403",
)
_row("coops/{coop}/expenses/", get="401 404 200 200 200 200", post="401 404 403 403 400 403")
_row("coops/{coop}/expenses/{expense}/", get="401 404 200 200 200 200")
_row("coops/{coop}/expenses/{expense}/receipt/", get="401 404 200 200 200 200")
_row("coops/{coop}/expenses/{expense}/approve/", post="401 404 403 403 200 403")
_row("coops/{coop}/expenses/{expense}/reject/", post="401 404 403 403 200 403")
_row("coops/{coop}/expense-claims/", get="401 404 200 200 200 200", post="401 404 400 400 400 400")
_row("coops/{coop}/expense-claims/{claim}/", get="401 404 200 404 200 404")
_row("coops/{coop}/expense-claims/{claim}/receipt/", get="401 404 200 404 200 404")
_row("coops/{coop}/expense-claims/{claim}/approve/", post="401 404 403 403 200 403")
_row("coops/{coop}/expense-claims/{claim}/reject/", post="401 404 403 403 400 403")
_row("coops/{coop}/expense-claims/{claim}/withdraw/", post="401 404 200 404 403 404")
_row("coops/{coop}/expense-claims/{claim}/propose/", post="401 404 403 403 409 403")
_row("coops/{coop}/settlements/", get="401 404 200 200 200 200", post="401 404 403 403 400 403")
_row("coops/{coop}/settlements/{settlement}/", get="401 404 404 404 200 404")
_row("coops/{coop}/settlements/{settlement}/pdf/", get="401 404 404 404 200 404")
_row("coops/{coop}/settlements/{settlement}/approve/", post="401 404 403 403 200 403")
_row("coops/{coop}/settlements/{settlement}/recompute/", post="401 404 403 403 200 403")
_row("coops/{coop}/settlements/{settlement}/schedule/", post="401 404 403 403 400 403")
_row("coops/{coop}/policies/", get="401 404 200 200 200 200", post="401 404 403 403 400 403")
_row("coops/{coop}/policies/{policy}/", get="401 404 200 200 200 200")
_row("coops/{coop}/distributions/", get="401 404 200 200 200 200", post="401 404 403 403 400 403")
_row("coops/{coop}/distributions/simulate/", post="401 404 400 400 400 400")
_row("coops/{coop}/distributions/{distribution}/", get="401 404 200 200 200 200")
_row("coops/{coop}/distributions/{draft}/recompute/", post="401 404 403 403 200 403")
_row("coops/{coop}/distributions/{draft}/approve/", post="401 404 403 403 200 403")
_row("coops/{coop}/distributions/{draft}/void/", post="401 404 403 403 200 403")
_row("coops/{coop}/distributions/{distribution}/pay/", post="401 404 403 403 200 403")
_row("coops/{coop}/distributions/{distribution}/regenerate/", post="401 404 403 403 200 403")
_row(
    "coops/{coop}/distributions/{distribution}/payslips/{member}/",
    get="401 404 409 404 409 404",
)
_row("coops/{coop}/distributions/{distribution}/report/", get="401 404 409 409 409 409")
_row("coops/{coop}/distributions/{distribution}/csv/", get="401 404 404 404 409 404")
_row("coops/{coop}/distributions/{distribution}/sepa/", get="401 404 404 404 409 404")
_row("coops/{coop}/capital-accounts/", get="401 404 200 200 200 200")
_row(
    "coops/{coop}/distributions/{draft}/buyin-instalments/",
    get="401 404 200 200 200 200",
    post="401 404 403 403 400 403",
)
_row("coops/{coop}/shares/", get="401 404 200 200 200 200", post="401 404 403 403 400 403")
_row("coops/{coop}/shares/register/", get="401 404 404 404 200 404")
_row(
    "coops/{coop}/shares/{subscription}/",
    get="401 404 200 404 200 404",
    patch="401 404 403 403 200 403",
)
_row("coops/{coop}/shares/{subscription}/certificate/", get="401 404 200 404 200 404")
_row(
    "coops/{coop}/capital-accounts/entries/",
    get="401 404 200 200 200 200",
    post="401 404 403 403 400 403",
)
_row("coops/{coop}/capital-accounts/{member}/statements/{year}/", get="401 404 200 404 200 404")
_row("coops/{coop}/capital-accounts/{member}/statements/{year}/pdf/", get="401 404 200 404 200 404")
_row("coops/{coop}/capital-accounts/statements/{year}/", get="401 404 404 404 200 404")
# The United States documents: 404 in a co-op under another law (the matrix's co-op).
_row("coops/{coop}/capital-accounts/{member}/notices/{year}/", get="401 404 404 404 404 404")
_row("coops/{coop}/capital-accounts/{member}/notices/{year}/pdf/", get="401 404 404 404 404 404")
_row("coops/{coop}/capital-accounts/statements/{year}/1099-patr/", get="401 404 404 404 404 404")
_row(
    "coops/{coop}/allocation-consents/",
    get="401 404 404 404 404 404",
    post="401 404 403 403 404 403",
)
_row("coops/{coop}/allocation-consents/{member}/withdraw/", post="401 404 403 403 404 403")
_row(
    "coops/{coop}/capital-accounts/interest/",
    get="401 404 404 404 200 404",
    post="401 404 403 403 409 403",
)
_row(
    "coops/{coop}/capital-accounts/losses/",
    get="401 404 404 404 200 404",
    post="401 404 403 403 400 403",
)
_row("coops/{coop}/capital-accounts/collective/", get="401 404 404 404 200 404")
_row("coops/{coop}/billing-rates/", get="401 404 200 200 200 200", post="401 404 403 403 400 400")
_row(
    "coops/{coop}/billing-rates/{rate}/",
    get="401 404 200 200 200 200",
    patch="401 404 403 403 200 200",
    delete="401 404 403 403 204 204",
)
_row(
    "coops/{coop}/billing-settings/",
    get="401 404 200 200 200 200",
    put="401 404 403 403 400 400",
    patch="401 404 403 403 200 200",
)
_row(
    "coops/{coop}/billing-details/",
    get="401 404 200 200 200 200",
    put="401 404 403 403 400 400",
    patch="401 404 403 403 200 200",
)

_row("coops/{coop}/invoices/", get="401 404 200 200 200 200", post="401 404 403 403 400 403")
_row(
    "coops/{coop}/invoices/{invoice}/",
    get="401 404 200 200 200 200",
    patch="401 404 403 403 200 403",
    delete="401 404 403 403 204 403",
)
_row("coops/{coop}/invoices/{invoice}/issue/", post="401 404 403 403 400 403")
_row("coops/{coop}/invoices/{invoice}/credit-notes/", post="401 404 403 403 409 403")
_row(
    "coops/{coop}/invoices/{invoice}/lines/",
    get="401 404 200 200 200 200",
    post="401 404 403 403 400 403",
)
_row(
    "coops/{coop}/invoices/{invoice}/lines/{line}/",
    get="401 404 200 200 200 200",
    patch="401 404 403 403 200 403",
    delete="401 404 403 403 204 403",
)
_row("coops/{coop}/unbilled/", get="401 404 400 400 400 400")
_row("coops/{coop}/invoices/{issued}/pdf/", get="401 404 200 200 200 200")
_row("coops/{coop}/invoices/{issued}/xml/", get="401 404 200 200 200 200")
_row(
    "coops/{coop}/invoices/{paid}/payments/",
    get="401 404 200 200 200 200",
    post="401 404 403 403 400 403",
)
_row("coops/{coop}/invoices/{paid}/send/", post="401 404 403 403 202 403")
_row("coops/{coop}/payments/", get="401 404 200 200 200 200")
_row(
    "coops/{coop}/payments/{payment}/",
    get="401 404 200 200 200 200",
    delete="401 404 403 403 204 403",
)
_row("coops/{coop}/balances/", get="401 404 200 200 200 200")
_row("coops/{coop}/bank-matches/", get="401 404 200 200 200 200")
_row("coops/{coop}/bank-matches/split/", post="401 404 403 403 400 403")
_row("coops/{coop}/bank-matches/{match}/", get="401 404 200 200 200 200")
_row("coops/{coop}/bank-matches/{match}/confirm/", post="401 404 403 403 200 403")
_row("coops/{coop}/bank-matches/{match}/change/", post="401 404 403 403 400 403")
_row("coops/{coop}/bank-matches/{match}/set-aside/", post="401 404 403 403 200 403")
_row("coops/{coop}/bank-matches/{match}/undo/", post="401 404 403 403 409 403")
_row("coops/{coop}/billing/aging/", get="401 404 200 200 200 200")
_row("coops/{coop}/bank-accounts/", get="401 404 200 200 200 200", post="401 404 403 403 400 403")
_row(
    "coops/{coop}/bank-accounts/{bank_account}/",
    get="401 404 200 200 200 200",
    patch="401 404 403 403 200 403",
    delete="401 404 403 403 204 403",
)
_row(
    "coops/{coop}/bank-statements/",
    get="401 404 200 200 200 200",
    post="401 404 403 403 400 403",
)
_row("coops/{coop}/bank-statements/{statement}/", get="401 404 200 200 200 200")
_row("coops/{coop}/bank-transactions/", get="401 404 200 200 200 200")
_row("coops/{coop}/bank-transactions/{transaction}/", get="401 404 200 200 200 200")
# The books: every member reads them (books/selectors.py), nobody writes through the API.
_row("coops/{coop}/journal-entries/", get="401 404 200 200 200 200")
_row("coops/{coop}/journal-entries/{journal_entry}/", get="401 404 200 200 200 200")
_row("coops/{coop}/ledger-accounts/", get="401 404 200 200 200 200")
_row("coops/{coop}/ledger-accounts/{ledger_account}/", get="401 404 200 200 200 200")
_row("coops/{coop}/books/balances/", get="401 404 200 200 200 200")
_row("coops/{coop}/books/funds/", get="401 404 200 200 200 200")
_row("coops/{coop}/books/trial-balance/", get="401 404 200 200 200 200")
_row("coops/{coop}/books/balance-sheet/", get="401 404 200 200 200 200")
_row("coops/{coop}/books/income-statement/", get="401 404 200 200 200 200")
_row("coops/{coop}/books/ties/", get="401 404 200 200 200 200")
_row("coops/{coop}/books/exports/csv/", get="401 404 403 403 400 403")
_row("coops/{coop}/books/exports/datev/", get="401 404 403 403 400 403")
_row("coops/{coop}/books/exports/beancount/", get="401 404 403 403 400 403")
_row(
    "coops/{coop}/books/datev-numbers/",
    get="401 404 200 200 200 200",
    patch="401 404 403 403 200 403",
)


def _api_routes() -> dict[str, set[str]]:
    """Every route under api/v1/ with the methods its view allows (HEAD/OPTIONS left out)."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    routes: dict[str, set[str]] = {}
    for raw, callback in walk(get_resolver().url_patterns):
        if not raw.startswith("api/v1/"):
            continue
        route = raw.removeprefix("api/v1/").replace("^", "").replace("$", "")
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        cls = getattr(callback, "cls", None)
        allowed = {m.upper() for m in getattr(cls, "http_method_names", [])}
        actions = getattr(callback, "actions", None)
        if actions:
            methods = {m.upper() for m in actions} & allowed
        else:
            methods = {m for m in allowed if cls and hasattr(cls, m.lower())}
        routes[route] = methods - {"HEAD", "OPTIONS"}
    return routes


def _shape(route: str) -> str:
    """The URLconf's shape of a table route: every placeholder becomes `{…}`."""
    return re.sub(r"\{\w+\}", "{}", route)


def test_every_route_has_a_row():
    table = {_shape(route): set(methods) for route, methods in MATRIX.items()}
    missing = []
    for route, methods in _api_routes().items():
        shape = _shape(route)
        if shape not in table:
            missing.append(f"{route} (no row)")
        elif methods != table[shape]:
            missing.append(f"{route}: the view allows {sorted(methods)}, the row has "
                           f"{sorted(table[shape])}")  # fmt: skip
    assert not missing, "add rows to MATRIX:\n" + "\n".join(missing)


class World:
    """One co-op with a member of each role and an object of each kind; another co-op."""

    def __init__(self):
        self.coop = CooperativeFactory(slug="a")
        founded = datetime.date(2026, 1, 1)
        self.people = {
            "member": MemberFactory(cooperative=self.coop, joined_on=founded),
            "secretary": MemberFactory(cooperative=self.coop, is_secretary=True),
            "treasurer": MemberFactory(cooperative=self.coop, is_treasurer=True),
            "admin": MemberFactory(cooperative=self.coop, is_admin=True),
            "outsider": MemberFactory(cooperative=CooperativeFactory(slug="b")),
        }
        member, treasurer = self.people["member"], self.people["treasurer"]
        self.subscription = Subscription.objects.create(
            cooperative=self.coop, member=member, shares=2, nominal_value=Decimal("50.00"),
            amount_subscribed=Decimal("100.00"), subscribed_on=founded,
        )  # fmt: skip
        self.client = ClientFactory(cooperative=self.coop)
        self.project = ProjectFactory(client=self.client)
        self.rate = BillingRate.objects.create(
            cooperative=self.coop,
            rate=Decimal("80"),
            currency="EUR",
            valid_from=datetime.date(2026, 1, 1),
        )
        september = datetime.date(2026, 9, 1)
        october = datetime.date(2026, 10, 1)
        # September is approved (locked); the objects the routes act on are in open October.
        TimeEntryFactory(member=member, project=self.project, date=september)
        self.entry = TimeEntryFactory(member=member, project=self.project, date=october)
        # In voting for three days already: past the minimum discussion and voting periods of
        # general proposals, so that a secretary may close it early.
        now = timezone.now()
        drafted = now - datetime.timedelta(days=4)
        self.proposal = governance.open_proposal(
            actor=member,
            proposal=governance.create_proposal(
                actor=member,
                title="Adopt a code of conduct",
                opens_at=drafted + datetime.timedelta(days=1),
                closes_at=now + datetime.timedelta(days=3),
                allow_early_close=False,
                now=drafted,
            ),
            now=drafted,
        )
        governance.sweep(self.proposal.opens_at)
        self.delegation = governance.delegate_vote(actor=member, delegate=self.people["admin"])
        money_in.record_revenue(
            actor=treasurer, cooperative=self.coop, client=self.client,
            amount=Decimal("1000.00"), received_on=september.replace(day=20),
        )  # fmt: skip
        self.revenue = money_in.record_revenue(
            actor=treasurer, cooperative=self.coop, client=self.client,
            amount=Decimal("800.00"), received_on=october.replace(day=20),
        )  # fmt: skip
        self.expense = spending.record_expense(
            actor=treasurer, cooperative=self.coop, category="Hosting",
            amount=Decimal("10.00"), date=october, payee="Hetzner",
            receipt=ContentFile(b"%PDF-1.4\n%%EOF\n", name="receipt.pdf"),
        )  # fmt: skip
        self.claim = claims.file_claim(
            actor=member, amount=Decimal("20.00"), date=october.replace(day=5), payee="DB",
            category="Travel", receipt=ContentFile(b"%PDF-1.4\n%%EOF\n", name="ticket.pdf"),
        )  # fmt: skip
        self.paid_invoice = issued_invoice(
            self.client, lines=[(self.project, Decimal("500.00"))], issue_date=october
        )
        self.payment = payments.record_payment(
            actor=treasurer, invoice=self.paid_invoice, received_on=october.replace(day=21),
            amount=Decimal("100.00"), currency="EUR",
        )  # fmt: skip
        self.policy = policies.adopt_policy(
            actor=treasurer, cooperative=self.coop, method="hours",
            commons_pct=Decimal("0.15"), commons_recipients=[{"name": "DSF", "weight": "1"}],
            reserve_pct=Decimal("0.1"), education_pct=Decimal("0.05"), cash_pct=Decimal("0.8"),
            max_pay_ratio=Decimal("3"), carry_losses=False, approval="treasurer",
        )  # fmt: skip
        self.distribution = distributing.create_draft(
            actor=treasurer, cooperative=self.coop, month=september
        )
        with transaction.atomic():  # approval's document tasks run on commit: not here
            distributing.approve_distribution(actor=treasurer, distribution=self.distribution)
        self.draft = distributing.create_draft(
            actor=treasurer, cooperative=self.coop, month=october
        )
        # A draft invoice with one manual line (its client has no address: issuing it is 400).
        self.invoice = invoicing.draft_empty_invoice(actor=treasurer, client=self.client)
        self.invoice_line = invoice_lines.add_line(
            actor=treasurer, invoice=self.invoice, description="Hosting", quantity=1,
            unit_price=Decimal("10"), vat_category="Z",
        )  # fmt: skip
        # An issued invoice with one line: its files are there to download.
        self.issued = IssuedInvoiceFactory(
            cooperative=self.coop, client=self.client, number="2026-9001", sequence=9001
        )
        add_line(self.issued)
        account = bank_account(self.coop)
        self.statement = import_parsed(
            actor=treasurer, cooperative=self.coop, statements=[statement([entry("5.00")])],
            file_sha256="0" * 64,
        ).statements[0]  # fmt: skip
        self.transaction = self.statement.transactions.get()
        # A bank transaction paying the rest of the paid invoice, and its suggestion.
        bank_tx = bank_transaction(
            account, "400.00", booking_date=october.replace(day=22),
            remittance_information=self.paid_invoice.number,
        )  # fmt: skip
        matching.suggest(cooperative=self.coop)
        self.bank_match = bank_tx.matches.get()
        # An account without statements: it may be changed and removed.
        self.bank_account = account_without_statements(
            self.coop, name="Savings", other_identifier="SAVINGS-1"
        )
        # A journal entry of today: the reports of the current year (the default) have books.
        self.journal_entry = journal.post(
            cooperative=self.coop, date=today_in(self.coop), kind="interest",
            description="Interest", lines=[journal.debit("bank", Decimal("1.00")),
                                           journal.credit("interest_income", Decimal("1.00"))],
        )  # fmt: skip
        self.ledger_account = self.journal_entry.lines.first().account
        # A member who left: their settlement was drafted by the departure.
        leaver = MemberFactory(cooperative=self.coop)
        change_member_status(member=leaver, actor=self.people["admin"], status="departed")
        self.settlement = leaver.settlement
        assert member.status == MemberStatus.ACTIVE

    def url(self, route: str) -> str:
        ids = {
            "coop": self.coop.slug,
            "member": self.people["member"].pk,
            "client": self.client.pk,
            "project": self.project.pk,
            "entry": self.entry.pk,
            "proposal": self.proposal.pk,
            "delegation": self.delegation.pk,
            "revenue": self.revenue.pk,
            "expense": self.expense.pk,
            "claim": self.claim.pk,
            "settlement": self.settlement.pk,
            "policy": self.policy.pk,
            "distribution": self.distribution.pk,
            "draft": self.draft.pk,
            "invoice": self.invoice.pk,
            "line": self.invoice_line.pk,
            "rate": self.rate.pk,
            "issued": self.issued.pk,
            "payment": self.payment.pk,
            "paid": self.paid_invoice.pk,
            "bank_account": self.bank_account.pk,
            "statement": self.statement.pk,
            "transaction": self.transaction.pk,
            "match": self.bank_match.pk,
            "journal_entry": self.journal_entry.pk,
            "ledger_account": self.ledger_account.pk,
            "year": 2026,  # the year of the September distribution's retained shares
            "subscription": self.subscription.pk,
        }
        return "/api/v1/" + route.format(**ids)

    def client_for(self, role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            client.force_authenticate(self.people[role].user)
        return client


CASES = [(route, method) for route, methods in MATRIX.items() for method in methods]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method"), CASES, ids=[f"{m} {r}" for r, m in CASES])
def test_the_matrix(route, method, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    world = World()
    observed = []
    for role in ROLES:
        # Each role acts on the same world: what one role changes is rolled back.
        with transaction.atomic():
            response = getattr(world.client_for(role), method.lower())(world.url(route))
            observed.append(response.status_code)
            if response.status_code >= 400 and response["Content-Type"].startswith(
                "application/json"
            ):
                body = response.json()
                assert {"detail", "code"} <= set(body), (role, body)
            transaction.set_rollback(True)
    if os.environ.get("MATRIX_PRINT"):
        print(f'{route} {method.lower()}="{" ".join(map(str, observed))}"')
        return
    expected = MATRIX[route][method]
    assert dict(zip(ROLES, observed, strict=True)) == dict(zip(ROLES, expected, strict=True))
