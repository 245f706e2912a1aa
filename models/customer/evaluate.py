"""Side-by-side lines on held-out situations, a blind judging sheet, and the judged table.

    python models/customer/evaluate.py generate [--limit 60] [--configs old,base,tuned]
    python models/customer/evaluate.py sheet         # shuffled, sources hidden
    python models/customer/evaluate.py table         # after the judge filled judgements.jsonl

Every held-out corpus example (situations `train.split_of` keeps out of training) becomes a
one-stage scenario and the same conversation moment for each configuration, with the same
seed:

- old:   the pipeline before the customer talked back (commit OLD_COMMIT: old prompt,
         6 candidates, whole-line filter and rerank, scripted fallback), base model;
- base:  today's pipeline (intent prompt, sentence filter, reacting fallback), base model;
- tuned: today's pipeline with the LoRA adapter merged.

The judge sees only `eval/sheet.jsonl` (the transcript and the line) and writes
`eval/judgements.jsonl`; `eval/key.jsonl` maps sheet items back to configurations.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from eval_common import SEED, context_for, scenario_dict  # noqa: E402
from train import load_corpus, split_of  # noqa: E402

OLD_COMMIT = "9e7d23b"
EVAL = HERE / "eval"
QUESTIONS = ("in_role", "responds", "consistent", "real_person")


def held_out(limit: int | None) -> list[dict[str, Any]]:
    """Held-out examples, spread over situations (round-robin), deterministic."""
    by_sit: dict[str, list[dict[str, Any]]] = {}
    for row in load_corpus():
        if split_of(row["situation"]) == "eval":
            by_sit.setdefault(row["situation"], []).append(row)
    rng = random.Random(SEED)
    for rows in by_sit.values():
        rng.shuffle(rows)
    picked: list[dict[str, Any]] = []
    while any(by_sit.values()) and (limit is None or len(picked) < limit):
        for sit in sorted(by_sit):
            if by_sit[sit] and (limit is None or len(picked) < limit):
                picked.append(by_sit[sit].pop())
    return picked


def generate_new(examples: list[dict[str, Any]], tuned: bool) -> list[dict[str, Any]]:
    from trainer.customer.transformers_backend import TransformersCustomer
    from trainer.scenarios import Scenario

    backend = TransformersCustomer(tuned=tuned)
    out = []
    for ex in examples:
        scenario = Scenario.model_validate(scenario_dict(ex))
        line = backend.respond(context_for(ex, scenario, with_intent=True))
        out.append(
            {
                "example": ex["id"],
                "line": line.text,
                "source": line.source,
                "first_word_ms": round(line.first_token_ms, 1),
                "ms": round(line.total_ms, 1),
            }
        )
    return out


OLD_RUNNER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from eval_common import context_for, scenario_dict
from trainer.customer.transformers_backend import TransformersCustomer
from trainer.scenarios import Scenario
backend = TransformersCustomer()
for line in sys.stdin:
    ex = json.loads(line)
    scenario = Scenario.model_validate(scenario_dict(ex))
    got = backend.respond(context_for(ex, scenario, with_intent=False))
    print(json.dumps({"example": ex["id"], "line": got.text, "source": got.source,
                      "first_word_ms": round(got.first_token_ms, 1), "ms": round(got.total_ms, 1)}),
          flush=True)
"""


def generate_old(examples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run the pre-change pipeline from `git archive OLD_COMMIT` in a subprocess."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", OLD_COMMIT, "trainer"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        env = {**os.environ, "PYTHONPATH": tmp}
        proc = subprocess.run(
            [sys.executable, "-c", OLD_RUNNER, str(HERE)],
            input="".join(json.dumps(e) + "\n" for e in examples),
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp,
            check=False,
        )
        if proc.returncode != 0:
            raise SystemExit(f"old pipeline failed:\n{proc.stderr[-2000:]}")
        return [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]


def cmd_generate(args: argparse.Namespace) -> None:
    args.dir.mkdir(exist_ok=True)
    examples = held_out(args.limit)
    (args.dir / "examples.jsonl").write_text("".join(json.dumps(e) + "\n" for e in examples))
    for config in args.configs.split(","):
        if config == "old":
            rows = generate_old(examples)
        else:
            rows = generate_new(examples, tuned=config == "tuned")
        path = args.dir / f"lines-{config}.jsonl"
        path.write_text("".join(json.dumps({**r, "config": config}) + "\n" for r in rows))
        model = sum(r["source"] == "model" for r in rows) / max(1, len(rows))
        print(f"{config}: {len(rows)} lines, model-written {model:.0%} -> {path}", flush=True)


def cmd_sheet(args: argparse.Namespace) -> None:
    examples = {e["id"]: e for e in map(json.loads, (args.dir / "examples.jsonl").open())}
    items = []
    for path in sorted(args.dir.glob("lines-*.jsonl")):
        for row in map(json.loads, path.open()):
            items.append(row)
    random.Random(SEED).shuffle(items)
    sheet, key = [], []
    for n, row in enumerate(items, 1):
        ex = examples[row["example"]]
        item = f"item-{n:03d}"
        sheet.append(
            {
                "item": item,
                "customer": ex["name"],
                "who": ex["persona"],
                "how_they_talk": ex["voice"],
                "already_said": ex.get("said") or [],
                "conversation": [*ex["history"], {"role": "employee", "text": ex["reply"]}],
                "customer_next_line": row["line"],
            }
        )
        key.append(
            {
                "item": item,
                "config": row["config"],
                "example": row["example"],
                "source": row["source"],
            }
        )
    (args.dir / "sheet.jsonl").write_text("".join(json.dumps(s) + "\n" for s in sheet))
    (args.dir / "key.jsonl").write_text("".join(json.dumps(k) + "\n" for k in key))
    print(f"{len(sheet)} items -> {args.dir / 'sheet.jsonl'}")


def cmd_table(args: argparse.Namespace) -> None:
    key = {k["item"]: k for k in map(json.loads, (args.dir / "key.jsonl").open())}
    judged = [j for j in map(json.loads, (args.dir / "judgements.jsonl").open())]
    table: dict[str, dict[str, list[int]]] = {}
    for j in judged:
        config = key[j["item"]]["config"]
        for q in QUESTIONS:
            table.setdefault(config, {}).setdefault(q, []).append(int(bool(j[q])))
    print("| configuration | lines | " + " | ".join(QUESTIONS) + " | all four |")
    print("|---|---|" + "---|" * (len(QUESTIONS) + 1))
    for config in ("old", "base", "tuned-nofloor", "tuned"):
        if config not in table:
            continue
        cols = table[config]
        n = len(cols[QUESTIONS[0]])
        allfour = sum(all(cols[q][i] for q in QUESTIONS) for i in range(n))
        cells = [f"{sum(cols[q]) / n:.0%}" for q in QUESTIONS]
        print(f"| {config} | {n} | " + " | ".join(cells) + f" | {allfour / n:.0%} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--limit", type=int, default=60)
    g.add_argument("--configs", default="old,base,tuned")
    sub.add_parser("sheet")
    sub.add_parser("table")
    ap.add_argument("--dir", type=Path, default=EVAL, help="where the lines, sheet and key go")
    args = ap.parse_args(argv)
    {"generate": cmd_generate, "sheet": cmd_sheet, "table": cmd_table}[args.cmd](args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
