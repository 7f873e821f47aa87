"""The direction of imports that docs/architecture.md draws, checked on every module's source.

Each module of the project is parsed (ast), and every import it makes is checked, including the
imports inside functions: a lazy import is still a dependency. No Django is needed.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "cooperage", "coop", "governance", "books", "payroll", "billing", "banking", "api",
)  # fmt: skip
# Pure modules: algorithms tested without Django, so they import none of its database layer.
PURE = (
    "payroll.allocation",
    "payroll.redemption_order",
    "governance.methods",
    "coop.timesheet_csv",
    "billing.totals",
    "banking.parsing",
    "books.charts",
    "books.datev_pairs",
    "coop.legal_profiles",
)
ORM = ("django.db", "django.contrib.auth.models", "django.contrib.contenttypes.models")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # what it imports, dotted (`from a import b` gives `a` and `a.b`)
    line: int

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[Import]:
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x, from ..models import y
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            found.append(Import(module, source, node.lineno))
            found += [Import(module, f"{source}.{alias.name}", node.lineno) for alias in node.names]
    return found


def all_imports() -> list[Import]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found += imports_of(path)
    return found


IMPORTS = all_imports()


def within(name: str, *packages: str) -> bool:
    """Whether the dotted `name` is one of `packages` or inside one of them."""
    return any(name == package or name.startswith(package + ".") for package in packages)


def is_kind(name: str, kind: str) -> bool:
    """Whether a dotted module is a `services`/`selectors`/`tasks` module (`coop.hours.services`)
    or a name in one (`payroll.services.policies.adopt_policy`)."""
    return kind in name.split(".")


def offenders(rule) -> list[str]:
    return sorted({str(found) for found in IMPORTS if rule(found)})


def test_every_package_is_read():
    assert {found.module.split(".")[0] for found in IMPORTS} == set(PACKAGES)
    assert len(IMPORTS) > 1000


@pytest.mark.parametrize(
    ("importer", "forbidden"),
    [
        # the core domain: everything else is built on it
        ("coop", ("governance", "books", "payroll", "billing", "banking", "api", "cooperage")),
        # governance is reached by payroll through its action registry, never the reverse
        ("governance", ("books", "payroll", "billing", "banking", "api", "cooperage")),
        # the books are written by the apps above them, and import only coop
        ("books", ("governance", "payroll", "billing", "banking", "api", "cooperage")),
        ("payroll", ("billing", "banking", "api", "cooperage")),
        # billing turns payments into payroll's revenue; payroll never reaches up to it
        ("billing", ("banking", "api", "cooperage")),
        # banking matches the bank's transactions to invoices (billing) and payouts (payroll)
        ("banking", ("api", "cooperage")),
        # the REST layer is wired in by the project's root URLconf only
        ("api", ("cooperage",)),
    ],
)
def test_apps_import_only_downwards(importer, forbidden):
    assert (
        offenders(lambda found: within(found.module, importer) and within(found.target, *forbidden))
        == []
    )


def test_selectors_do_not_import_services():
    """Services read through selectors; a selector that needed a service would be a cycle."""
    assert (
        offenders(
            lambda found: is_kind(found.module, "selectors") and is_kind(found.target, "services")
        )
        == []
    )


def test_services_do_not_import_tasks():
    """Tasks call services; services enqueue through their app's enqueue module."""
    assert (
        offenders(
            lambda found: is_kind(found.module, "services") and is_kind(found.target, "tasks")
        )
        == []
    )


def test_only_the_enqueue_modules_import_tasks():
    """Not services, not any other write module (`payroll/distributing.py`): one place per app
    knows the task names. Celery's own `tasks` modules are not the project's."""
    assert (
        offenders(
            lambda found: within(found.target, *PACKAGES)
            and is_kind(found.target, "tasks")
            and not is_kind(found.module, "tasks")
            and not is_kind(found.module, "enqueue")
        )
        == []
    )


def project_modules() -> dict[str, list[Import]]:
    by_module: dict[str, list[Import]] = {}
    for found in IMPORTS:
        by_module.setdefault(found.module, []).append(found)
    return by_module


def reached_from(start: str, by_module: dict[str, list[Import]]) -> set[str]:
    """The project modules that importing `start` loads: what it imports, their parent packages'
    `__init__`, and so on."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        parent = module.rpartition(".")[0]
        if parent:
            todo.append(parent)
        todo += [found.target for found in by_module.get(module, []) if found.target in by_module]
    return {module for module in seen if module in by_module}


def test_pure_modules_import_no_database():
    """Tally and split algorithms and the timesheet parser run without a database: neither they
    nor any project module they load imports Django's ORM or a models module."""
    by_module = project_modules()
    pure = [module for module in by_module if within(module, *PURE)]
    assert len(pure) >= len(PURE)
    loaded = set().union(*(reached_from(module, by_module) for module in pure))
    assert (
        offenders(
            lambda found: found.module in loaded
            and (within(found.target, *ORM) or is_kind(found.target, "models"))
        )
        == []
    )


def test_relative_imports_resolve(tmp_path, monkeypatch):
    """The parser's own arithmetic: `from ..models import x` inside `a/b/c.py` is `a.models`."""
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    source = tmp_path / "a" / "b" / "c.py"
    source.parent.mkdir(parents=True)
    source.write_text("from ..models import x\nfrom . import d\n")
    assert {found.target for found in imports_of(source)} == {
        "a.models",
        "a.models.x",
        "a.b",
        "a.b.d",
    }
