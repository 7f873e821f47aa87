"""The default charts of accounts a co-op starts from, and the role each account plays.

A money event (an invoice issued, a bank fee, a distribution approved) asks for an account by
its `Role`; a chart gives every role exactly one account, numbered as its standard numbers it.
Pure data and small pure functions: no Django, nothing but the standard library.

Sources, per chart (docs/books.md, "Charts of accounts", has the same with a table per number):

skr03, skr04 - DATEV eG, "Kontenrahmen DATEV SKR 03" and "Kontenrahmen DATEV SKR 04"
(datev.de). DATEV's PDFs themselves were not at hand; every number was read in at least two of:
  Odoo, addons/l10n_de/data/template/account.account-de_skr03.csv and ...-de_skr04.csv
    (github.com/odoo/odoo, commit 05a629cd...);
  ERPNext, erpnext/accounts/doctype/account/chart_of_accounts/verified/
    de_kontenplan_SKR03_with_account_number.json (commit 0b68eba1...)
    and de_kontenplan_SKR04_with_account_number.json (0df0ef42...);
  GnuCash, data/accounts/de_DE/acctchrt_skr03.gnucash-xea (15d3eb48...)
    and acctchrt_skr04.gnucash-xea, "SKR04 2022" (020934c3...);
  9000 (Saldenvorträge, Sachkonten: the counter-account of opening balances, both charts) is
    in ERPNext's SKR04 ("9000 Saldenvorträge, Sachkonten (Eröffnungsbilanz)") and in the full
    SKR03 listings below;
  the SKR03/SKR04 tables of BuchhaltungsButler's help centre (wissen.buchhaltungsbutler.de,
    "Informationen zu Basiskonten", for 0730/3510 and 0755/3519) and a full SKR03 listing in a
    public repository and Dolibarr's llx_accounting_account_de.sql (commit 00a4e179...), for
    0846, 0851, 0860, which Odoo, ERPNext and GnuCash do not ship.
Co-op law: GenG § 7 Nr. 2 (gesetzliche Rücklage), HGB § 337 (Geschäftsguthaben, Ergebnis-
rücklagen in a co-op's balance sheet). VAT: UStG § 12 (19 % / 7 %), § 3a Abs. 2 and § 13b
(EU B2B services: the customer owes the tax).

pgc - Plan General de Contabilidad, Real Decreto 1514/2007, de 16 de noviembre, with the
cooperative adaptation of the Orden EHA/3360/2010, de 21 de diciembre. Numbers read in:
  Dolibarr, htdocs/install/mysql/data/llx_accounting_account_es.sql, "PCG08-PYME"
    (github.com/Dolibarr/dolibarr, commit 13255df4...);
  Odoo, addons/l10n_es/data/template/account.account-es_common.csv (commit 0e317cfd...),
    account.account-es_common_mainland.csv (2ea4800f...) and account.account-es_coop_pymes.csv
    (2548257d...), the Orden's cooperative accounts; 148 was found in Odoo's only.
The Orden makes the Fondo de Educación, Formación y Promoción a liability (148 long term,
5298 short term) and renames the PGC's 112/113 to the co-op funds. The PGC has no opening-
balance clearing account (its asiento de apertura books against the real accounts): a bank
balance from before the books whose origin Cooperage does not know is taken as result of
earlier years not yet applied, 120 Remanente (subgrupo 12, "Resultados pendientes de
aplicación"; in Dolibarr's PCG08-PYME and Odoo l10n_es alike).
Interest on members' capital (capital_interest): 6647 of the Orden ("Intereses y retorno
obligatorio de las aportaciones al capital cooperativo ... con características de deuda"), read
in Odoo's account.account-es_coop_pymes.csv (commit 2548257d...); SKR03 2100 and SKR04 7300
"Zinsen und ähnliche Aufwendungen" (HGB § 275 Abs. 2 Nr. 13), the accounts the Satzung's
interest on Geschäftsguthaben (GenG § 21a) is booked to.

us - there is no statutory US chart of accounts. A conventional small-business numbering
(1000 cash, 1100 receivables, 2000 payables, 3000 equity, 4000 revenue, 6000 expenses,
7000 other income; 3950 "Opening balance equity", the account QuickBooks and most US small-
business charts book opening balances against), with co-op equity as US co-ops report it:
allocated and unallocated members' equity, patronage dividends payable (26 U.S.C.
§§ 1381-1388, Subchapter T; § 1388 defines the patronage dividend).

generic - a neutral English chart with the same shape as the US one, VAT in place of sales tax.
"""

