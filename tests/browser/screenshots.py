"""Save the README's screenshots: the demo co-op as its treasurer sees it, in Chromium.

    .venv/bin/python tests/browser/screenshots.py docs/screenshots   (what `make screenshots` runs)

The demo co-op (`manage.py demo`) is loaded into a throwaway SQLite database in a temporary
folder, served by Django's live-server thread, and photographed at 1280×900: the dashboard
(dashboard.png), the proposal in voting (proposal.png) and the latest distribution
(distribution.png). Nothing outside the temporary folder and the output folder is touched.
Not a test: pytest collects only test_*.py.
"""

import argparse
import os
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1280, "height": 900}
TREASURER = "bruno@example.coop"  # the demo's treasurer (coop/management/commands/demo.py)
PROPOSAL_IN_VOTING = "Where our education fund goes this year"  # governance/demo.py


def configure(workdir: pathlib.Path) -> None:
    """Point Django at the throwaway database and media folder, with tasks run in-process."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="cooperage.settings",
        COOP_ENV="development",
        DATABASE_URL=f"sqlite:///{workdir / 'screenshots.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        CELERY_BROKER_URL="",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        # Playwright's sync API runs an event loop in this thread; the ORM reads below happen
        # before the browser drives the pages, never during.
        DJANGO_ALLOW_ASYNC_UNSAFE="true",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load_demo() -> dict[str, tuple[str, str | None]]:
    """Migrate, load the demo co-op; the pages to photograph: path, and what to scroll to."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("demo", quiet=True)

    from coop.management.commands.demo import DEMO_SLUG
    from governance.models import Proposal
    from payroll.models import Distribution

    proposal = Proposal.objects.get(cooperative__slug=DEMO_SLUG, title=PROPOSAL_IN_VOTING)
    distribution = Distribution.objects.filter(cooperative__slug=DEMO_SLUG).latest("month")
    return {
        "dashboard": (f"/c/{DEMO_SLUG}/", None),
        # The top of a proposal in voting: its title, its terms, the turnout.
        "proposal": (f"/c/{DEMO_SLUG}/proposals/{proposal.pk}/", None),
        "distribution": (f"/c/{DEMO_SLUG}/money/distributions/{distribution.pk}/", None),
    }


def start_server():
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    server = LiveServerThread("localhost", StaticFilesHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server


def photograph(
    base_url: str, pages: dict[str, tuple[str, str | None]], out: pathlib.Path
) -> list[pathlib.Path]:
    from playwright.sync_api import sync_playwright

    from coop.management.commands.demo import DEMO_PASSWORD

    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(30000)
        page.goto(f"{base_url}/login/")
        page.get_by_label("E-mail address").fill(TREASURER)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{base_url}/c/**")
        for name, (path, scroll_to) in pages.items():
            response = page.goto(base_url + path)
            if response is None or not response.ok:
                raise SystemExit(f"{path} answered {response and response.status}")
            page.wait_for_load_state("networkidle")  # htmx panels and fonts
            if scroll_to:
                # The element near the bottom of the window, with the page above it in view.
                page.locator(scroll_to).first.evaluate(
                    "element => window.scrollTo(0, element.getBoundingClientRect().bottom"
                    " + window.scrollY - window.innerHeight + 24)"
                )
            target = out / f"{name}.png"
            page.screenshot(path=str(target), animations="disabled", caret="hide")
            saved.append(target)
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "screenshots"))
    out = pathlib.Path(parser.parse_args().out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cooperage-screenshots-") as workdir:
        configure(pathlib.Path(workdir))
        pages = load_demo()
        server = start_server()
        try:
            saved = photograph(f"http://localhost:{server.port}", pages, out)
        finally:
            server.terminate()
    for path in saved:
        print(f"saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
