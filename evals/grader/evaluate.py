"""Per-dimension Spearman between the grader and the human 0-2 ratings in dev/test.jsonl.

Usage: .venv/bin/python evals/grader/evaluate.py [--split dev|test|both] [--grader-model ID|PATH]
       [--calibrated] [--show N]  (print the N largest disagreements per dimension, for error analysis on dev)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from trainer.grader import DIMENSIONS, FactRef, GradeRequest, Turn, load_grader  # noqa: E402
from trainer.grader.calibration import spearman  # noqa: E402


def load(split: str) -> list[dict]:
    rows = []
    with (HERE / f"{split}.jsonl").open(encoding="utf-8") as fh:  # dev, test, corpus-*
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def request(row: dict) -> GradeRequest:
    return GradeRequest(
        reply=row["reply"],
        history=[Turn(t["role"], t["text"]) for t in row["history"]],
        customer_name=row.get("customer_name"),
        facts=[FactRef(f"fact-{i}", f) for i, f in enumerate(row.get("facts", []))],
        id=row["id"],
    )


def evaluate(
    split: str, model: str | None, show: int, calibrated: bool = False
) -> dict[str, float | None]:
    rows = load(split)
    grader = load_grader(model)
    results = grader.grade_many([request(r) for r in rows], raw=not calibrated)
    table: dict[str, float | None] = {}
    for dim in DIMENSIONS:
        human = [r["ratings"][dim] for r in rows]
        ours = [res.scores[dim] for res in results]
        table[dim] = spearman(ours, human)
        if show:
            worst = sorted(
                zip(rows, ours, human, results, strict=True),
                key=lambda t: -abs(t[1] / 50 - t[2]),
            )[:show]
            for row, o, h, res in worst:
                print(f"  [{dim}] human={h} ours={o} {row['id']}: {row['reply'][:90]}")
                print(f"      {res.evidence[dim]}")
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--split",
        choices=["dev", "test", "both", "corpus-train", "corpus-dev", "corpus-test", "all"],
        default="both",
        help="both: the original dev+test; all: those and the rated corpus splits",
    )
    parser.add_argument("--grader-model", default=None)
    parser.add_argument("--show", type=int, default=0)
    parser.add_argument(
        "--calibrated", action="store_true", help="apply the saved `grade --calibrate` mapping"
    )
    args = parser.parse_args()
    splits = {
        "both": ["dev", "test"],
        "all": ["dev", "test", "corpus-train", "corpus-dev", "corpus-test"],
    }.get(args.split, [args.split])
    print(f"| split | n | {' | '.join(DIMENSIONS)} |")
    print("|---|---|" + "---|" * len(DIMENSIONS))
    for split in splits:
        table = evaluate(split, args.grader_model, args.show, args.calibrated)
        cells = " | ".join("n/a" if v is None else f"{v:.2f}" for v in table.values())
        print(f"| {split} | {len(load(split))} | {cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
