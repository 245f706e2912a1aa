"""Write the raters' blind copy of a writer's file: only what a rater may see.

    python evals/grader/corpus/blind.py evals/grader/corpus/replies-g1.jsonl

Drops the writer (`source`), the writer's notes (`style`, `intended`, `signals`) and the
situation's sector label, and shuffles the lines with a fixed seed so that replies to one
situation are not in the writer's order (from strong to weak, say).
"""

import json
import random
import sys
from pathlib import Path

KEEP = ("id", "channel", "customer_name", "history", "facts", "reply")

for name in sys.argv[1:]:
    src = Path(name)
    rows = [
        json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    random.Random(f"blind:{src.name}").shuffle(rows)
    out = src.parent / "blind" / src.name.replace("replies-", "")
    out.write_text(
        "".join(json.dumps({k: r.get(k) for k in KEEP}) + "\n" for r in rows), encoding="utf-8"
    )
    print(f"{out}: {len(rows)} replies")
