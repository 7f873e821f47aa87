"""A field the endpoint does not take is a 400 naming it, on every writable endpoint."""

import datetime
import inspect
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from rest_framework import serializers

import api.serializers.banking_accounts
import api.serializers.banking_matches
import api.serializers.banking_statements
import api.serializers.billing_invoices
import api.serializers.billing_payments
import api.serializers.billing_rates
import api.serializers.books_exports
import api.serializers.capital
import api.serializers.capital_statements
import api.serializers.core
import api.serializers.governance
import api.serializers.hours
import api.serializers.patronage
import api.serializers.payroll
import api.serializers.payroll_claims
import api.serializers.payroll_shares
from api.serializers.base import StrictFieldsMixin
from banking.models import BankMatch, MatchKind
from billing import invoice_lines, invoicing
from billing.models import BillingRate
from coop import clock
from coop.models import Cooperative
from governance import services as governance
from payroll.consent_models import AllocationConsent
from payroll.services import policies
from payroll.share_models import Subscription
from tests.api.contract import ContractClient
from tests.banking.factories_accounts import bank_account
from tests.banking.factories_match import bank_transaction
from tests.billing.payment_factories import issued_invoice
from tests.factories import PASSWORD, ClientFactory, MemberFactory, ProjectFactory, TimeEntryFactory
from tests.payroll.books import POLICY

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
UNKNOWN = "surely_not_a_field"
# Query parameters, not a body (see its docstring).
NOT_BODIES = {"SummaryQuerySerializer"}


def _writable_operations():
    document = yaml.safe_load(SCHEMA.read_text())
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch") and "requestBody" in operation:
                media_types = list(operation["requestBody"]["content"])
                yield pytest.param(method, path, media_types, id=f"{method.upper()} {path}")


def test_every_serializer_of_the_api_is_strict():
    modules = [api.serializers.core, api.serializers.governance, api.serializers.hours,
               api.serializers.payroll, api.serializers.billing_invoices,
               api.serializers.billing_rates, api.serializers.billing_payments,
               api.serializers.banking_accounts, api.serializers.banking_matches,
               api.serializers.banking_statements, api.serializers.payroll_claims,
               api.serializers.books_exports, api.serializers.payroll_shares,
               api.serializers.capital, api.serializers.capital_statements,
               api.serializers.patronage]  # fmt: skip
    found = [
        cls
        for module in modules
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, serializers.BaseSerializer) and cls.__module__ == module.__name__
    ]
    assert len(found) > 20
    lax = [cls.__name__ for cls in found if not issubclass(cls, StrictFieldsMixin)]
    assert set(lax) == NOT_BODIES


@pytest.fixture
def world(db, cooperative):
    """A member holding every role, and one object of each kind to address."""
    boss = MemberFactory(
        cooperative=cooperative, user__email="boss@example.coop", is_admin=True,
        is_treasurer=True, is_secretary=True,
    )  # fmt: skip
    other = MemberFactory(cooperative=cooperative)
    subscription = Subscription.objects.create(
        cooperative=cooperative, member=other, shares=1, nominal_value=Decimal("100.00"),
        amount_subscribed=Decimal("100.00"), subscribed_on=datetime.date(2026, 1, 1),
    )  # fmt: skip
    project = ProjectFactory(client=ClientFactory(cooperative=cooperative))
    entry = TimeEntryFactory(member=boss, project=project)
    # Under United States law, for the consents to notices of allocation.
    cooperative.legal_profile = "us"
    cooperative.save(update_fields=["legal_profile"])
    consent = AllocationConsent.objects.create(
        cooperative=cooperative, member=other, method="written",
        given_on=datetime.date(2026, 1, 1),
    )  # fmt: skip
    proposal = governance.create_proposal(
        actor=boss,
        title="A draft",
        opens_at=clock.now() + datetime.timedelta(days=2),
        closes_at=clock.now() + datetime.timedelta(days=10),
    )
    policies.adopt_policy(actor=boss, cooperative=cooperative, **POLICY)
    invoice = invoicing.draft_empty_invoice(actor=boss, client=project.client)
    line = invoice_lines.add_line(
        actor=boss, invoice=invoice, description="Hosting", quantity=1, unit_price=10,
        vat_category="Z",
    )  # fmt: skip
    rate = BillingRate.objects.create(
        cooperative=cooperative, rate=80, currency="EUR", valid_from=datetime.date(2026, 1, 1)
    )
    issued = issued_invoice(project.client, lines=[(project, Decimal("100.00"))])
    account = bank_account(cooperative)
    match = BankMatch.objects.create(
        transaction=bank_transaction(account, "100.00"), kind=MatchKind.INVOICE, invoice=issued,
        amount=Decimal("100.00"), confidence=90,
    )  # fmt: skip
    return {
        "coop_slug": cooperative.slug,
        "invoice_id": invoice.pk,  # a draft: its lines change
        "issued_id": issued.pk,  # an issued invoice: it is paid and sent
        "slug": cooperative.slug,
        "boss": boss,
        "ids": {
            "members": other.pk,
            "clients": project.client_id,
            "projects": project.pk,
            "time-entries": entry.pk,
            "proposals": proposal.pk,
            "invoices": invoice.pk,
            "lines": line.pk,
            "billing-rates": rate.pk,
            "bank-accounts": account.pk,
            "bank-matches": match.pk,
            "shares": subscription.pk,
            "allocation-consents": consent.pk,
        },
    }


