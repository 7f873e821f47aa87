"""How sure a match is: the scoring rules of bank reconciliation, with no database.

Each rule adds points for one piece of evidence and names it with a reason code; the
confidence is the sum, at most 100. banking.matching gathers the candidates and calls these;
docs/bank.md ("## Matching") lists the rules and their points.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher

# Points per piece of evidence.
REFERENCE = 60  # the invoice's RF creditor reference, structured or in the text
NUMBER = 50  # the invoice number in the remittance information
AMOUNT = 30  # the amount is what is open on the invoice
KNOWN_IBAN = 20  # the payer's IBAN paid this client's invoices before
END_TO_END = 90  # the EndToEndId Cooperage wrote into its pain.001 for the line
LINE_AMOUNT = 10  # the amount is the line's cash
LINE_IBAN = 40  # the payee's IBAN is the line's (no EndToEndId)
EXPENSE_AMOUNT = 40  # the amount is the expense's
EXPENSE_DATE = 20  # booked within EXPENSE_DAYS of the expense's date
PAYEE = 30  # the counterparty's name is the expense's payee
BANK_CODE = 80  # the bank's transaction code says fees or interest

EXPENSE_DAYS = 7

# ISO 20022 bank transaction codes (ExternalBankTransactionSubFamily1Code): the sub-family of
# Domain/Family/SubFamily. Charges, fees and commission are the bank's; interest is interest.
ISO_FEE_SUBFAMILIES = frozenset({"CHRG", "FEES", "COMM"})
ISO_INTEREST_SUBFAMILIES = frozenset({"INTR"})
# SWIFT MT940 field 61 transaction type identification codes ("N" + three letters).
SWIFT_FEE_TYPES = frozenset({"NCHG", "NCOM"})
SWIFT_INTEREST_TYPES = frozenset({"NINT"})
# German Geschäftsvorfallcodes (DFÜ-Abkommen Anlage 3 "Datenformate", the 8xx "Sonstige"):
# 805 "Abschluss" closes an account period with fees and interest together, its sign says
# which; 804 standing-order fees, 806 postage, 807 prices and charges ("Preise/Spesen"),
# 808 fees, 809 commission, 810 dunning fees; 814 interest ("Zinsen").
GVC_CLOSING = frozenset({"805"})
GVC_FEES = frozenset({"804", "806", "807", "808", "809", "810"})
GVC_INTEREST = frozenset({"814"})
# OFX TRNTYPE values (OFX 2.x, 11.4.4.3).
OFX_FEES = frozenset({"FEE", "SRVCHG"})
OFX_INTEREST = frozenset({"INT", "DIV"})

FEE = "bank_fee"
INTEREST = "interest"


@dataclass
class Score:
    """Points and the reasons that gave them."""

    reasons: list[str] = field(default_factory=list)
    points: int = 0

    def add(self, reason: str, points: int) -> None:
        self.reasons.append(reason)
        self.points += points

    @property
    def confidence(self) -> int:
        return min(100, self.points)


def compact(text: str) -> str:
    """Upper case letters and digits only: "rf18 5390 0754" → "RF1853900754"."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def contains_number(text: str, number: str) -> bool:
    """The invoice number stands alone in the text: "2026-0007" is found in "Inv 2026-0007,"
    and "2026 0007", never inside "2026-00071"."""
    if not number:
        return False
    parts = [re.escape(part) for part in re.split(r"[^0-9A-Za-z]+", number) if part]
    pattern = r"(?<![0-9A-Za-z])" + r"[\s\-/._]*".join(parts) + r"(?![0-9A-Za-z])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def contains_reference(text: str, creditor_reference: str, reference: str) -> bool:
    """The RF reference is the structured creditor reference, or stands in the remittance
    text, where banks print it in groups of four ("RF18 5390 0754 7034")."""
    if not reference:
        return False
    wanted = compact(reference)
    if compact(creditor_reference) == wanted:
        return True
    upper = text.upper()
    for found in re.finditer(r"(?<![0-9A-Z])RF", upper):
        position, matched = found.start(), 0
        while position < len(upper) and matched < len(wanted):
            character = upper[position]
            if character == wanted[matched]:
                matched += 1
            elif character != " ":
                break
            position += 1
        if matched == len(wanted) and not upper[position : position + 1].isalnum():
            return True
    return False


