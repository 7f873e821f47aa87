"""axe-core (from the npm registry, installed by `make test`) on the main pages, in Chromium.

Each page is checked against the WCAG 2.0/2.1/2.2 A and AA rules; a violation of impact
"serious" or "critical" fails the test and is printed with its rule, impact and the elements.
Without node_modules/axe-core the tests skip, which under CI=true is a failure (tests/conftest.py).
"""

import datetime
import pathlib
import re
from decimal import Decimal

import pytest

from governance import services as governance
from payroll import distributing, settlements
from payroll.models import CapitalAccountEntry
from tests.banking.factories_accounts import bank_account
from tests.books.example_books import worked_books
from tests.factories import MemberFactory
from tests.payroll.books import SEPTEMBER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = pathlib.Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
# axe leaves an ARIA reference to a missing id "to review", as a script might add the element
# later; these pages are whole when served, so a dangling aria-describedby is a plain bug.
REVIEW_IS_FAILURE = {"aria-valid-attr-value"}


def axe_violations(page) -> list[dict]:
    """Run axe on the page as it is now; the violations of impact serious or critical."""
    # Measured as styled: after a form's answer, the text can be there before the stylesheet
    # is (an unstyled nav link is 19 px high, which axe's target-size rule refuses).
    page.wait_for_load_state("load")
    # Evaluated through the DevTools protocol: a <script> tag would be refused by the page's
    # Content-Security-Policy, as it should be.
    page.evaluate(AXE.read_text())
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]},
    )
    found = results["violations"] + [
        result for result in results["incomplete"] if result["id"] in REVIEW_IS_FAILURE
    ]
    return [result for result in found if result["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"  - {target}")
            lines.append(f"    {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"  … and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    if violations:
        pytest.fail(f"axe on {page.url}:\n{describe(violations)}", pytrace=False)


@pytest.fixture(autouse=True)
def axe_installed():
    if not AXE.exists():
        pytest.skip(f"needs {AXE.relative_to(AXE.parents[2])}: run `npm ci` (make test does)")


@pytest.fixture
def site(cooperative, treasurer, books, make_proposal):
    """A month of books, a draft distribution and proposals of every ballot form; the viewer
    is the treasurer, who is an admin too, so that every form of the pages is on them."""
    treasurer.is_admin = True
    treasurer.save(update_fields=["is_admin"])
    author = MemberFactory(cooperative=cooperative, is_secretary=True)
    options = ["Django Girls", "Wagtail Space", "PSF grants"]
    terms = {"allow_early_close": False}
    proposals = {
        "choice": make_proposal(author, title="Adopt the four-day week", method="consent", **terms),
        "approval": make_proposal(
            author, title="Conferences we sponsor", method="approval", options=options, **terms
        ),
        "score": make_proposal(
            author, title="Rate the candidates", method="score", options=options, **terms
        ),
        "ranked": make_proposal(
            author, title="The education fund", method="schulze", options=options, **terms
        ),
    }
    closed = make_proposal(author, title="Host on our own servers", method="majority")
    for voter, choice in zip(books, ["agree", "agree", "disagree"], strict=True):
        governance.cast_vote(actor=voter, proposal=closed, ballot={"choice": choice})
    proposals["closed"] = governance.close_proposal(
        proposal=closed, actor=author, now=closed.closes_at
    )
    governance.delegate_vote(actor=books[1], delegate=treasurer)
    distribution = distributing.create_draft(
        actor=treasurer, cooperative=cooperative, month=SEPTEMBER
    )
    account = bank_account(cooperative)
    entry = worked_books(cooperative, books[0], books[1])  # September and October's books
    leaver = MemberFactory(cooperative=cooperative, status="departed", departed_on=SEPTEMBER)
    settlement = settlements.draft_settlement(actor=treasurer, member=leaver)
    for day, kind, amount in [(datetime.date(2026, 3, 31), "adjustment", "120.00"),
                              (datetime.date(2026, 6, 30), "redemption", "-20.00")]:  # fmt: skip
        CapitalAccountEntry.objects.create(
            cooperative=cooperative, member=books[1], kind=kind, amount=Decimal(amount),
            date=day, note="A capital account drawn as a chart",
        )  # fmt: skip
    return {
        "capital_member": books[1].pk,
        "settlement": settlement.pk,
        "slug": cooperative.slug,
        "proposals": proposals,
        "distribution": distribution,
        "bank_account": account.pk,
        "ledger_account": entry.lines.get(amount__gt=0).account_id,  # the surplus
    }


def coop_page(path):
    return lambda site: f"/c/{site['slug']}/{path}"


def proposal_page(which):
    return lambda site: f"/c/{site['slug']}/proposals/{site['proposals'][which].pk}/"


PAGES = {
    "dashboard": coop_page(""),
    "hours-week": coop_page("hours/"),
    "hours-entries": coop_page("hours/entries/"),
    "hours-import": coop_page("hours/import/"),
    "proposal-list": coop_page("proposals/"),
    "proposal-new": coop_page("proposals/new/"),
    "proposal-consent-ballot": proposal_page("choice"),
    "proposal-approval-ballot": proposal_page("approval"),
    "proposal-score-ballot": proposal_page("score"),
    "proposal-ranked-ballot": proposal_page("ranked"),
    "proposal-closed-results": proposal_page("closed"),
    "delegations": coop_page("proposals/delegations/"),
    "money-overview": coop_page(f"money/?month={SEPTEMBER:%Y-%m}"),
    "distribution-detail": lambda site: (
        f"/c/{site['slug']}/money/distributions/{site['distribution'].pk}/"
    ),
    "money-policies": coop_page("money/policies/"),
    "capital-accounts": coop_page("money/capital/"),
    "capital-account": lambda site: f"/c/{site['slug']}/money/capital/{site['capital_member']}/",
    "capital-statement": lambda site: (
        f"/c/{site['slug']}/money/capital/{site['capital_member']}/statements/2026/"
    ),
    "capital-year": coop_page("money/capital/statements/2026/"),
    "share-register": coop_page("money/shares/"),
    "legal-profile": coop_page("law/"),
    "settlements": coop_page("money/settlements/"),
    "settlement-detail": lambda site: f"/c/{site['slug']}/money/settlements/{site['settlement']}/",
    "members": coop_page("members/"),
    "bank-accounts": coop_page("bank/accounts/"),
    "bank-account-new": coop_page("bank/accounts/new/"),
    "bank-account-csv": lambda site: f"/c/{site['slug']}/bank/accounts/{site['bank_account']}/csv/",
    "bank-statements": coop_page("bank/statements/"),
    "bank-statement-upload": coop_page("bank/statements/upload/"),
    "bank-reconciliation": coop_page("bank/reconciliation/"),
    "bank-unmatched": coop_page("bank/unmatched/"),
    "books-balances": coop_page("books/"),
    "books-funds": coop_page("books/funds/?year=2026"),
    "books-journal": coop_page("books/journal/"),
    "books-accounts": coop_page("books/accounts/"),
    "books-ledger": lambda site: (
        f"/c/{site['slug']}/books/accounts/{site['ledger_account']}/?date_after=2026-10-01"
    ),
    "books-trial-balance": coop_page("books/reports/trial-balance/?month=2026-10"),
    "books-balance-sheet": coop_page("books/reports/balance-sheet/?month=2026-10"),
    "books-income-statement": coop_page("books/reports/income-statement/?year=2026"),
    "books-ties": coop_page("books/reports/ties/?month=2026-10"),
    "books-empty-report": coop_page("books/reports/income-statement/?year=2020"),
    "books-exports": coop_page("books/exports/"),
    "api-tokens": lambda site: "/account/tokens/",
    "password-change": lambda site: "/password-change/",
}


def test_the_check_finds_what_it_must(page):
    """The harness itself: axe is injected, the rules run, and a dangling reference counts."""
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Broken</title></head><body><main>'
        '<input type="text" name="unlabelled">'
        '<label for="described">Hours</label><input id="described" aria-describedby="gone">'
        "</main></body></html>"
    )
    found = {violation["id"] for violation in axe_violations(page)}
    assert found == {"label", "aria-valid-attr-value"}


def test_the_login_page(live_server, page):
    page.goto(f"{live_server.url}/login/")
    assert_accessible(page)


def test_the_login_page_with_an_error(live_server, page, member):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail address").fill(member.user.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    page.locator(".errorlist, [role=alert]").first.wait_for()
    assert_accessible(page)


@pytest.mark.parametrize("name", PAGES)
def test_a_main_page(live_server, page, log_in, treasurer, site, name):
    log_in(page, treasurer)
    response = page.goto(live_server.url + PAGES[name](site))
    assert response.ok, f"{name}: {response.status}"
    assert_accessible(page)


@pytest.mark.parametrize(
    ("name", "button"),
    [
        ("proposal-new", "Save draft"),
        ("money-overview", "Record revenue"),
        ("books-exports", "Download"),
    ],
)
def test_a_form_sent_back_with_its_errors(live_server, page, log_in, treasurer, site, name, button):
    """Sent empty, the form comes back with its errors, which must be tied to their fields."""
    log_in(page, treasurer)
    page.goto(live_server.url + PAGES[name](site))
    page.get_by_role("button", name=button, exact=True).click()
    page.locator(".errorlist").first.wait_for()
    assert_accessible(page)


def test_a_ballot_with_its_errors(live_server, page, log_in, treasurer, site):
    """The ballot as it comes back refused: the error messages are checked too."""
    log_in(page, treasurer)
    page.goto(live_server.url + proposal_page("choice")(site))
    page.get_by_label(re.compile(r"^Block")).check()
    page.get_by_role("button", name="Vote", exact=True).click()
    page.get_by_text("A block is a reasoned objection: say why.").wait_for()
    assert_accessible(page)


@pytest.mark.parametrize("language", ["es", "de"])
def test_the_dashboard_in_another_language(live_server, page, log_in, treasurer, site, language):
    log_in(page, treasurer)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(live_server.url + PAGES["dashboard"](site))
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page)


PHONE = {"width": 390, "height": 844}  # an iPhone 12–14, as tests/browser/test_phone_browser.py


@pytest.mark.parametrize("name", PAGES)
def test_a_page_on_a_phone(live_server, page, log_in, treasurer, site, name):
    """Members log hours, vote and read their money on phones: every main page is checked in
    the narrow layout as well, with its menu folded."""
    page.set_viewport_size(PHONE)
    log_in(page, treasurer)
    response = page.goto(live_server.url + PAGES[name](site))
    assert response.ok, f"{name}: {response.status}"
    assert page.get_by_role("button", name="Menu").is_visible()
    assert_accessible(page)


def open_dialog(page, button: str):
    """Press the button that asks first; the confirmation dialog, open."""
    from playwright.sync_api import expect

    page.get_by_role("button", name=button, exact=True).click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    return dialog


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize(
    ("name", "button", "question"),
    [
        ("distribution-detail", "Approve", "locked for good"),
        ("proposal-consent-ballot", "Close voting now and count", "Nobody can vote after this"),
    ],
)
def test_a_confirmation_dialog(
    live_server, page, log_in, treasurer, site, viewport, name, button, question
):
    """What cannot be undone is asked first, in a dialog that is checked open, with the page
    behind it (the dialog of deleting an entry: tests/browser/test_confirm_browser.py)."""
    from playwright.sync_api import expect

    treasurer.is_secretary = True  # who may close voting early
    treasurer.save(update_fields=["is_secretary"])
    if viewport:
        page.set_viewport_size(viewport)
    log_in(page, treasurer)
    page.goto(live_server.url + PAGES[name](site))
    dialog = open_dialog(page, button)
    expect(dialog).to_contain_text(question)
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_mark_paid_dialog(live_server, page, log_in, treasurer, site, viewport):
    from playwright.sync_api import expect

    distributing.approve_distribution(actor=treasurer, distribution=site["distribution"])
    if viewport:
        page.set_viewport_size(viewport)
    log_in(page, treasurer)
    page.goto(live_server.url + PAGES["distribution-detail"](site))
    dialog = open_dialog(page, "Mark as paid")
    expect(dialog).to_contain_text("it cannot be undone")
    assert_accessible(page)
