"""Which app may import which, read from the source with `ast` (no import is executed).

core is the ground every app stands on and imports no app; the domain apps never import the
council (its data is confidential: only reports may read it, through council.selectors); no
domain app imports reports, which sits above them all.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_APPS = ["members", "supporters", "foodhub", "council"]
APPS = ["core", *DOMAIN_APPS, "exchange", "reports", "staff"]

# app -> top-level packages it must not import.
FORBIDDEN = {
    "core": {"members", "supporters", "foodhub", "council", "reports"},
    "members": {"council", "reports"},
    "supporters": {"council", "reports"},
    "foodhub": {"council", "reports"},
    "council": {"reports"},
    # The board and the map stand on members, foodhub and core; they never see the council.
    "exchange": {"council", "reports", "supporters", "staff"},
    "reports": {"council", "exchange"},  # except ALLOWED
    # The staff's front door reads the domain apps (to-do counts); no app imports it.
    "staff": {"council", "reports"},
}
# app -> modules of a forbidden package it may still import.
ALLOWED = {"reports": {"council.selectors", "exchange.selectors"}}


def imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names it brings in) of every import in a file, relative ones resolved.

    `from council import selectors` brings in council.selectors; `from council.models import
    Case` brings in council.models.Case."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.name == "__init__.py":
        package += ".__init__"
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name, [a.name]) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: -node.level]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            found.append((node.lineno, module, [f"{module}.{a.name}" for a in node.names]))
    return found


def app_modules(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


def _allowed(app: str, name: str) -> bool:
    return any(name == a or name.startswith(a + ".") for a in ALLOWED.get(app, ()))


def violations(app: str) -> list[str]:
    forbidden = FORBIDDEN.get(app, set())
    found = []
    for path in app_modules(app):
        for line, module, names in imports(path):
            if any(n.split(".")[0] in forbidden and not _allowed(app, n) for n in names):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


@pytest.mark.parametrize("app", APPS)
def test_apps_import_only_what_lies_beneath_them(app):
    assert violations(app) == []


def test_the_check_catches_a_forbidden_import(tmp_path, monkeypatch):
    app = tmp_path / "core"
    app.mkdir()
    (app / "bad.py").write_text(
        "from members.models import Membership\nfrom ..council import crypto\n"
    )
    (app / "fine.py").write_text("from .models import Municipality\nimport django\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)

    assert violations("core") == [
        "core/bad.py:1 imports members.models",
        "core/bad.py:2 imports council",
    ]


def test_the_check_catches_reports_reading_council_models(tmp_path, monkeypatch):
    app = tmp_path / "reports"
    app.mkdir()
    (app / "sneaky.py").write_text(
        "from council.selectors import case_counts\nfrom council.models import Case\n"
        "from council import models\nfrom council import selectors\n"
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)

    assert violations("reports") == [
        "reports/sneaky.py:2 imports council.models",
        "reports/sneaky.py:3 imports council",
    ]


def test_reports_reads_the_domain_apps_through_their_selectors():
    """reports never imports a domain app's models or services: its figures come through the
    apps' selectors (so an app may change how it stores them, e.g. monthly roll-ups), and the
    demo loader calls each app's demo module."""
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in app_modules("reports")
        for line, _module, names in imports(path)
        for name in names
        if name.split(".")[0] in {*DOMAIN_APPS, "exchange"}
        and name.split(".")[1:2] not in (["selectors"], ["demo"])
    ]
    assert found == []
