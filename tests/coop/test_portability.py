"""export_coop / import_coop: the demo co-op round-trips, with its files and its audit chain."""

import zipfile

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from coop.models import Cooperative, User
from coop.portability import coop_models

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _counts():
    return {model._meta.label_lower: model.objects.count() for model in coop_models()}


def test_the_demo_round_trips(tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the approved month's files
        call_command("demo", quiet=True)
    other = apps.get_model("coop", "Cooperative").objects.create(name="Other", slug="other")
    before = _counts()
    before["coop.cooperative"] -= 1  # "other" is not exported
    documents = apps.get_model("payroll", "DistributionDocument").objects.count()
    assert documents > 0
    archive = tmp_path / "demo.zip"
    call_command("export_coop", "demo", str(archive))
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
    assert "manifest.json" in names and "data/coop.auditevent.json" in names
    assert sum(name.startswith("media/") for name in names) == documents
    assert any(name.startswith("csv/hours-") for name in names)

    # An empty database: everything of the co-op, its users and its files gone.
    if connection.vendor == "postgresql":  # fire the deferred FK checks before TRUNCATE
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False)
    for path in (tmp_path / "media").rglob("*"):
        if path.is_file():
            path.unlink()
    assert not Cooperative.objects.exists() and not User.objects.exists()

    call_command("import_coop", str(archive))
    assert _counts() == before
    call_command("verify_audit", coop="demo")
    bruno = User.objects.get(email="bruno@example.coop")
    assert bruno.check_password("cooperage-demo")
    document = apps.get_model("payroll", "DistributionDocument").objects.first()
    with document.file.open("rb") as handle:
        assert handle.read(4) == b"%PDF"
    assert other.slug == "other"


def test_importing_over_an_existing_coop_is_refused(tmp_path):
    call_command("demo", quiet=True)
    archive = tmp_path / "demo.zip"
    call_command("export_coop", "demo", str(archive))
    with pytest.raises(CommandError, match="exists already"):
        call_command("import_coop", str(archive))


def test_an_unknown_coop_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No co-op"):
        call_command("export_coop", "nowhere", str(tmp_path / "x.zip"))


def test_a_member_downloads_their_own_data(client, django_capture_on_commit_callbacks):
    import io
    import json

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", quiet=True)
    chandra = User.objects.get(email="chandra@example.coop")
    client.force_login(chandra)
    assert "Download my data" in client.get("/c/demo/").content.decode()
    response = client.get("/c/demo/my-data.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as zipped:
        names = zipped.namelist()
        entries = json.loads(zipped.read("data/coop.timeentry.json"))
        profile = json.loads(zipped.read("data/coop.user.json"))
    member_id = apps.get_model("coop", "Member").objects.get(user=chandra).pk
    assert entries and {row["fields"]["member"] for row in entries} == {member_id}
    assert "password" not in profile[0]["fields"]
    assert any(name.startswith("files/") and name.endswith(".pdf") for name in names)
    assert "data/governance.secretballot.json" not in names
    client.force_login(User.objects.create_user("stranger@example.org", "x-long-password-1"))
    assert client.get("/c/demo/my-data.zip").status_code == 404
