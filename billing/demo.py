"""The demo co-op's billing: its invoicing details, clients with addresses and VAT treatments,
hourly rates at three levels, the hours of two months ago invoiced and issued, one invoice paid
(its revenue in this month's books) and one open; last month's hours wait on the "Unbilled
hours" page. Loaded by `manage.py demo` after payroll's demo (coop discovers `<app>.demo`)."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from billing import invoicing, issuing, payments, rate_services, setup
from billing.models import Invoice, Payment
from coop import services
from coop.models import Client, Cooperative, Member, Project

# name: (legal name, address, country, VAT ID, VAT treatment, invoice language, e-mail)
CLIENTS = {
    "Municipality of Rosario": (
        "Municipalidad de Rosario",
        "Buenos Aires 711\nS2000 Rosario, Santa Fe",
        "AR",
        "",
        "export",
        "es",
        "compras@rosario.example",
    ),
    "Food Co-op Network": (
        "Red de Cooperativas de Consumo S.Coop.",
        "Calle del Pez 12\n28004 Madrid",
        "ES",
        "",
        "standard",
        "es",
        "facturas@redcoop.example",
    ),
    "Free Culture Forum": (
        "Free Culture Forum e.V.",
        "Oranienstraße 25\n10999 Berlin",
        "DE",
        "DE123456788",  # a made-up ID with valid check digits (python-stdnum)
        "reverse_charge",
        "de",
        "rechnung@fcforum.example",
    ),
}


def load_demo(cooperative: Cooperative, today: datetime.date) -> None:
    """Idempotent: a co-op that already has invoices keeps its billing as it is."""
    if Invoice.objects.filter(cooperative=cooperative).exists():
        return
    treasurer = Member.objects.filter(cooperative=cooperative, is_treasurer=True).first()
    if treasurer is None:
        return
    if not cooperative.country:
        services.update_invoicing_details(
            cooperative=cooperative,
            actor=treasurer,
            address="Calle de Embajadores 52\n28012 Madrid",
            country="ES",
            vat_id="ESF12345674",  # made up, with valid check digits
            email="facturas@tejido.example",
        )
    setup.update_billing_settings(
        cooperative=cooperative,
        actor=treasurer,
        standard_vat_rate=Decimal("21"),
        reduced_vat_rate=Decimal("10"),
        dunning_days=[7, 30, 60],
    )
    clients = {c.name: c for c in Client.objects.filter(cooperative=cooperative)}
    for name, (legal, address, country, vat_id, vat, language, email) in CLIENTS.items():
        if name in clients:
            clients[name] = services.update_client(
                client=clients[name],
                actor=treasurer,
                legal_name=legal,
                address=address,
                country=country,
                vat_id=vat_id,
                vat_treatment=vat,
                invoice_language=language,
                invoice_email=email,
            )
    since = cooperative.founded_on or today - relativedelta(years=1)
    rate_services.create_rate(
        cooperative=cooperative, actor=treasurer, rate=Decimal("65"), valid_from=since
    )
    if "Food Co-op Network" in clients:
        rate_services.create_rate(
            cooperative=cooperative,
            actor=treasurer,
            rate=Decimal("58"),
            valid_from=since,
            client=clients["Food Co-op Network"],
        )
    portal = Project.objects.filter(cooperative=cooperative, name="Open data portal").first()
    if portal is not None:
        rate_services.create_rate(
            cooperative=cooperative,
            actor=treasurer,
            rate=Decimal("72.50"),
            valid_from=since,
            project=portal,
        )
    # The hours of two months ago are invoiced and issued; the first is paid in full.
    start = (today - relativedelta(months=2)).replace(day=1)
    end = start + relativedelta(months=1, days=-1)
    issued = []
    for name in CLIENTS:
        if name not in clients:
            continue
        draft = invoicing.draft_invoice(actor=treasurer, client=clients[name], start=start, end=end)
        issued.append(issuing.issue_invoice(actor=treasurer, invoice=draft))
    if issued:
        paid = issued[0]
        payments.record_payment(
            actor=treasurer,
            invoice=paid,
            received_on=today,
            amount=paid.gross_total,
            currency=paid.currency,
        )


def summary(cooperative: Cooperative) -> str:
    invoices = Invoice.objects.filter(cooperative=cooperative).count()
    paid = Payment.objects.filter(cooperative=cooperative).count()
    return f"{invoices} invoices issued, {paid} paid; last month's hours are still unbilled"
