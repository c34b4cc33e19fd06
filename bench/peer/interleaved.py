"""Both servers measured in turn, and `main`."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from ..harness import (
    RESULTS_DIR,
    ROOT,
    pages_table,
    write_results,
)
from .config import ENDPOINTS, PEER_ROOT, add_measure_arguments
from .measuring import side_by_side, side_by_side_table


def peer_harness_dir() -> Path:
    """`../shared/peer-helpdesk` from a clone; `../../shared/...` from a worktree in a
    folder of worktrees."""
    candidates = [ROOT.parent / "shared" / "peer-helpdesk",
                  ROOT.parent.parent / "shared" / "peer-helpdesk"]  # fmt: skip
    return next((c for c in candidates if (c / "measure.sh").exists()), candidates[0])


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    add_measure_arguments(parser)
    parser.add_argument(
        "--peer-dir",
        type=Path,
        default=peer_harness_dir(),
        help="the peer harness (its setup.sh and generate.py have run; default: "
        "shared/peer-helpdesk next to the clone or the worktree folder)",
    )
    parser.add_argument(
        "--peer-root",
        type=Path,
        default=PEER_ROOT,
        help="where the peer harness keeps its venv and results (its PEER_ROOT)",
    )
    parser.add_argument("--peer-manifest", type=Path, default=PEER_ROOT / "results" / "100k"
                        ".manifest.json")  # fmt: skip


def run(args: argparse.Namespace) -> None:
    """Endpoint by endpoint, the peer then Relais, so that each pair is measured within
    minutes of each other on a machine whose load drifts; then the side-by-side table.

    The peer runs through its own `measure.sh LABEL --only ENDPOINT` (its gunicorn, its
    venv, its measure.py, untouched); Relais through `peer-measure --only PAGE`."""
    import subprocess
    import sys

    stamp = time.strftime("%Y-%m-%d")
    label = args.label or "interleaved"
    peer_results: list[dict[str, Any]] = []
    relais_pages: list[dict[str, Any]] = []
    peer_run: dict[str, Any] = {}
    relais_run: dict[str, Any] = {}
    for peer_name, relais_key, _label in ENDPOINTS:
        peer_label = f"side-by-side-{stamp}-{peer_name}"
        print(f"== peer {peer_name}", flush=True)
        subprocess.run(  # noqa: S603 - the peer harness's own script
            ["bash", str(args.peer_dir / "measure.sh"), peer_label, "--only", peer_name,  # noqa: S607
             "--manifest", str(args.peer_manifest)],
            check=True,
        )  # fmt: skip
        peer_run = json.loads((args.peer_root / "results" / f"{peer_label}.json").read_text())
        peer_results += peer_run["results"]
        print(f"== relais {relais_key}", flush=True)
        relais_label = f"{label}-{relais_key}"
        command = [sys.executable, "-m", "bench", "peer-measure", "--database-url",
                   args.database_url, "--only", relais_key, "--label", relais_label,
                   "--runs", str(args.runs), "--warmup", str(args.warmup),
                   "--budget-seconds", str(args.budget_seconds)]  # fmt: skip
        subprocess.run(command, check=True, cwd=ROOT)  # noqa: S603
        path = RESULTS_DIR / f"peer-relais-{stamp}-{relais_label}.json"
        relais_run = json.loads(path.read_text())
        relais_pages += relais_run["pages"]
        path.unlink()
        path.with_suffix(".md").unlink()
    peer = {**peer_run, "label": f"side-by-side-{stamp} (one measure.sh per endpoint)",
            "results": peer_results}  # fmt: skip
    relais = {**relais_run, "pages": relais_pages}
    relais_path = write_results(f"peer-relais-{stamp}-{label}", relais, pages_table(
        [_result(p) for p in relais_pages]))  # fmt: skip
    comparison = side_by_side(peer, relais)
    comparison["procedure"] = (
        "interleaved: for each endpoint, the peer's measure.sh --only ENDPOINT, then "
        "peer-measure --only PAGE"
    )
    comparison["peer_results"] = peer
    table = side_by_side_table(comparison)
    path = write_results(f"side-by-side-{stamp}-{label}", comparison, table)
    print(table)
    print(f"\nresults written to {path}, {relais_path}")


def _result(page: dict[str, Any]) -> Any:
    from ..harness import PageResult

    return PageResult(**page)
