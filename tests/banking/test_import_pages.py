"""The statement pages: upload → preview → confirm → the statement; the list with the balance
chart; members read, the treasurer uploads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from banking import importing
from banking.models import BankStatement
from banking.parsing import registry
from tests.banking import fake_parser
from tests.banking.factories_import import World
from tests.web import flashes, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fake_format(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setitem(registry.MODULES, "mt940", "tests.banking.fake_parser")


@pytest.fixture
def world():
    return World()


def page(world, name, **kwargs):
    return reverse(name, kwargs={"coop_slug": world.cooperative.slug, **kwargs})


def upload(client, world, data=None):
    return client.post(
        page(world, "bank-statement-upload"),
        {"file": SimpleUploadedFile("nov.sta", data or fake_parser.sample())},
    )


def test_upload_preview_confirm(client, world, tmp_path):
    signed_in(client, world.treasurer)
    assert client.get(page(world, "bank-statement-upload")).status_code == 200
    preview = upload(client, world)
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Statement S1" in text and "1 new, 0 imported before" in text
    assert not BankStatement.objects.exists()  # nothing written by the preview
    token = preview.context["token"]
    assert list((tmp_path / "bank-imports").iterdir())
    done = client.post(page(world, "bank-statement-confirm"), {"kept": token})
    statement = BankStatement.objects.get()
    assert done.status_code == 302
    assert done["Location"] == page(world, "bank-statement", pk=statement.pk)
    detail = client.get(done["Location"])
    assert "1 transaction was added" in flashes(detail)[0]
    assert "€50.00" in detail.content.decode()
    assert not list((tmp_path / "bank-imports").iterdir())  # the kept file is gone
    # The same token again: the file is no longer kept.
    assert client.post(page(world, "bank-statement-confirm"), {"kept": token}).status_code == 400


def test_a_refused_preview_shows_the_problem_and_offers_no_import(client, world):
    signed_in(client, world.treasurer)
    preview = upload(client, world, fake_parser.sample(opening="990.00"))
    assert preview.status_code == 400
    assert preview.context["token"] == ""
    assert "a gap of" in preview.content.decode()


def test_a_broken_file_names_the_line(client, world):
    signed_in(client, world.treasurer)
    preview = upload(client, world, fake_parser.sample() + b"BROKEN\n")
    assert preview.status_code == 400
    assert "line 3" in preview.content.decode()


def test_a_file_over_the_limit_is_413(client, world, monkeypatch):
    monkeypatch.setattr(importing, "MAX_IMPORT_BYTES", 10)
    signed_in(client, world.treasurer)
    assert upload(client, world).status_code == 413


def test_a_token_of_another_treasurer_is_refused(client, world):
    signed_in(client, world.treasurer)
    token = upload(client, world).context["token"]
    other = World("other")
    signed_in(client, other.treasurer)
    refused = client.post(
        reverse("bank-statement-confirm", kwargs={"coop_slug": "other"}), {"kept": token}
    )
    assert refused.status_code == 400
    assert not BankStatement.objects.exists()


def test_members_read_but_do_not_upload(client, world):
    signed_in(client, world.treasurer)
    token = upload(client, world).context["token"]
    client.post(page(world, "bank-statement-confirm"), {"kept": token})
    second = fake_parser.sample(opening="1050.00", entries=(("2026-12-02", "-20.00", "R9"),),
                                ident="S2")  # fmt: skip
    token = upload(client, world, second).context["token"]
    client.post(page(world, "bank-statement-confirm"), {"kept": token})
    signed_in(client, world.member)
    listing = client.get(page(world, "bank-statements"))
    text = listing.content.decode()
    assert listing.status_code == 200
    assert 'role="img"' in text and "Balance of Giro over time" in text
    assert "From €1,000.00 on October 31, 2026 to €1,030.00" in text
    statement = BankStatement.objects.first()
    assert client.get(page(world, "bank-statement", pk=statement.pk)).status_code == 200
    assert client.get(page(world, "bank-statement-upload")).status_code == 403
    stranger = World("stranger")
    signed_in(client, stranger.member)
    assert client.get(page(world, "bank-statements")).status_code == 404


def test_the_list_costs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    signed_in(client, world.treasurer)
    for n in range(3):
        opening = f"{1000 + 50 * n}.00"
        rows = ((f"2026-11-0{n + 2}", "50.00", f"R{n}"),)
        data = fake_parser.sample(opening=opening, entries=rows, ident=f"S{n}")
        token = upload(client, world, data.replace(b"2026-11-30", f"2026-11-1{n}".encode()))
        client.post(page(world, "bank-statement-confirm"), {"kept": token.context["token"]})
    assert BankStatement.objects.count() == 3
    with django_assert_max_num_queries(13):
        listing = client.get(page(world, "bank-statements"))
    assert listing.status_code == 200
    assert "€1,150.00" in listing.content.decode()
