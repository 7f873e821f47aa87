"""The legal profiles a co-op chooses from: the law of its country, and the minimums it sets.

A profile names the law a co-op is registered under and the least that law lets a distribution
policy give: a share of the surplus to a fund, or a share of each member's part paid in money.
Where the law leaves the figure to the bylaws (Germany's legal reserve), the profile names the
bylaws setting that holds it instead of a constant. Adopting a policy below a minimum is
refused, citing the rule (payroll/legal.py); docs/capital.md gives the primary sources.

Add a country by adding a `LegalProfile` to `PROFILES`: the code is stored on the co-op
(`Cooperative.legal_profile`), so a code, once used, is never renamed.
"""

from dataclasses import dataclass
from decimal import Decimal

from coop.texts import gettext_noop

# The terms of a distribution policy a minimum may bind (payroll's DistributionPolicy fields),
# as the page that explains a profile names them.
POLICY_TERMS = {
    "reserve_pct": gettext_noop("Collective reserve, as a share of the surplus"),
    "education_pct": gettext_noop("Education fund, as a share of the surplus"),
    "cash_pct": gettext_noop("Paid in cash, as a share of each member's part"),
}


@dataclass(frozen=True)
class Minimum:
    """The least share the law gives a policy term, with the rule that says so.

    `rule` is an English template marked for translation, with `%(least)s` for the minimum and
    `%(given)s` for what a policy gives; `citation` is the law's own words for where it says so,
    never translated."""

    term: str
    least: Decimal
    citation: str
    rule: str


@dataclass(frozen=True)
class BylawsMinimum:
    """A minimum the law requires but leaves to the bylaws: the bylaws setting `setting` holds
    it (a fraction written as text, or null while the bylaws set none)."""

    term: str
    setting: str
    citation: str
    rule: str


@dataclass(frozen=True)
class LegalProfile:
    code: str
    name: str  # marked for translation
    country: str  # ISO 3166-1 alpha-2, or "" for none
    law: str  # the law itself, as it is cited
    source: str  # where to read it: the official publication
    summary: str  # marked for translation: what the profile checks, in a sentence or two
    minimums: tuple[Minimum, ...] = ()
    bylaws_minimums: tuple[BylawsMinimum, ...] = ()

    @property
    def checks_anything(self) -> bool:
        return bool(self.minimums or self.bylaws_minimums)


GENERIC = LegalProfile(
    code="generic",
    name=gettext_noop("Generic (no country's law)"),
    country="",
    law="",
    source="",
    summary=gettext_noop(
        "No country's law is checked: the policy's shares are whatever the co-op decides."
    ),
)

SPAIN = LegalProfile(
    code="es",
    name=gettext_noop("Spain (Ley 27/1999 de Cooperativas)"),
    country="ES",
    law="Ley 27/1999, de 16 de julio, de Cooperativas",
    source="https://www.boe.es/buscar/act.php?id=BOE-A-1999-15681",
    summary=gettext_noop(
        "The state law on co-operatives: of the co-operative surplus, at least 20% goes to the "
        "obligatory reserve fund (art. 55) and at least 5% to the education and promotion fund "
        "(art. 56), as art. 58.1 says. A co-op under a regional law checks that law's own "
        "figures with its bylaws."
    ),
    minimums=(
        Minimum(
            term="reserve_pct",
            least=Decimal("0.20"),
            citation="Ley 27/1999, art. 58.1",
            rule=gettext_noop(
                "the obligatory reserve fund takes at least %(least)s of the surplus; this "
                "policy gives %(given)s"
            ),
        ),
        Minimum(
            term="education_pct",
            least=Decimal("0.05"),
            citation="Ley 27/1999, art. 58.1",
            rule=gettext_noop(
                "the education and promotion fund takes at least %(least)s of the surplus; this "
                "policy gives %(given)s"
            ),
        ),
    ),
)

GERMANY = LegalProfile(
    code="de",
    name=gettext_noop("Germany (Genossenschaftsgesetz)"),
    country="DE",
    law="Genossenschaftsgesetz (GenG)",
    source="https://www.gesetze-im-internet.de/geng/__7.html",
    summary=gettext_noop(
        "The law sets no percentage: the statutes must say which part of the annual surplus "
        "goes to the legal reserve (GenG §7 Nr. 2). Write that part in the bylaws setting "
        "statutory_reserve_pct; a policy that gives the reserve less is refused."
    ),
    bylaws_minimums=(
        BylawsMinimum(
            term="reserve_pct",
            setting="statutory_reserve_pct",
            citation="GenG §7 Nr. 2",
            rule=gettext_noop(
                "the statutes put at least %(least)s of the surplus in the legal reserve; this "
                "policy gives %(given)s"
            ),
        ),
    ),
)

UNITED_STATES = LegalProfile(
    code="us",
    name=gettext_noop("United States (Internal Revenue Code, Subchapter T)"),
    country="US",
    law="26 U.S.C. Subchapter T (§§1381–1388)",
    source="https://www.law.cornell.edu/uscode/text/26/1388",
    summary=gettext_noop(
        "A written notice of allocation is qualified (deductible by the co-op, taxed to the "
        "member) only when at least 20% of the patronage dividend it is part of is paid in "
        "money or by qualified check (26 U.S.C. §1388(c)(1)). The policy's cash share is "
        "checked against it."
    ),
    minimums=(
        Minimum(
            term="cash_pct",
            least=Decimal("0.20"),
            citation="26 U.S.C. §1388(c)(1)",
            rule=gettext_noop(
                "at least %(least)s of each patronage dividend is paid in money or by "
                "qualified check; this policy pays %(given)s"
            ),
        ),
    ),
)

PROFILES: dict[str, LegalProfile] = {
    profile.code: profile for profile in (GENERIC, SPAIN, GERMANY, UNITED_STATES)
}
DEFAULT_PROFILE = GENERIC.code
# For a model field's choices: the code and the (untranslated) name.
CHOICES: list[tuple[str, str]] = [(code, profile.name) for code, profile in PROFILES.items()]


def profile_of(code: str) -> LegalProfile:
    """The profile of that code; an unknown code (a profile removed) checks nothing."""
    return PROFILES.get(code, GENERIC)
