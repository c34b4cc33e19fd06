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
    # Sales needs the desk's business calendars (acceptance delays in business hours) and
    # its queues (onboarding tickets); the desk reaches sales only through registries.
    "sales": {"accounts", "crm", "tickets"},
    # Email, web form and webhooks build on the desk; the desk never imports channels
    # (it offers tickets.registry hooks and relais.events instead).
    "channels": {"accounts", "crm", "tickets"},
    "campaigns": {"accounts", "crm", "tickets", "sales", "channels", "telephony", "quality"},
    "telework": {"accounts", "crm", "tickets"},
    # Supervision measures the desk and the phones (docs/architecture.md); neither imports it.
    "quality": {"accounts", "crm", "tickets", "telephony"},
    # CTI and emotion triage build on the service desk (docs/architecture.md).
    "telephony": {"accounts", "crm", "tickets"},
    "triage": {"accounts", "crm", "tickets"},
    # Surveys follow resolved tickets, send through channels' outbound email and score
    # comments with the emotion triage (docs/architecture.md).
    "surveys": {"accounts", "crm", "tickets", "channels", "triage", "quality"},
}


def _parse(path: Path) -> ast.Module:
    """ast.parse, retried: CPython 3.11 can raise a spurious "AST constructor recursion depth
    mismatch" SystemError when another thread of the process (the live server's) compiles at
    the same moment (python/cpython#106905)."""
    source = path.read_text(encoding="utf-8")
    for attempt in range(3):
        try:
            return ast.parse(source)
        except SystemError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _imported_apps(app: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / app).rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = _parse(path)
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


# Modules that promise to be pure computation: they import no Django, no model, nothing of
# ours that could reach the database, so they can be tested and reused without one.
PURE_MODULES = [
    "tickets/sla/schedule.py",
    "quality/staffing/erlang.py",
    "campaigns/telemarketing/rules.py",
]
PURE_ALLOWED_ROOTS = {"__future__", "collections", "dataclasses", "datetime", "math", "zoneinfo"}


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_modules_import_only_the_standard_library(module):
    tree = _parse(ROOT / module)
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." if node.level else (node.module or "").split(".")[0])
    assert imported - PURE_ALLOWED_ROOTS == set()


def test_every_app_is_packaged_and_its_tests_collected():
    """An app missing from pyproject's package list or testpaths ships untested (surveys did)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    testpaths = set(config["tool"]["pytest"]["ini_options"]["testpaths"])
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    for app in ALLOWED:
        assert app in testpaths or not (ROOT / app / "tests").exists(), app
        assert f"{app}*" in include, app
