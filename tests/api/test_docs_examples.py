"""The shell examples of docs/api.md run as written against a live server with the demo co-op.

Each ```sh block runs in bash with `set -euo pipefail`, `http://127.0.0.1:8000` pointed at the
live server and `$TOKEN` / `$READ_ONLY_TOKEN` set to tokens of the demo treasurer (the lines
that assign the placeholder `coop_…` are left out). A block passes when it exits 0, no answer is
a server error, and every `"code": "…"` or HTTP status its `#` comments promise is in its output.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from api import services as tokens
from coop import clock
from coop.models import Cooperative, Member

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCKS = re.findall(r"```sh\n(.*?)```", DOC.read_text(), re.S)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_tokens(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", quiet=True)
    bruno = Member.objects.select_related("user").get(user__email="bruno@example.coop")
    _, read_write = tokens.create_token(user=bruno.user, name="docs", read_only=False)
    _, read_only = tokens.create_token(user=bruno.user, name="docs (read)", read_only=True)
    return {"TOKEN": read_write, "READ_ONLY_TOKEN": read_only}


def _promises(block: str) -> list[str]:
    comments = "\n".join(line for line in block.splitlines() if line.lstrip().startswith("#"))
    codes = re.findall(r'"code": "(\w+)"', comments)
    statuses = re.findall(r"^#\s+(?:HTTP/1.1 )?(\d{3})\b", comments, re.M)
    return [f'"code":"{code}"' for code in codes] + statuses


def test_there_are_examples():
    assert len(BLOCKS) >= 5


@pytest.mark.skipif(shutil.which("jq") is None, reason="the examples use jq (apt-get install jq)")
@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_the_example_runs(index, live_server, demo_tokens):
    block = BLOCKS[index]
    # The shell's `date` is the machine's day; the server's is the project clock's, which the
    # suite sets (make test-clocks): the examples' "today" is the demo co-op's today.
    today = clock.today_in(Cooperative.objects.get(slug="demo")).isoformat()
    script = (
        "\n".join(line for line in block.splitlines() if not re.match(r"^\w+=coop_…", line))
        .replace("http://127.0.0.1:8000", live_server.url)
        .replace("$(date +%F)", today)
        .replace("$(date +%Y-%m)", today[:7])
    )
    result = subprocess.run(
        ["/bin/bash", "-c", "set -euo pipefail\n" + script],
        env={**os.environ, **demo_tokens},
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = result.stdout.replace(" ", "")
    assert result.returncode == 0, f"block {index} failed:\n{script}\n{result.stderr}"
    assert "server_error" not in output and "Traceback" not in result.stdout
    for promise in _promises(block):
        assert promise in output, f"block {index} promised {promise}; it printed:\n{result.stdout}"
