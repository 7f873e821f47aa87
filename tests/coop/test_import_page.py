"""The import page: what it tells whom, its counts in words, and Import after a dry run
without choosing the file again."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coop.hours import kept_imports
from coop.models import TimeEntry
from tests.factories import ClientFactory, MemberFactory, ProjectFactory
from tests.web import signed_in

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 9)
HEADER = "User,Email,Client,Project,Description,Start date,Start time,Duration\n"


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(TODAY)
    return clock


@pytest.fixture
def project(cooperative):
    return ProjectFactory(
        client=ClientFactory(cooperative=cooperative, name="Municipality of Rosario"),
        name="Open data portal",
    )


def export(member, days=(1,), client="Municipality of Rosario") -> SimpleUploadedFile:
    rows = "".join(
        f"Ana,{member.user.email},{client},Open data portal,Work,2026-12-{day:02d},09:00:00,"
        "01:00:00\n"
        for day in days
    )
    return SimpleUploadedFile("toggl.csv", (HEADER + rows).encode(), "text/csv")


def page_url(member):
    return reverse("hours-import", args=[member.cooperative.slug])


def reasons(html: str) -> list[str]:
    return re.findall(r'<tr><td class="num">\d+</td><td>([^<]*)</td></tr>', html)


def kept_token(html: str) -> str:
    found = re.search(r'<input type="hidden" name="kept" value="([^"]+)">', html)
    assert found, "the page keeps no file"
    return found.group(1)


class TestWhatMissingClientsSay:
    def test_a_member_is_told_whom_to_ask(self, client, member, project):
        html = signed_in(client, member).post(
            page_url(member), {"file": export(member, client="New Client")}
        )
        (reason,) = reasons(html.content.decode())
        assert reason == (
            "There is no client “New Client”: ask an admin or the treasurer to add it "
            "(or to import this file)."
        )
        assert "create missing" not in html.content.decode().lower()

    def test_an_admin_is_told_which_box_to_tick(self, client, cooperative, project):
        admin = MemberFactory(cooperative=cooperative, is_admin=True)
        html = signed_in(client, admin).post(
            page_url(admin), {"file": export(admin, client="New Client")}
        )
        (reason,) = reasons(html.content.decode())
        assert "tick “Create clients and projects that do not exist yet”" in reason

    def test_in_spanish(self, client, member, project):
        client.cookies["django_language"] = "es"
        html = signed_in(client, member).post(
            page_url(member), {"file": export(member, client="New Client")}
        )
        (reason,) = reasons(html.content.decode())
        assert "pide a la administración o a la tesorería" in reason


@pytest.mark.parametrize(
    ("language", "days", "expected"),
    [
        ("en", (1,), "1 entry was imported."),
        ("en", (1, 2), "2 entries were imported."),
        ("es", (1,), "Se importó 1 registro."),
        ("es", (1, 2), "Se importaron 2 registros."),
        ("de", (1,), "1 Eintrag wurde importiert."),
        ("de", (1, 2), "2 Einträge wurden importiert."),
    ],
)
def test_counts_have_their_plural(client, member, project, language, days, expected):
    client.cookies["django_language"] = language
    html = signed_in(client, member).post(page_url(member), {"file": export(member, days)})
    assert f'<p role="status">{expected}</p>' in html.content.decode()


def test_one_row_skipped_and_one_rejected(client, member, project):
    signed_in(client, member)
    client.post(page_url(member), {"file": export(member, (1,))})
    mixed = export(member, (1, 2, 30))  # 30 December is in the future
    html = client.post(page_url(member), {"file": mixed, "skip_invalid": "on"}).content.decode()
    assert (
        "1 entry was imported. 1 row was rejected. "
        "1 row was imported before and was skipped." in html
    )


class TestImportAfterADryRun:
    def test_import_needs_no_second_upload(self, client, member, project, media_root):
        signed_in(client, member)
        preview = client.post(page_url(member), {"file": export(member, (1, 2)), "dry_run": "on"})
        html = preview.content.decode()
        assert "Checked file: <strong>toggl.csv</strong>" in html
        assert "you need not choose it again" in html
        token = kept_token(html)
        assert not TimeEntry.objects.exists()
        assert len(list((media_root / kept_imports.FOLDER).iterdir())) == 1

        done = client.post(page_url(member), {"kept": token}).content.decode()
        assert "2 entries were imported." in done
        assert TimeEntry.objects.count() == 2
        assert 'name="kept"' not in done
        assert list((media_root / kept_imports.FOLDER).iterdir()) == []  # forgotten once used

    def test_the_options_of_the_import_step_apply(self, client, member, project):
        signed_in(client, member)
        mixed = export(member, (1, 30))
        preview = client.post(page_url(member), {"file": mixed, "dry_run": "on"})
        token = kept_token(preview.content.decode())
        refused = client.post(page_url(member), {"kept": token}).content.decode()
        assert "Nothing was imported." in refused
        token = kept_token(refused)  # still kept, to try again with the valid rows only
        done = client.post(page_url(member), {"kept": token, "skip_invalid": "on"})
        assert "1 entry was imported. 1 row was rejected." in done.content.decode()

    def test_another_members_token_finds_nothing(self, client, member, project, cooperative):
        signed_in(client, member)
        preview = client.post(page_url(member), {"file": export(member), "dry_run": "on"})
        token = kept_token(preview.content.decode())
        other = MemberFactory(cooperative=cooperative, is_admin=True)
        response = signed_in(client, other).post(page_url(other), {"kept": token})
        assert response.status_code == 400
        assert "kept for an hour only: choose it again" in response.content.decode()
        assert not TimeEntry.objects.exists()

    def test_a_kept_file_expires_after_an_hour(self, client, member, project, today):
        signed_in(client, member)
        preview = client.post(page_url(member), {"file": export(member), "dry_run": "on"})
        token = kept_token(preview.content.decode())
        today.advance(datetime.timedelta(hours=1, minutes=1))
        response = client.post(page_url(member), {"kept": token})
        assert response.status_code == 400
        assert "kept for an hour only" in response.content.decode()
        assert not TimeEntry.objects.exists()

    def test_a_tampered_token_finds_nothing(self, client, member, project):
        signed_in(client, member)
        response = client.post(page_url(member), {"kept": "hour-imports/../../settings.py"})
        assert response.status_code == 400

    def test_no_file_and_nothing_kept_is_an_error(self, client, member):
        response = signed_in(client, member).post(page_url(member), {})
        assert response.status_code == 400
        assert "Choose the CSV export to import." in response.content.decode()


class TestRejectionReasonsInTheMembersLanguage:
    """What the parser finds wrong in a row, or in the file, reads in the member's language."""

    def rows(self, member, *cells) -> SimpleUploadedFile:
        body = "".join(
            f"Ana,{member.user.email},Municipality of Rosario,Open data portal,Work,{day},09:00:00,"
            f"{duration}\n"
            for day, duration in cells
        )
        return SimpleUploadedFile("toggl.csv", (HEADER + body).encode(), "text/csv")

    @pytest.mark.parametrize(
        ("language", "expected"),
        [
            (
                "es",
                [
                    "La duración “-01:00:00” es negativa",
                    "La fecha “2026-13-45” no existe; “abc” no es una duración (se espera "
                    "h:mm:ss, h:mm u horas con decimales)",
                ],
            ),
            (
                "de",
                [
                    "Die Dauer „-01:00:00“ ist negativ",
                    "Das Datum „2026-13-45“ gibt es nicht; „abc“ ist keine Dauer (erwartet: "
                    "h:mm:ss, h:mm oder Stunden mit Dezimalstellen)",
                ],
            ),
        ],
    )
    def test_row_reasons(self, client, member, project, language, expected):
        client.cookies["django_language"] = language
        upload = self.rows(member, ("2026-12-01", "-01:00:00"), ("2026-13-45", "abc"))
        html = signed_in(client, member).post(page_url(member), {"file": upload})
        assert reasons(html.content.decode()) == expected

    @pytest.mark.parametrize(
        ("language", "expected"),
        [
            ("es", "podría ser el 3 de diciembre o el 12 de marzo"),
            ("de", "Es könnte der 3. Dezember oder der 12. März sein"),
        ],
    )
    def test_an_ambiguous_date_names_both_days_the_readers_way(
        self, client, member, project, language, expected
    ):
        client.cookies["django_language"] = language
        upload = self.rows(member, ("03/12/2026", "01:00:00"))
        html = signed_in(client, member).post(page_url(member), {"file": upload})
        (reason,) = reasons(html.content.decode())
        assert expected in reason

    @pytest.mark.parametrize(
        ("language", "expected"),
        [
            (
                "es",
                "Este archivo no es una exportación de horas que se pueda importar. Su "
                "encabezado tiene las columnas &quot;Datum&quot;, &quot;Stunden&quot;. Se "
                "aceptan: Toggl Track (informe detallado); Harvest (informe detallado de "
                "tiempos); Kimai (exportación CSV, en cualquiera de sus idiomas); Clockify "
                "(informe detallado).",
            ),
            ("de", "Die Datei ist leer: Sie hat keine Kopfzeile."),
        ],
    )
    def test_a_file_that_is_no_export(self, client, member, language, expected):
        client.cookies["django_language"] = language
        text = "Datum;Stunden\n2026-12-01;1,5\n" if language == "es" else "\n\n"
        upload = SimpleUploadedFile("hours.csv", text.encode(), "text/csv")
        response = signed_in(client, member).post(page_url(member), {"file": upload})
        assert response.status_code == 400
        assert expected in response.content.decode()
