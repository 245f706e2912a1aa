"""Rater agreement (quadratic-weighted kappa) and the adjudicated, split corpus.

    python evals/grader/corpus/agreement.py           # prints agreement, writes ../corpus-*.jsonl

Each reply has two independent ratings (raters never saw each other's). The adjudicated label
per dimension is their mean (0, 0.5, 1, 1.5 or 2); where they are two points apart (0 vs 2),
the third opinion in `adjudication.jsonl`, when present, decides. Splits are by writer, so no
writer of the test replies wrote any training reply:
train = g1 + g2, dev = g3, test = g4 (each writer invented their own situations).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DIMS = ("listening", "acknowledgement", "apology", "personalization")
FLAGS = ("doubt", "belittle", "policy")
SPLITS = {"g1": "train", "g2": "train", "g3": "dev", "g4": "test"}


def qwk(a: list[int], b: list[int], k: int = 3) -> float:
    """Cohen's kappa with quadratic weights for ratings 0..k-1."""
    n = len(a)
    obs = [[0.0] * k for _ in range(k)]
    for x, y in zip(a, b, strict=True):
        obs[x][y] += 1
    ha = [sum(1 for x in a if x == i) for i in range(k)]
    hb = [sum(1 for y in b if y == i) for i in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * obs[i][j]
            den += w * ha[i] * hb[j] / n
    return 1.0 - num / den if den else 1.0


def load(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def main() -> None:
    replies = {r["id"]: r for p in sorted(HERE.glob("replies-g*.jsonl")) for r in load(p)}
    ratings: dict[str, list[dict]] = defaultdict(list)  # type: ignore[type-arg]
    for path in sorted(HERE.glob("ratings-r*.jsonl")):
        for r in load(path):
            ratings[r["id"]].append(r)
    adjudicated = {}
    if (HERE / "adjudication.jsonl").is_file():
        adjudicated = {a["id"]: a for a in load(HERE / "adjudication.jsonl")}
    pairs: dict[str, tuple[list[int], list[int]]] = {d: ([], []) for d in DIMS}
    flag_pairs: dict[str, tuple[list[int], list[int]]] = {f: ([], []) for f in FLAGS}
    out: dict[str, list[dict]] = defaultdict(list)  # type: ignore[type-arg]
    far = 0
    for rid, reply in replies.items():
        got = ratings.get(rid, [])
        if len(got) < 2:
            continue
        a, b = got[0], got[1]
        labels = {}
        for d in DIMS:
            x, y = a["ratings"][d], b["ratings"][d]
            pairs[d][0].append(x)
            pairs[d][1].append(y)
            if abs(x - y) == 2:
                far += 1
                third = adjudicated.get(rid, {}).get("ratings", {}).get(d)
                labels[d] = float(third) if third is not None else 1.0
            else:
                labels[d] = (x + y) / 2
        flags = {}
        for f in FLAGS:
            x, y = int(a["flags"][f]), int(b["flags"][f])
            flag_pairs[f][0].append(x)
            flag_pairs[f][1].append(y)
            flags[f] = (x + y) / 2
        writer = rid.split("-")[0]
        row = {k: reply[k] for k in ("id", "customer_name", "history", "facts", "reply")}
        row |= {
            "situation": reply["situation"],
            "sector": reply["sector"],
            "source": reply["source"],
            "ratings": labels,
            "flags": flags,
            "raters": [a["rater"], b["rater"]],
        }
        out[SPLITS[writer]].append(row)
    print("| dimension | quadratic-weighted kappa (rater vs rater) | n |")
    print("|---|---|---|")
    for d in DIMS:
        print(f"| {d} | {qwk(*pairs[d]):.2f} | {len(pairs[d][0])} |")
    for f in FLAGS:
        print(f"| flag: {f} | {qwk(*flag_pairs[f], k=2):.2f} | {len(flag_pairs[f][0])} |")
    print(f"two-point disagreements: {far} (dimension x reply)")
    for split, rows in out.items():
        path = HERE.parent / f"corpus-{split}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        print(f"{path.name}: {len(rows)} replies, {len({r['situation'] for r in rows})} situations")


if __name__ == "__main__":
    main()