def _url(path: str, world) -> str:
    resource = path.split("{coop_slug}/")[-1].split("/")[0]
    if "{invoice_id}/lines/" in path:
        resource = "lines"
    paid = "{invoice_id}/payments/" in path or "{invoice_id}/send/" in path
    invoice = world["issued_id"] if paid else world["invoice_id"]
    return (
        path.replace("{coop_slug}", world["coop_slug"])
        .replace("{slug}", world["slug"])
        .replace("{invoice_id}", str(invoice))
        .replace("{id}", str(world["ids"].get(resource, 1)))
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "media_types"), list(_writable_operations()))
def test_an_unknown_field_is_refused_by_name(method, path, media_types, world):
    api = ContractClient()
    if path != "/api/v1/auth/token/":
        api.force_authenticate(world["boss"].user)
    body = {UNKNOWN: "1"}
    if path == "/api/v1/auth/token/":
        body |= {"email": "boss@example.coop", "password": PASSWORD}
    if "application/json" in media_types:
        answer = getattr(api, method)(_url(path, world), body, format="json")
    else:
        answer = getattr(api, method)(_url(path, world), body, format="multipart")
    assert answer.status_code == 400, (answer.status_code, answer.content)
    assert UNKNOWN in answer.json()["errors"], answer.json()


@pytest.mark.django_db
class TestReadOnlyFieldsSent:
    def test_a_read_only_field_is_refused_not_ignored(self, world):
        api = ContractClient()
        api.force_authenticate(world["boss"].user)
        one = f"/api/v1/coops/{world['coop_slug']}/proposals/{world['ids']['proposals']}/"
        answer = api.patch(one, {"title": "New title", "state": "closed"}, format="json")
        assert answer.status_code == 400
        assert answer.json()["errors"] == {"state": ["This field cannot be set."]}


@pytest.mark.django_db
class TestCoopBankDetails:
    def test_admins_set_the_coops_bank_details(self, world):
        api = ContractClient()
        api.force_authenticate(world["boss"].user)
        answer = api.patch(
            f"/api/v1/coops/{world['slug']}/",
            {"legal_name": "Tischlerei eG", "iban": "de89 3704 0044 0532 0130 00",
             "bic": "cobadeffxxx"},
            format="json",
        )  # fmt: skip
        assert answer.status_code == 200, answer.json()
        assert (answer.json()["iban"], answer.json()["bic"]) == (
            "DE89370400440532013000", "COBADEFFXXX"
        )  # fmt: skip
        stored = Cooperative.objects.get(slug=world["slug"])
        assert (stored.legal_name, stored.iban, stored.bic) == (
            "Tischlerei eG", "DE89370400440532013000", "COBADEFFXXX"
        )  # fmt: skip

    @pytest.mark.parametrize(
        ("field", "value"),
        [("iban", "DE89370400440532013001"), ("iban", "XX00"), ("bic", "COBA"),
         ("bic", "COBADEFF-XX")],
    )  # fmt: skip
    def test_a_bad_iban_or_bic_is_a_400_naming_it(self, world, field, value):
        api = ContractClient()
        api.force_authenticate(world["boss"].user)
        answer = api.patch(f"/api/v1/coops/{world['slug']}/", {field: value}, format="json")
        assert answer.status_code == 400
        assert field in answer.json()["errors"]

    def test_members_who_are_not_admins_may_not(self, world, cooperative):
        api = ContractClient()
        api.force_authenticate(MemberFactory(cooperative=cooperative).user)
        answer = api.patch(f"/api/v1/coops/{world['slug']}/", {"iban": ""}, format="json")
        assert answer.status_code == 403
