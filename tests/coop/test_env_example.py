"""deploy/.env.example documents every setting that cooperage/settings.py reads from the env.

The names are found by reading the settings' source (env.<type>("NAME", …), env("NAME", …) and
"NAME" in env), so adding a setting without documenting it for operators fails here.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "cooperage" / "settings.py"
ENV_EXAMPLE = ROOT / "deploy" / ".env.example"

NAME = r"([A-Z][A-Z0-9_]*)"
READS = [
    re.compile(r"\benv(?:\.\w+)?\(\s*[\"']" + NAME + r"[\"']"),  # env.str("X"…, env("X"…
    re.compile(r"[\"']" + NAME + r"[\"']\s+(?:not\s+)?in\s+env\b"),  # "X" in env
    re.compile(r"\bos\.(?:environ\.get|getenv)\(\s*[\"']" + NAME + r"[\"']"),
    re.compile(r"\bos\.environ\[\s*[\"']" + NAME + r"[\"']\s*\]"),
]
# A line "NAME=value", or "# NAME=value" for a setting left at its default.
DOCUMENTED = re.compile(r"^#?\s*" + NAME + r"=", re.MULTILINE)


def names_read_by_settings() -> set[str]:
    source = SETTINGS.read_text()
    return {name for pattern in READS for name in pattern.findall(source)}


def example_lines() -> list[str]:
    return ENV_EXAMPLE.read_text().splitlines()


def test_the_settings_parser_finds_the_settings():
    # Guards the regular expressions: these are read in every way the settings use.
    names = names_read_by_settings()
    assert {"COOP_ENV", "SECRET_KEY", "DATABASE_URL", "CACHE_URL", "EMAIL_URL"} <= names
    assert len(names) >= 20


def test_every_setting_is_in_the_env_example():
    documented = set(DOCUMENTED.findall(ENV_EXAMPLE.read_text()))
    missing = sorted(names_read_by_settings() - documented)
    assert not missing, f"add to deploy/.env.example, with a comment and the default: {missing}"


def test_every_setting_in_the_env_example_has_a_comment():
    lines = example_lines()
    settings = names_read_by_settings()
    for number, line in enumerate(lines):
        match = DOCUMENTED.match(line)
        if not match or match.group(1) not in settings:
            continue
        above = lines[number - 1].strip() if number else ""
        # The explanation is the comment block just above (other variables may sit between).
        assert above.startswith("#"), f"deploy/.env.example line {number + 1}: no comment above"


def test_the_env_example_loads_in_production():
    # The active lines, as systemd's EnvironmentFile= and Compose's env_file read them: no
    # quotes, no comment after a value.
    environment = {}
    for line in example_lines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        assert " #" not in value and not value.startswith(("'", '"')), line
        environment[name] = value
    environment["SECRET_KEY"] = "test-" + "x" * 50
    for name in ("PATH", "HOME", "SYSTEMROOT"):
        if name in os.environ:
            environment[name] = os.environ[name]
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "assert not s.DEBUG and s.SECURE_SSL_REDIRECT; "
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "cooperage.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout and "redis" in result.stdout.lower()
