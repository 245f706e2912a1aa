"""Precision and recall of the trust / tact / conformity signals against the raters' flags.

    .venv/bin/python evals/grader/signals_eval.py

A reply counts as flagged when both of its raters flagged it (doubt, belittle, policy in
evals/grader/rubric.md); the signals are `trainer/grader/moves.py`'s, which never saw these
replies while being written... except as reported here, so this is a check, not a tuning set.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from trainer.grader import moves  # noqa: E402

for split in ("corpus-train", "corpus-dev", "corpus-test"):
    rows = [json.loads(x) for x in (HERE / f"{split}.jsonl").read_text().splitlines() if x]
    print(f"{split} ({len(rows)} replies)")
    print("| signal | flagged by both raters | precision | recall |")
    print("|---|---|---|---|")
    for flag in ("doubt", "belittle", "policy"):
        truth = [r["flags"][flag] == 1.0 for r in rows]
        found = [flag in moves.detect(r["reply"]) for r in rows]
        tp = sum(t and f for t, f in zip(truth, found, strict=True))
        prec = tp / max(1, sum(found))
        rec = tp / max(1, sum(truth))
        print(f"| {flag} | {sum(truth)} | {prec:.2f} | {rec:.2f} |")
