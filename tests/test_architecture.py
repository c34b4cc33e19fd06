"""The apps' imports point one way (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {
    "accounts": set(),
    "crm": {"accounts"},
    "tickets": {"accounts", "crm"},
    "campaigns": {"accounts", "crm"},
    "telework": {"accounts", "crm"},
    "quality": {"accounts", "crm"},
}


def _imported_apps(app: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / app).rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in ALLOWED and top != app:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_app_imports_only_the_apps_below_it(app):
    forbidden = {
        dep: files for dep, files in _imported_apps(app).items() if dep not in ALLOWED[app]
    }
    assert forbidden == {}
