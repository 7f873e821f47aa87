"""The reconciliation pages: every member reads the suggestions, the confirmed matches and the
unmatched queue; the treasurer finds matches, confirms, sets aside, changes, splits and undoes
through them (403 for other members, 404 outside the co-op). A refusal shows the page again:
400 naming the field, 409 for a conflict."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from banking import matching
from banking.models import BankMatch
from billing.models import Invoice, Payment
from payroll.models import Distribution
from tests.banking.factories_match import approved_distribution, bank_account, bank_transaction
from tests.billing.payment_factories import issued_invoice
from tests.factories import ClientFactory, ProjectFactory
from tests.web import flashes, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(datetime.date(2026, 11, 10))


@pytest.fixture
def account(cooperative):
    return bank_account(cooperative)


@pytest.fixture
def buyer(cooperative):
    return ClientFactory(cooperative=cooperative, name="City of Vienna")


def invoice_of(buyer, net="1000.00"):
    return issued_invoice(buyer, lines=[(ProjectFactory(client=buyer), Decimal(net))])


def url(cooperative, name, *args):
    return reverse(name, args=[cooperative.slug, *args])


@pytest.fixture
def paid_in(cooperative, account, buyer):
    """A transfer of €1,000.00 naming an open invoice, and its suggestion."""
    invoice = invoice_of(buyer)
    bank_tx = bank_transaction(
        account, "1000.00", remittance_information=f"Payment {invoice.number}",
        counterparty_name="Stadt Wien",
    )  # fmt: skip
    matching.suggest(cooperative=cooperative)
    return invoice, bank_tx, BankMatch.objects.get(transaction=bank_tx)


def test_a_member_reads_the_suggestions_and_sees_no_write_button(client, cooperative, member,
                                                                  paid_in):  # fmt: skip
    invoice, _tx, _match = paid_in
    signed_in(client, member)
    page = client.get(url(cooperative, "bank-reconciliation"))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Invoice {invoice.number} to City of Vienna" in text
    assert "Stadt Wien" in text and "€1,000.00" in text
    assert "the invoice number is in the remittance information" in text
    assert "Find matches" not in text and ">Confirm<" not in text
    queue = client.get(url(cooperative, "bank-unmatched"))
    assert queue.status_code == 200
    assert "Stadt Wien" in queue.content.decode()
    assert "Set aside" not in queue.content.decode()


def test_writes_are_for_the_treasurer(client, cooperative, member, paid_in):
    _invoice, bank_tx, match = paid_in
    signed_in(client, member)
    for name, pk in [
        ("bank-match-confirm", match.pk),
        ("bank-match-set-aside", match.pk),
        ("bank-match-undo", match.pk),
        ("bank-match-change", match.pk),
        ("bank-transaction-match", bank_tx.pk),
        ("bank-transaction-set-aside", bank_tx.pk),
        ("bank-transaction-take-back", bank_tx.pk),
    ]:
        assert client.post(url(cooperative, name, pk)).status_code == 403, name
    assert client.post(url(cooperative, "bank-find-matches")).status_code == 403
    assert client.get(url(cooperative, "bank-match-change", match.pk)).status_code == 403
    assert BankMatch.objects.get(pk=match.pk).status == "suggested"


def test_another_coops_match_is_404(client, outsider, cooperative, paid_in):
    _invoice, _tx, match = paid_in
    signed_in(client, outsider)
    assert client.get(url(cooperative, "bank-reconciliation")).status_code == 404
    outsider.is_treasurer = True
    outsider.save()
    other = url(outsider.cooperative, "bank-match-confirm", match.pk)
    assert client.post(other).status_code == 404


def test_find_matches_then_confirm_records_the_payment(client, cooperative, treasurer, account,
                                                       buyer):  # fmt: skip
    invoice = invoice_of(buyer)
    bank_tx = bank_transaction(account, "1000.00", remittance_information=invoice.number)
    signed_in(client, treasurer)
    found = client.post(url(cooperative, "bank-find-matches"))
    assert found.status_code == 302 and found["Location"] == url(cooperative, "bank-reconciliation")
    match = BankMatch.objects.get(transaction=bank_tx)
    done = client.post(url(cooperative, "bank-match-confirm", match.pk))
    assert done.status_code == 302
    page = client.get(done["Location"])
    assert flashes(page) == [
        "1 suggestion was found.",
        f"Confirmed: €1,000.00 for Invoice {invoice.number} to City of Vienna.",
    ]
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert Payment.objects.get().amount == Decimal("1000.00")
    # The confirmed match is listed with Undo, and undoing takes the payment back.
    assert "Confirmed lately" in page.content.decode()
    undone = client.post(url(cooperative, "bank-match-undo", match.pk))
    assert undone.status_code == 302
    assert not Payment.objects.exists()
    assert BankMatch.objects.get(pk=match.pk).status == "suggested"


def test_confirming_twice_is_a_conflict_on_the_page(client, cooperative, treasurer, account,
                                                    buyer):  # fmt: skip
    first, second = invoice_of(buyer), invoice_of(buyer)
    bank_tx = bank_transaction(
        account, "1000.00", remittance_information=f"{first.number} {second.number}"
    )
    matching.suggest(cooperative=cooperative)
    one, other = BankMatch.objects.filter(transaction=bank_tx).order_by("id")
    signed_in(client, treasurer)
    assert client.post(url(cooperative, "bank-match-confirm", one.pk)).status_code == 302
    refused = client.post(url(cooperative, "bank-match-confirm", other.pk))
    assert refused.status_code == 409
    assert "matched for €1,000.00 already" in refused.content.decode()
    assert 'role="alert"' in refused.content.decode()
    assert Payment.objects.count() == 1


def test_set_aside_a_suggestion(client, cooperative, treasurer, paid_in):
    _invoice, _tx, match = paid_in
    signed_in(client, treasurer)
    done = client.post(url(cooperative, "bank-match-set-aside", match.pk))
    assert done.status_code == 302
    assert BankMatch.objects.get(pk=match.pk).status == "set_aside"
    again = client.post(url(cooperative, "bank-match-set-aside", match.pk))
    assert again.status_code == 409
    assert "Only a suggestion is set aside." in again.content.decode()


def test_change_points_a_suggestion_at_another_invoice(client, cooperative, treasurer, buyer,
                                                       paid_in):  # fmt: skip
    _invoice, _tx, match = paid_in
    other = invoice_of(buyer)
    signed_in(client, treasurer)
    form = client.get(url(cooperative, "bank-match-change", match.pk))
    assert form.status_code == 200
    assert f"invoice-{other.pk}" in form.content.decode()
    done = client.post(
        url(cooperative, "bank-match-change", match.pk),
        {"target": f"invoice-{other.pk}", "amount": "1000.00"},
    )
    assert done.status_code == 302
    match.refresh_from_db()
    assert (match.invoice, match.reasons, match.status) == (other, ["chosen"], "suggested")
    assert "chosen by the treasurer" in client.get(done["Location"]).content.decode()


def test_a_change_to_what_is_not_the_coops_names_the_field(client, cooperative, treasurer,
                                                           outsider, paid_in):  # fmt: skip
    _invoice, _tx, match = paid_in
    foreign = invoice_of(ClientFactory(cooperative=outsider.cooperative))
    signed_in(client, treasurer)
    for value in (f"invoice-{foreign.pk}", "nonsense"):
        refused = client.post(url(cooperative, "bank-match-change", match.pk), {"target": value})
        assert refused.status_code == 400
        assert "target" in refused.context["form"].errors
    refused = client.post(
        url(cooperative, "bank-match-change", match.pk),
        {"target": f"invoice-{match.invoice_id}", "amount": "-5"},
    )
    assert refused.status_code == 400
    assert "amount" in refused.context["form"].errors
    assert BankMatch.objects.get(pk=match.pk).reasons != ["chosen"]


def test_matching_by_hand_starts_from_the_surest_suggestion(client, cooperative, treasurer,
                                                            paid_in):  # fmt: skip
    invoice, bank_tx, _match = paid_in
    signed_in(client, treasurer)
    page = client.get(url(cooperative, "bank-transaction-match", bank_tx.pk))
    assert page.context["form"].initial == {
        "target_1": f"invoice-{invoice.pk}",
        "amount_1": Decimal("1000.00"),
    }
    assert f'<option value="invoice-{invoice.pk}" selected>' in page.content.decode()


def test_split_one_transfer_over_two_invoices(client, cooperative, treasurer, account, buyer):
    first, second = invoice_of(buyer, net="600.00"), invoice_of(buyer, net="400.00")
    bank_tx = bank_transaction(account, "1000.00", remittance_information="two invoices")
    signed_in(client, treasurer)
    page = client.get(url(cooperative, "bank-transaction-match", bank_tx.pk))
    assert page.status_code == 200
    parts = {"target_1": f"invoice-{first.pk}", "target_2": f"invoice-{second.pk}"}
    refused = client.post(
        url(cooperative, "bank-transaction-match", bank_tx.pk),
        {**parts, "amount_1": "600.00", "amount_2": "300.00"},
    )
    assert refused.status_code == 400
    assert "must add up to €1,000.00" in refused.content.decode()
    assert not Payment.objects.exists()
    missing = client.post(
        url(cooperative, "bank-transaction-match", bank_tx.pk), {**parts, "amount_1": "600.00"}
    )
    assert missing.status_code == 400
    assert "amount_2" in missing.context["form"].errors
    done = client.post(
        url(cooperative, "bank-transaction-match", bank_tx.pk),
        {**parts, "amount_1": "600.00", "amount_2": "400.00"},
    )
    assert done.status_code == 302
    assert Invoice.objects.filter(status=Invoice.Status.PAID).count() == 2
    assert "Matched in 2 parts and confirmed." in flashes(client.get(done["Location"]))


def test_a_payout_matched_by_hand_pays_the_distribution(client, cooperative, treasurer,
                                                        account):  # fmt: skip
    distribution = approved_distribution(cooperative, [("member", "Ana", "500.00")])
    line = distribution.lines.get()
    bank_tx = bank_transaction(account, "-500.00", counterparty_name="Ana")
    signed_in(client, treasurer)
    page = client.get(url(cooperative, "bank-transaction-match", bank_tx.pk))
    assert f"line-{line.pk}" in page.content.decode()
    assert "invoice-" not in page.content.decode()  # money out pays no invoice
    done = client.post(
        url(cooperative, "bank-transaction-match", bank_tx.pk),
        {"target_1": f"line-{line.pk}", "amount_1": "500.00"},
    )
    assert done.status_code == 302
    distribution.refresh_from_db()
    assert distribution.status == Distribution.Status.PAID


def test_the_unmatched_queue_and_setting_a_transaction_aside(client, cooperative, treasurer,
                                                             account):  # fmt: skip
    bank_tx = bank_transaction(account, "-250.00", counterparty_name="Own savings account")
    signed_in(client, treasurer)
    queue = client.get(url(cooperative, "bank-unmatched"))
    text = queue.content.decode()
    assert "Own savings account" in text
    assert url(cooperative, "bank-transaction-match", bank_tx.pk) in text
    refused = client.post(
        url(cooperative, "bank-transaction-set-aside", bank_tx.pk), {"note": "bad\x07note"}
    )
    assert refused.status_code == 400
    assert 'aria-invalid="true"' in refused.content.decode()
    assert "Why (optional): " in refused.content.decode()  # the field is named
    done = client.post(
        url(cooperative, "bank-transaction-set-aside", bank_tx.pk),
        {"note": "to our savings"},
    )
    assert done.status_code == 302 and done["Location"] == url(cooperative, "bank-unmatched")
    after = client.get(done["Location"])
    assert "Every transaction is matched or set aside." in after.content.decode()
    assert BankMatch.objects.get(transaction=bank_tx).note == "to our savings"
    again = client.post(url(cooperative, "bank-transaction-set-aside", bank_tx.pk))
    assert again.status_code == 409
    assert "This transaction was set aside" in again.content.decode()
    assert 'aria-invalid="true"' not in again.content.decode()  # not the note's fault
    # Listed as set aside, with its note, and taken back to the queue.
    assert "to our savings" in after.content.decode()
    back = client.post(url(cooperative, "bank-transaction-take-back", bank_tx.pk))
    assert back.status_code == 302
    assert "is back in the queue" in flashes(client.get(back["Location"]))[-1]
    assert not BankMatch.objects.filter(transaction=bank_tx).exists()
    twice = client.post(url(cooperative, "bank-transaction-take-back", bank_tx.pk))
    assert twice.status_code == 409
    assert "This transaction is not set aside." in twice.content.decode()


def test_the_pages_cost_a_fixed_number_of_queries(client, cooperative, treasurer, account, buyer,
                                                  django_assert_max_num_queries):  # fmt: skip
    for n in range(6):
        invoice = invoice_of(buyer)
        bank_transaction(account, "1000.00", remittance_information=invoice.number)
        bank_transaction(account, f"-{n + 1}.00")
    matching.suggest(cooperative=cooperative)
    first = BankMatch.objects.order_by("id").first()
    signed_in(client, treasurer)
    client.post(url(cooperative, "bank-match-confirm", first.pk))
    with django_assert_max_num_queries(15):
        assert client.get(url(cooperative, "bank-reconciliation")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url(cooperative, "bank-unmatched")).status_code == 200


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("es", ["Buscar conciliaciones", "Confirmar", "Apartar", "el importe es el mismo"]),
        ("de", ["Zuordnungen suchen", "Bestätigen", "Zurückstellen", "Rechnung"]),
    ],
)
def test_the_page_speaks_spanish_and_german(client, settings, cooperative, treasurer, paid_in,
                                            language, words):  # fmt: skip
    signed_in(client, treasurer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    text = client.get(url(cooperative, "bank-reconciliation")).content.decode()
    for word in words:
        assert word in text, word


def test_reads_and_writes_answer_only_their_method(client, cooperative, treasurer, paid_in):
    _invoice, _tx, match = paid_in
    signed_in(client, treasurer)
    assert client.post(url(cooperative, "bank-reconciliation")).status_code == 405
    assert client.post(url(cooperative, "bank-unmatched")).status_code == 405
    assert client.get(url(cooperative, "bank-match-confirm", match.pk)).status_code == 405
    assert client.get(url(cooperative, "bank-find-matches")).status_code == 405


def test_a_confirmed_match_is_undone_before_it_is_changed(client, cooperative, treasurer,
                                                          paid_in):  # fmt: skip
    invoice, bank_tx, match = paid_in
    signed_in(client, treasurer)
    client.post(url(cooperative, "bank-match-confirm", match.pk))
    refused = client.post(
        url(cooperative, "bank-match-change", match.pk), {"target": f"invoice-{invoice.pk}"}
    )
    assert refused.status_code == 409
    assert "undone before it is changed" in refused.content.decode()
    full = client.get(url(cooperative, "bank-transaction-match", bank_tx.pk))
    assert "This transaction is matched in full" in full.content.decode()
    more = client.post(
        url(cooperative, "bank-transaction-match", bank_tx.pk),
        {"target_1": "interest", "amount_1": "1.00"},
    )
    assert more.status_code == 400  # the parts must add up to what is open: nothing
    assert "must add up to €0.00" in more.content.decode()


def test_a_long_list_of_suggestions_is_shown_in_parts(client, cooperative, member, account,
                                                      buyer, monkeypatch):  # fmt: skip
    from banking.views import reconciliation

    monkeypatch.setattr(reconciliation, "SUGGESTIONS_SHOWN", 2)
    first, second = invoice_of(buyer), invoice_of(buyer)
    both = bank_transaction(
        account,
        "1000.00",
        remittance_information=f"{first.number} {second.number}",
        booking_date=datetime.date(2026, 10, 1),
    )
    later = bank_transaction(account, "1000.00", remittance_information=first.number)
    matching.suggest(cooperative=cooperative)
    signed_in(client, member)
    page = client.get(url(cooperative, "bank-reconciliation"))
    assert [group.transaction for group in page.context["groups"]] == [both]
    assert len(page.context["groups"][0].suggestions) == 2
    assert page.context["more"] is True
    assert "More transactions have suggestions" in page.content.decode()
    monkeypatch.setattr(reconciliation, "SUGGESTIONS_SHOWN", 3)
    page = client.get(url(cooperative, "bank-reconciliation"))
    assert [group.transaction for group in page.context["groups"]] == [both, later]
    assert page.context["more"] is False