def score_invoice(
    *,
    remittance: str,
    creditor_reference: str,
    amount: Decimal,
    number: str,
    payment_reference: str,
    open_amount: Decimal,
    iban_known: bool,
) -> Score:
    score = Score()
    if contains_reference(remittance, creditor_reference, payment_reference):
        score.add("reference", REFERENCE)
    elif contains_number(remittance, number):
        score.add("number", NUMBER)
    if amount == open_amount:
        score.add("amount", AMOUNT)
    if iban_known:
        score.add("iban", KNOWN_IBAN)
    return score


def score_line(
    *,
    end_to_end_id: str,
    counterparty_iban: str,
    amount: Decimal,
    line_end_to_end_id: str,
    line_iban: str,
    cash: Decimal,
) -> Score:
    score = Score()
    if end_to_end_id and end_to_end_id == line_end_to_end_id:
        score.add("end_to_end_id", END_TO_END)
    elif counterparty_iban and compact(counterparty_iban) == compact(line_iban):
        score.add("iban", LINE_IBAN)
    if amount == cash:
        score.add("amount", LINE_AMOUNT if score.reasons else AMOUNT)
    return score


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"[0-9a-z]+", letters))


def same_name(one: str, other: str) -> bool:
    """Names that are the same but for case, accents, punctuation and a legal form: "Hetzner
    Online GmbH" and "HETZNER ONLINE" are; "Hetzner" and "Hertz" are not."""
    a, b = _plain(one), _plain(other)
    if not a or not b:
        return False
    if a in b or b in a:
        return min(len(a), len(b)) >= 4
    return SequenceMatcher(None, a, b).ratio() >= 0.85


def score_expense(
    *,
    counterparty_name: str,
    amount: Decimal,
    booked: datetime.date,
    payee: str,
    expense_amount: Decimal,
    expense_date: datetime.date,
) -> Score:
    """An expense is a candidate only when the amount is its and the day near its date."""
    score = Score()
    if amount != expense_amount or abs((booked - expense_date).days) > EXPENSE_DAYS:
        return score
    score.add("amount", EXPENSE_AMOUNT)
    score.add("date", EXPENSE_DATE)
    if same_name(counterparty_name, payee):
        score.add("payee", PAYEE)
    return score


def fee_or_interest(code: str, amount: Decimal) -> str | None:
    """FEE, INTEREST or None for a bank transaction code (camt "ACMT/MDOP/CHRG", MT940
    "NCHG/808", OFX "SRVCHG") and the signed amount: fees go out, interest comes in (interest
    the co-op pays is a fee to it)."""
    parts = [part.strip().upper() for part in re.split(r"[/\-+ ]", code) if part.strip()]
    if not parts:
        return None
    kind = None
    if len(parts) >= 3 and parts[2] in ISO_FEE_SUBFAMILIES | ISO_INTEREST_SUBFAMILIES:
        kind = INTEREST if parts[2] in ISO_INTEREST_SUBFAMILIES else FEE
    elif set(parts) & (SWIFT_FEE_TYPES | GVC_FEES | OFX_FEES):
        kind = FEE
    elif set(parts) & (SWIFT_INTEREST_TYPES | OFX_INTEREST | GVC_INTEREST | GVC_CLOSING):
        kind = INTEREST
    if kind == INTEREST and amount < 0:
        return FEE
    if kind == FEE and amount > 0:
        return None  # a fee refunded: the treasurer decides
    return kind
