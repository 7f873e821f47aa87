"""The lock files pin what pyproject.toml asks for, and the suite runs on what they pin.

requirements/production.txt is what servers install, requirements/dev.txt what development and
CI install (`make lock` writes both with pip-tools). A dependency added to pyproject.toml without
`make lock`, a lock that drifts from the other, a requirements/pip.txt that is not dev.txt's pin
of pip, or a virtualenv that was not installed from the lock fails here.
"""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s\\;]+)")


def pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text()
    found = {}
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            found[canonicalize_name(match[1])] = match[2]
    return found


def declared(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = project["dependencies"]
    if extra:
        names = project["optional-dependencies"][extra]
    return [Requirement(name) for name in names]


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("production.txt", declared()),
        ("dev.txt", declared() + declared("dev")),
    ],
)
def test_every_declared_dependency_is_pinned_within_its_range(lock, requirements):
    pinned = pins(lock)
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is not in requirements/{lock}: run make lock"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"requirements/{lock} pins {name}=={pinned[name]}, outside {requirement}: run make lock"
        )


def test_every_pin_carries_a_hash():
    for lock in ("production.txt", "dev.txt"):
        text = (ROOT / "requirements" / lock).read_text()
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
        for block in blocks:
            if PIN.match(block):
                assert "--hash=sha256:" in block, f"{block.split()[0]} has no hash in {lock}"


def test_development_runs_the_production_versions():
    production, dev = pins("production.txt"), pins("dev.txt")
    differing = {
        name: (version, dev.get(name))
        for name, version in production.items()
        if dev.get(name) != version
    }
    assert not differing, f"dev.txt and production.txt disagree (run make lock): {differing}"


def test_the_virtualenv_holds_the_locked_versions():
    wrong = {}
    for name, version in pins("dev.txt").items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong[name] = (version, None)
            continue
        if installed != version:
            wrong[name] = (version, installed)
    assert not wrong, f"locked vs installed (run make): {wrong}"


def test_pip_is_installed_first_at_the_locked_version_and_hashes():
    """`make` installs requirements/pip.txt before the lock (the venv's own pip can refuse it)."""

    def pip_block(name: str) -> str:
        text = (ROOT / "requirements" / name).read_text()
        block = re.search(r"^pip==.*?(?=^\S|\Z)", text, flags=re.MULTILINE | re.DOTALL)
        assert block, f"requirements/{name} does not pin pip: run make lock"
        return "\n".join(
            line.strip().rstrip("\\").strip()
            for line in block[0].splitlines()
            if not line.strip().startswith("#")
        )

    assert pip_block("pip.txt") == pip_block("dev.txt"), "requirements/pip.txt: run make lock"
    assert "requirements/pip.txt" in (ROOT / "Makefile").read_text()
