"""Precision, recall and F1 of the analyser on the labelled messages in tests/data/triage.

    python -m triage.evaluate            # both splits, per language
    python -m triage.evaluate --errors   # also list the development split's mistakes

Only the development split may be looked at to tune rules and thresholds; the test split
is held out and only ever scored.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .analyser import analyse

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "triage"


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load(split: str) -> list[dict[str, Any]]:
    with open(DATA / f"{split}.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(split: str) -> tuple[dict[tuple[str, str], Counts], list[dict[str, Any]]]:
    counts: dict[tuple[str, str], Counts] = {}
    errors = []
    for row in load(split):
        result = analyse(row["text"], language=row["lang"])
        for label in ("negative", "angry"):
            predicted = getattr(result, label)
            counts.setdefault((row["lang"], label), Counts()).add(predicted, row[label])
            if predicted != row[label]:
                errors.append({**row, "label": label, "got": result.as_dict()})
    return counts, errors


def table(split: str, counts: dict[tuple[str, str], Counts]) -> str:
    lines = [
        "| split | language | label | messages | precision | recall | F1 |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for (lang, label), c in sorted(counts.items()):
        n = c.tp + c.fp + c.fn + c.tn
        figures = f"{c.precision:.2f} | {c.recall:.2f} | {c.f1:.2f}"
        lines.append(f"| {split} | {lang} | {label} | {n} | {figures} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list the dev split's mistakes")
    parser.add_argument("--split", choices=["dev", "test", "both"], default="both")
    args = parser.parse_args()
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    for split in splits:
        counts, errors = evaluate(split)
        print(table(split, counts))
        print()
        if args.errors and split == "dev":
            for e in errors:
                got = e["got"]
                print(
                    f"{e['id']} {e['label']}: expected {e[e['label']]}, score {got['score']} "
                    f"anger {got['anger_points']} {[t['text'] for t in got['triggers']]}\n"
                    f"    {e['text'][:160]!r}"
                )


if __name__ == "__main__":
    main()
