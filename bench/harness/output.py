"""The pages table, the machine and code facts written with every result, the results files."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .environment import RESULTS_DIR, ROOT
from .measured import PageResult


def pages_table(results: Sequence[PageResult]) -> str:
    lines = [
        "| Page | p50 | p95 | SQL p50 | server / SQL | queries | target | meets |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        if r.status != "ok":
            lines.append(f"| {r.title} | | | | | | | {r.status} |")
            continue
        # The median count, and the range when it varies (the inbox's badge counts are
        # recomputed when their 15 s cache entry expires).
        queries = (
            str(r.queries_p50) if r.queries_min == r.queries_max
            else f"{r.queries_p50} ({r.queries_min} to {r.queries_max})"
        )  # fmt: skip
        ratio = f"{r.ratio_p50:.1f}x" if r.ratio_p50 is not None else "n/a"
        if r.within_budget is False:
            ratio = f"**{ratio}**"
        target = f"p95 < {r.target_p95_ms:g} ms" if r.target_p95_ms else ""
        meets = "" if r.meets_target is None else ("yes" if r.meets_target else "**no**")
        lines.append(
            f"| {r.title} | {r.server_p50_ms:.1f} | {r.server_p95_ms:.1f} | {r.db_p50_ms:.1f} "
            f"| {ratio} | {queries} | {target} | {meets} |"
        )
    return "\n".join(lines)


def machine_facts() -> dict[str, Any]:
    from ..crm_measure import machine

    facts = machine()
    facts["load_average"] = os.getloadavg()
    return facts


def code_commit() -> dict[str, Any]:
    def git(*args: str) -> str:
        command = ["git", *args]
        return subprocess.run(  # noqa: S603 - fixed git commands
            command, capture_output=True, text=True, check=False, cwd=ROOT
        ).stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain")),
    }


def write_results(stem: str, payload: dict[str, Any], table: str) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{stem}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
    (RESULTS_DIR / f"{stem}.md").write_text(table + "\n")
    return path


def result_dicts(results: Sequence[PageResult]) -> list[dict[str, Any]]:
    return [asdict(r) for r in results]


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")