from dataclasses import dataclass
from enum import StrEnum


class AccountType(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    INCOME = "income"
    EXPENSE = "expense"


class Role(StrEnum):
    """What a money event needs an account for."""

    BANK = "bank"  # asset: the co-op's bank account
    RECEIVABLES = "receivables"  # asset: clients' open invoices (trade receivables)
    VAT_STANDARD = "vat_standard"  # liability: output VAT at the standard rate
    VAT_REDUCED = "vat_reduced"  # liability: output VAT at the reduced rate
    REVENUE_STANDARD = "revenue_standard"  # income: services at the standard VAT rate
    REVENUE_REDUCED = "revenue_reduced"  # income: at the reduced rate
    REVENUE_TAX_FREE = "revenue_tax_free"  # income: zero-rated, exempt, export
    REVENUE_REVERSE_CHARGE = "revenue_reverse_charge"  # income: EU B2B services, reverse charge
    OTHER_REVENUE = "other_revenue"  # income: revenue recorded by hand (no invoice)
    EXPENSES = "expenses"  # expense: general operating expenses
    BANK_FEES = "bank_fees"  # expense: bank charges
    INTEREST_INCOME = "interest_income"  # income: interest the bank pays
    CLAIMS_PAYABLE = "claims_payable"  # liability: members' approved expense claims to pay back
    SURPLUS = "surplus"  # equity: the result to distribute (profit/loss brought forward)
    RESERVE_FUND = "reserve_fund"  # equity: statutory/legal reserve
    EDUCATION_FUND = "education_fund"  # equity or liability, per the jurisdiction
    COMMONS_PAYABLE = "commons_payable"  # liability: the commons' share, payable
    MEMBERS_PAYABLE = "members_payable"  # liability: members' cash shares to pay out
    MEMBERS_CAPITAL = "members_capital"  # equity: members' individual capital accounts
    COLLECTIVE_CAPITAL = "collective_capital"  # equity: unallocated collective capital
    # What a distribution debits for the education fund's share: the surplus account, except
    # in Spain, where the endowment is an expense of the year (PGC 657, Orden EHA/3360/2010).
    EDUCATION_ALLOCATION = "education_allocation"
    # expense: interest credited to members' capital accounts (payroll.capital_interest)
    CAPITAL_INTEREST = "capital_interest"
    # equity: what a bank account held before the books began (its opening balance), until the
    # treasurer books where it came from (DATEV's Saldenvorträge, QuickBooks's "Opening
    # balance equity").
    OPENING_BALANCE_EQUITY = "opening_balance_equity"


T, R = AccountType, Role  # short names for the tables below

# The types an account may have to play a role. The education fund is equity in Germany and
# the US, and a liability in Spain's cooperative PGC (Orden EHA/3360/2010, accounts 148/5298).
ROLE_TYPES: dict[Role, frozenset[AccountType]] = {
    role: frozenset({type_})
    for type_, roles in (
        (T.ASSET, (R.BANK, R.RECEIVABLES)),
        (T.LIABILITY, (R.VAT_STANDARD, R.VAT_REDUCED, R.CLAIMS_PAYABLE, R.COMMONS_PAYABLE)),
        (T.LIABILITY, (R.MEMBERS_PAYABLE,)),
        (T.EQUITY, (R.SURPLUS, R.RESERVE_FUND, R.MEMBERS_CAPITAL, R.COLLECTIVE_CAPITAL)),
        (T.EQUITY, (R.OPENING_BALANCE_EQUITY,)),
        (T.INCOME, (R.REVENUE_STANDARD, R.REVENUE_REDUCED, R.REVENUE_TAX_FREE, R.OTHER_REVENUE)),
        (T.INCOME, (R.REVENUE_REVERSE_CHARGE, R.INTEREST_INCOME)),
        (T.EXPENSE, (R.EXPENSES, R.BANK_FEES, R.CAPITAL_INTEREST)),
    )
    for role in roles
} | {
    R.EDUCATION_FUND: frozenset({T.EQUITY, T.LIABILITY}),
    R.EDUCATION_ALLOCATION: frozenset({T.EQUITY, T.EXPENSE}),
}


@dataclass(frozen=True)
class ChartAccount:
    number: str  # as the standard writes it ("1200", "0730", "572")
    name: str  # in the standard's own language
    type: AccountType
    roles: tuple[Role, ...] = ()  # the roles this account plays by default


@dataclass(frozen=True)
class Chart:
    key: str  # "generic", "skr03", "skr04", "pgc", "us"
    name: str
    country: str  # ISO 3166 alpha-2, "" for the generic chart
    accounts: tuple[ChartAccount, ...]
    source: str  # the primary source (title, edition, where to find it)


def _a(number: str, name: str, type_: AccountType, *roles: Role) -> ChartAccount:
    return ChartAccount(number, name, type_, roles)


SKR03 = Chart(
    key="skr03",
    name="SKR03 (DATEV)",
    country="DE",
    source=(
        "DATEV eG, Kontenrahmen DATEV SKR 03 (Prozessgliederungsprinzip), datev.de; numbers "
        "cross-checked in Odoo l10n_de, ERPNext and GnuCash (see docs/books.md)"
    ),
    accounts=(
        _a("0730", "Verbindlichkeiten gegenüber Gesellschaftern", T.LIABILITY, R.CLAIMS_PAYABLE),
        _a(
            "0755",
            "Verbindlichkeiten gegenüber Gesellschaftern für offene Ausschüttungen",
            T.LIABILITY,
            R.MEMBERS_PAYABLE,
        ),
        _a("0810", "Geschäftsguthaben der verbleibenden Mitglieder", T.EQUITY, R.MEMBERS_CAPITAL),
        _a("0846", "Gesetzliche Rücklage", T.EQUITY, R.RESERVE_FUND),
        _a("0851", "Satzungsmäßige Rücklagen", T.EQUITY, R.EDUCATION_FUND),
        _a("0852", "Andere Ergebnisrücklagen", T.EQUITY, R.COLLECTIVE_CAPITAL),
        _a("0860", "Gewinnvortrag vor Verwendung", T.EQUITY, R.SURPLUS, R.EDUCATION_ALLOCATION),
        _a("1000", "Kasse", T.ASSET),
        _a("1200", "Bank", T.ASSET, R.BANK),
        _a("1400", "Forderungen aus Lieferungen und Leistungen", T.ASSET, R.RECEIVABLES),
        _a("1571", "Abziehbare Vorsteuer 7 %", T.ASSET),
        _a("1576", "Abziehbare Vorsteuer 19 %", T.ASSET),
        _a("1600", "Verbindlichkeiten aus Lieferungen und Leistungen", T.LIABILITY),
        _a("1700", "Sonstige Verbindlichkeiten", T.LIABILITY, R.COMMONS_PAYABLE),
        _a("1771", "Umsatzsteuer 7 %", T.LIABILITY, R.VAT_REDUCED),
        _a("1776", "Umsatzsteuer 19 %", T.LIABILITY, R.VAT_STANDARD),
        _a("2100", "Zinsen und ähnliche Aufwendungen", T.EXPENSE, R.CAPITAL_INTEREST),
        _a("2650", "Sonstige Zinsen und ähnliche Erträge", T.INCOME, R.INTEREST_INCOME),
        _a("4900", "Sonstige betriebliche Aufwendungen", T.EXPENSE, R.EXPENSES),
        _a("4970", "Nebenkosten des Geldverkehrs", T.EXPENSE, R.BANK_FEES),
        _a("8100", "Steuerfreie Umsätze § 4 Nr. 8 ff. UStG", T.INCOME, R.REVENUE_TAX_FREE),
        _a("8200", "Erlöse", T.INCOME, R.OTHER_REVENUE),
        _a("8300", "Erlöse 7 % USt", T.INCOME, R.REVENUE_REDUCED),
        _a(
            "8336",
            "Erlöse aus im anderen EU-Land steuerpflichtigen sonstigen Leistungen, "
            "für die der Leistungsempfänger die Umsatzsteuer schuldet",
            T.INCOME,
            R.REVENUE_REVERSE_CHARGE,
        ),
        _a(
            "8338",
            "Erlöse aus im Drittland steuerbaren Leistungen, im Inland nicht steuerbare Umsätze",
            T.INCOME,
        ),
        _a("8400", "Erlöse 19 % USt", T.INCOME, R.REVENUE_STANDARD),
        _a("9000", "Saldenvorträge, Sachkonten", T.EQUITY, R.OPENING_BALANCE_EQUITY),
    ),
)

SKR04 = Chart(
    key="skr04",
    name="SKR04 (DATEV)",
    country="DE",
    source=(
        "DATEV eG, Kontenrahmen DATEV SKR 04 (Abschlussgliederungsprinzip), datev.de; numbers "
        "cross-checked in Odoo l10n_de, ERPNext and GnuCash (see docs/books.md)"
    ),
    accounts=(
        _a("1200", "Forderungen aus Lieferungen und Leistungen", T.ASSET, R.RECEIVABLES),
        _a("1401", "Abziehbare Vorsteuer 7 %", T.ASSET),
        _a("1406", "Abziehbare Vorsteuer 19 %", T.ASSET),
        _a("1600", "Kasse", T.ASSET),
        _a("1800", "Bank", T.ASSET, R.BANK),
        _a("2901", "Geschäftsguthaben der verbleibenden Mitglieder", T.EQUITY, R.MEMBERS_CAPITAL),
        _a("2930", "Gesetzliche Rücklage", T.EQUITY, R.RESERVE_FUND),
        _a("2937", "Andere Ergebnisrücklagen", T.EQUITY, R.COLLECTIVE_CAPITAL),
        _a("2950", "Satzungsmäßige Rücklagen", T.EQUITY, R.EDUCATION_FUND),
        _a("2970", "Gewinnvortrag vor Verwendung", T.EQUITY, R.SURPLUS, R.EDUCATION_ALLOCATION),
        _a("3300", "Verbindlichkeiten aus Lieferungen und Leistungen", T.LIABILITY),
        _a("3500", "Sonstige Verbindlichkeiten", T.LIABILITY, R.COMMONS_PAYABLE),
        _a("3510", "Verbindlichkeiten gegenüber Gesellschaftern", T.LIABILITY, R.CLAIMS_PAYABLE),
        _a(
            "3519",
            "Verbindlichkeiten gegenüber Gesellschaftern für offene Ausschüttungen",
            T.LIABILITY,
            R.MEMBERS_PAYABLE,
        ),
        _a("3801", "Umsatzsteuer 7 %", T.LIABILITY, R.VAT_REDUCED),
        _a("3806", "Umsatzsteuer 19 %", T.LIABILITY, R.VAT_STANDARD),
        _a("4100", "Steuerfreie Umsätze § 4 Nr. 8 ff. UStG", T.INCOME, R.REVENUE_TAX_FREE),
        _a("4200", "Erlöse", T.INCOME, R.OTHER_REVENUE),
        _a("4300", "Erlöse 7 % USt", T.INCOME, R.REVENUE_REDUCED),
        _a(
            "4336",
            "Erlöse aus im anderen EU-Land steuerpflichtigen sonstigen Leistungen, "
            "für die der Leistungsempfänger die Umsatzsteuer schuldet",
            T.INCOME,
            R.REVENUE_REVERSE_CHARGE,
        ),
        _a(
            "4338",
            "Erlöse aus im Drittland steuerbaren Leistungen, im Inland nicht steuerbare Umsätze",
            T.INCOME,
        ),
        _a("4400", "Erlöse 19 % USt", T.INCOME, R.REVENUE_STANDARD),
        _a("6300", "Sonstige betriebliche Aufwendungen", T.EXPENSE, R.EXPENSES),
        _a("6855", "Nebenkosten des Geldverkehrs", T.EXPENSE, R.BANK_FEES),
        _a("7100", "Sonstige Zinsen und ähnliche Erträge", T.INCOME, R.INTEREST_INCOME),
        _a("7300", "Zinsen und ähnliche Aufwendungen", T.EXPENSE, R.CAPITAL_INTEREST),
        _a("9000", "Saldenvorträge, Sachkonten", T.EQUITY, R.OPENING_BALANCE_EQUITY),
    ),
)

_INVOICED_REVENUE = (
    R.REVENUE_STANDARD,
    R.REVENUE_REDUCED,
    R.REVENUE_TAX_FREE,
    R.REVENUE_REVERSE_CHARGE,
)

# The PGC keeps output VAT in one account (477) and services in one (705) whatever the rate:
# the rate split lives in the VAT records, so one account plays all four revenue roles.
PGC = Chart(
    key="pgc",
    name="PGC (RD 1514/2007), cooperativas (Orden EHA/3360/2010)",
    country="ES",
    source=(
        "Plan General de Contabilidad, Real Decreto 1514/2007, de 16 de noviembre, with the "
        "Orden EHA/3360/2010, de 21 de diciembre, on the accounting of cooperatives; numbers "
        "cross-checked in Dolibarr and Odoo l10n_es (see docs/books.md)"
    ),
    accounts=(
        _a("100", "Capital social", T.EQUITY, R.MEMBERS_CAPITAL),
        _a("112", "Fondo de reserva obligatorio", T.EQUITY, R.RESERVE_FUND),
        _a("113", "Fondo de reserva voluntario", T.EQUITY, R.COLLECTIVE_CAPITAL),
        _a("120", "Remanente", T.EQUITY, R.OPENING_BALANCE_EQUITY),
        _a("129", "Resultado del ejercicio", T.EQUITY, R.SURPLUS),
        _a(
            "148",
            "Fondo de Educación, Formación y Promoción a largo plazo",
            T.LIABILITY,
            R.EDUCATION_FUND,
        ),
        _a("400", "Proveedores", T.LIABILITY),
        _a("410", "Acreedores por prestaciones de servicios", T.LIABILITY, R.COMMONS_PAYABLE),
        _a("430", "Clientes", T.ASSET, R.RECEIVABLES),
        _a("472", "Hacienda Pública, IVA soportado", T.ASSET),
        _a(
            "477",
            "Hacienda Pública, IVA repercutido",
            T.LIABILITY,
            R.VAT_STANDARD,
            R.VAT_REDUCED,
        ),
        _a(
            "526",
            "Retorno cooperativo y remuneración discrecional a pagar a corto plazo",
            T.LIABILITY,
            R.MEMBERS_PAYABLE,
        ),
        _a("551", "Cuenta corriente con socios y administradores", T.LIABILITY, R.CLAIMS_PAYABLE),
        _a("570", "Caja, euros", T.ASSET),
        _a("572", "Bancos e instituciones de crédito c/c vista, euros", T.ASSET, R.BANK),
        _a("626", "Servicios bancarios y similares", T.EXPENSE, R.BANK_FEES),
        _a("629", "Otros servicios", T.EXPENSE, R.EXPENSES),
        _a(
            "657",
            "Dotación al fondo de educación, formación y promoción",
            T.EXPENSE,
            R.EDUCATION_ALLOCATION,
        ),
        _a(
            "6647",
            "Intereses y retorno obligatorio de las aportaciones al capital cooperativo y de "
            "otros fondos calificados con características de deuda",
            T.EXPENSE,
            R.CAPITAL_INTEREST,
        ),
        _a("705", "Prestaciones de servicios", T.INCOME, *_INVOICED_REVENUE),
        _a("759", "Ingresos por servicios diversos", T.INCOME, R.OTHER_REVENUE),
        _a("769", "Otros ingresos financieros", T.INCOME, R.INTEREST_INCOME),
    ),
)

US = Chart(
    key="us",
    name="US small-business chart (conventional)",
    country="US",
    source=(
        "No statutory US chart of accounts exists: a conventional small-business numbering "
        "(1000 cash, 1100 receivables, 2000 payables, 3000 equity, 4000 revenue, 6000 expenses, "
        "7000 other income), with co-op equity as US co-ops report it (allocated and unallocated "
        "members' equity; patronage dividends, 26 U.S.C. §§ 1381-1388, Subchapter T)"
    ),
    accounts=(
        _a("1000", "Cash on hand", T.ASSET),
        _a("1010", "Checking account", T.ASSET, R.BANK),
        _a("1100", "Accounts receivable", T.ASSET, R.RECEIVABLES),
        _a("2000", "Accounts payable", T.LIABILITY),
        _a("2100", "Member expense reimbursements payable", T.LIABILITY, R.CLAIMS_PAYABLE),
        _a("2200", "Sales tax payable", T.LIABILITY, R.VAT_STANDARD, R.VAT_REDUCED),
        _a("2300", "Patronage dividends payable", T.LIABILITY, R.MEMBERS_PAYABLE),
        _a("2400", "Commons contribution payable", T.LIABILITY, R.COMMONS_PAYABLE),
        _a("3000", "Members' equity, allocated", T.EQUITY, R.MEMBERS_CAPITAL),
        _a("3100", "Members' equity, unallocated", T.EQUITY, R.COLLECTIVE_CAPITAL),
        _a("3200", "Reserve fund", T.EQUITY, R.RESERVE_FUND),
        _a("3300", "Education fund", T.EQUITY, R.EDUCATION_FUND),
        _a("3900", "Net margin to allocate", T.EQUITY, R.SURPLUS, R.EDUCATION_ALLOCATION),
        _a("3950", "Opening balance equity", T.EQUITY, R.OPENING_BALANCE_EQUITY),
        _a("4000", "Service revenue", T.INCOME, R.REVENUE_STANDARD, R.REVENUE_REDUCED),
        _a("4100", "Service revenue, non-taxable", T.INCOME, R.REVENUE_TAX_FREE),
        _a("4200", "Service revenue, foreign clients", T.INCOME, R.REVENUE_REVERSE_CHARGE),
        _a("4900", "Other revenue", T.INCOME, R.OTHER_REVENUE),
        _a("6000", "Operating expenses", T.EXPENSE, R.EXPENSES),
        _a("6100", "Bank service charges", T.EXPENSE, R.BANK_FEES),
        _a("6200", "Interest on members' equity", T.EXPENSE, R.CAPITAL_INTEREST),
        _a("7100", "Interest income", T.INCOME, R.INTEREST_INCOME),
    ),
)

GENERIC = Chart(
    key="generic",
    name="Generic (neutral English)",
    country="",
    source=(
        "Cooperage's neutral chart: the shape of the US chart (1000 assets, 2000 liabilities, "
        "3000 equity, 4000 revenue, 6000 expenses, 7000 other income), VAT in place of sales tax; "
        "no standard behind it, renumber it to the co-op's own"
    ),
    accounts=(
        _a("1000", "Cash", T.ASSET),
        _a("1010", "Bank account", T.ASSET, R.BANK),
        _a("1100", "Accounts receivable", T.ASSET, R.RECEIVABLES),
        _a("1200", "Input VAT", T.ASSET),
        _a("2000", "Accounts payable", T.LIABILITY),
        _a("2100", "Expense claims payable", T.LIABILITY, R.CLAIMS_PAYABLE),
        _a("2200", "Output VAT, standard rate", T.LIABILITY, R.VAT_STANDARD),
        _a("2210", "Output VAT, reduced rate", T.LIABILITY, R.VAT_REDUCED),
        _a("2300", "Members' distributions payable", T.LIABILITY, R.MEMBERS_PAYABLE),
        _a("2400", "Commons share payable", T.LIABILITY, R.COMMONS_PAYABLE),
        _a("3000", "Members' capital", T.EQUITY, R.MEMBERS_CAPITAL),
        _a("3100", "Collective capital, unallocated", T.EQUITY, R.COLLECTIVE_CAPITAL),
        _a("3200", "Reserve fund", T.EQUITY, R.RESERVE_FUND),
        _a("3300", "Education fund", T.EQUITY, R.EDUCATION_FUND),
        _a("3900", "Surplus to distribute", T.EQUITY, R.SURPLUS, R.EDUCATION_ALLOCATION),
        _a("3950", "Opening balance equity", T.EQUITY, R.OPENING_BALANCE_EQUITY),
        _a("4000", "Revenue, standard VAT rate", T.INCOME, R.REVENUE_STANDARD),
        _a("4010", "Revenue, reduced VAT rate", T.INCOME, R.REVENUE_REDUCED),
        _a("4020", "Revenue, zero-rated, exempt or export", T.INCOME, R.REVENUE_TAX_FREE),
        _a("4030", "Revenue, reverse charge (EU B2B services)", T.INCOME, R.REVENUE_REVERSE_CHARGE),
        _a("4900", "Other revenue", T.INCOME, R.OTHER_REVENUE),
        _a("6000", "Operating expenses", T.EXPENSE, R.EXPENSES),
        _a("6100", "Bank charges", T.EXPENSE, R.BANK_FEES),
        _a("6200", "Interest on members' capital", T.EXPENSE, R.CAPITAL_INTEREST),
        _a("7100", "Interest income", T.INCOME, R.INTEREST_INCOME),
    ),
)

CHARTS: dict[str, Chart] = {c.key: c for c in (GENERIC, SKR03, SKR04, PGC, US)}

# The chart a co-op of each country starts from; SKR03 is the more common DATEV chart for
# small firms and the treasurer can switch a German co-op to SKR04.
DEFAULT_CHART_BY_COUNTRY: dict[str, str] = {"DE": "skr03", "ES": "pgc", "US": "us"}


def chart(key: str) -> Chart:
    """The chart with this key; `LookupError` naming the known keys otherwise."""
    try:
        return CHARTS[key]
    except KeyError:
        raise LookupError(f"no chart of accounts {key!r}; known: {', '.join(CHARTS)}") from None


def default_chart_for(country: str) -> Chart:
    """The default chart for an ISO 3166 country code (DE, ES, US); the generic one otherwise."""
    return CHARTS[DEFAULT_CHART_BY_COUNTRY.get(country.strip().upper(), "generic")]


def account_for(chart: Chart, role: Role) -> ChartAccount:
    """The one account of `chart` that plays `role`; `LookupError` if none or several do."""
    found = [account for account in chart.accounts if role in account.roles]
    if len(found) != 1:
        numbers = ", ".join(account.number for account in found) or "none"
        raise LookupError(f"chart {chart.key!r} has {numbers} for role {role.value!r}, not one")
    return found[0]


def type_fits(role: Role, type_: AccountType) -> bool:
    """Whether an account of this type may play the role (a BANK account is an asset)."""
    return type_ in ROLE_TYPES[role]
