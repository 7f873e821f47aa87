"""manage.py import_statement: prints what it added; errors name the line and write nothing."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from banking.models import BankStatement, BankTransaction
from banking.parsing import registry
from tests.banking import fake_parser
from tests.banking.factories_import import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fake_format(monkeypatch):
    monkeypatch.setitem(registry.MODULES, "mt940", "tests.banking.fake_parser")


def test_it_imports_and_says_what_it_added(tmp_path, capsys):
    world = World()
    path = tmp_path / "nov.sta"
    path.write_bytes(fake_parser.sample())
    call_command("import_statement", str(path), "--coop", world.cooperative.slug)
    out = capsys.readouterr().out
    assert "statement S1" in out and "1 added" in out
    assert "1 transaction(s) added, 0 skipped" in out
    assert BankTransaction.objects.count() == 1


def test_a_broken_file_names_the_line_and_writes_nothing(tmp_path):
    world = World()
    path = tmp_path / "nov.sta"
    path.write_bytes(fake_parser.sample() + b"BROKEN\n")
    with pytest.raises(CommandError, match="line 3") as refused:
        call_command("import_statement", str(path), "--coop", world.cooperative.slug)
    assert refused.value.returncode != 0
    assert not BankStatement.objects.exists()


def test_a_duplicate_and_an_unknown_coop_or_account(tmp_path):
    world = World()
    path = tmp_path / "nov.sta"
    path.write_bytes(fake_parser.sample())
    call_command("import_statement", str(path), "--coop", world.cooperative.slug)
    with pytest.raises(CommandError, match="not imported twice"):
        call_command("import_statement", str(path), "--coop", world.cooperative.slug)
    with pytest.raises(CommandError, match="No co-op"):
        call_command("import_statement", str(path), "--coop", "nope")
    with pytest.raises(CommandError, match="no bank account"):
        call_command(
            "import_statement", str(path), "--coop", world.cooperative.slug, "--account", "999"
        )
    assert BankStatement.objects.count() == 1
