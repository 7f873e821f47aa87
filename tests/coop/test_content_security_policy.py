"""The Content-Security-Policy header: on the pages and the Swagger page, with nothing inline
for it to block (scripts and styles are files; htmx runs without eval)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.factories import ProjectFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ("coop", "governance", "payroll", "api")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\son[a-z]+=\"", re.I)
EVAL = re.compile(r"hx-(vals|vars)=['\"]\s*(js|javascript):|hx-on", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def assert_strict(response) -> None:
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    everything = " ".join(" ".join(sources) for sources in directives.values())
    assert "unsafe-inline" not in everything and "unsafe-eval" not in everything


def assert_nothing_inline(html: str) -> None:
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html), INLINE_STYLE.search(html)
    assert not EVAL.search(html), EVAL.search(html)


@pytest.mark.django_db
class TestHeader:
    def test_the_login_page(self, client):
        response = client.get("/login/")
        assert response.status_code == 200
        assert_strict(response)
        assert_nothing_inline(response.content.decode())

    def test_the_week_grid_with_htmx(self, client, member):
        ProjectFactory(client__cooperative=member.cooperative)
        client.force_login(member.user)
        response = client.get(f"/c/{member.cooperative.slug}/hours/")
        assert response.status_code == 200
        assert_strict(response)
        page = response.content.decode()
        assert "htmx.min.js" in page and "data-cell" in page
        assert '"allowEval": false' in page and '"includeIndicatorStyles": false' in page
        assert_nothing_inline(page)

    def test_the_swagger_page_loads_only_local_files(self, client):
        response = client.get("/api/v1/docs/")
        assert response.status_code == 200
        assert_strict(response)
        page = response.content.decode()
        assert_nothing_inline(page)
        sources = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert sources and all(source.startswith("/") for source in sources), sources
        script = client.get("/api/v1/docs/?script=")
        assert script.status_code == 200
        assert "javascript" in script["Content-Type"]
        assert "SwaggerUIBundle" in script.content.decode()
        static = "/" + settings.STATIC_URL.lstrip("/")
        for source in sources:
            if source.startswith(static):  # served by this site (whitenoise, in production)
                assert finders.find(source.removeprefix(static).split("?")[0]), source

    def test_the_api_answers_carry_it_too(self, api, member):
        api.force_authenticate(member.user)
        assert_strict(api.get("/api/v1/coops/"))


@pytest.mark.parametrize(
    "template",
    sorted(
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app / "templates").rglob("*.html")
    ),
)
def test_no_template_has_an_inline_script_style_or_handler(template):
    """Inline code would be blocked by the policy: it belongs in a static file."""
    source = (ROOT / template).read_text()
    assert_nothing_inline(source)


def test_the_walk_finds_the_templates():
    assert len(list((ROOT / "coop" / "templates").rglob("*.html"))) > 10
