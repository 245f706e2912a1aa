"""`empathy-trainer bench grader`: load time, per-reply latency in a conversation, batch
throughput of `grade`, peak RSS, on the committed inputs in grader/data/bench.jsonl."""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import sys
import time
from collections import defaultdict
from typing import Any

from trainer.grader.banks import data_dir

WARMUP = 3


def bench_lines() -> list[str]:
    path = data_dir() / "bench.jsonl"
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _conversations(lines: list[str]) -> list[list[dict[str, Any]]]:
    """Group the bench replies by situation: each group is played as one conversation."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        row = json.loads(line)
        groups[row["id"].rsplit("-", 1)[0]].append(row)
    return list(groups.values())


def measure(model: str | None = None) -> dict[str, Any]:
    """Run the bench in this process (call it from a fresh one for a cold load)."""
    import sentence_transformers  # noqa: F401  (imports are not part of load time)
    import torch  # noqa: F401

    from trainer.cpu import cpu_report
    from trainer.grader import load_grader
    from trainer.grader.jsonl import grade_stream
    from trainer.types import FactRef, GradeRequest, Turn

    start = time.perf_counter()
    grader = load_grader(model)
    load_s = time.perf_counter() - start
    lines = bench_lines()

    # In a conversation: history grows turn by turn; each reply is scored alone, and the
    # customer's side (already seen) comes from the cache.
    latencies: list[float] = []
    for convo in _conversations(lines):
        history = [Turn(t["role"], t["text"]) for t in convo[0]["history"]]
        facts = [FactRef(f"f{i}", f) for i, f in enumerate(convo[0].get("facts", []))]
        for i, row in enumerate(convo):
            req = GradeRequest(row["reply"], list(history), row.get("customer_name"), facts)
            t0 = time.perf_counter()
            grader.grade(req, raw=True)
            if i >= 1:  # the first reply pays for encoding the opening line
                latencies.append((time.perf_counter() - t0) * 1000)
            # The customer's next line is encoded when it arrives, while the trainee types.
            line = convo[0]["facts"][i % len(convo[0]["facts"])]
            grader.prepare([line])
            history += [Turn("employee", row["reply"]), Turn("customer", line)]

    # Batch: the real `grade` path (parse, batch, write) over the bench set with cold caches.
    grader.encoder.clear_cache()
    sink = io.StringIO()
    t0 = time.perf_counter()
    grade_stream(lambda: grader, io.StringIO("\n".join(lines) + "\n"), sink, raw=True)
    batch_s = time.perf_counter() - t0

    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "load_s": round(load_s, 3),
        "ms_per_reply_p50": round(statistics.median(latencies[WARMUP:] or latencies), 2),
        "replies_per_s_batch": round(len(lines) / batch_s, 1),
        "rss_mb": round(rss_kb / 1024, 1),
        "replies": len(lines),
        "dtype": grader.encoder.dtype,  # type: ignore[attr-defined]
        "cpu": cpu_report(),
        "learned_heads": getattr(grader, "heads", None) is not None,
    }


def main(args: argparse.Namespace) -> int:
    """Print the grader bench as JSON (--json) or as aligned text."""
    result = measure(getattr(args, "grader_model", None))
    if getattr(args, "json", False):
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:<22} {value}")
    sys.stdout.flush()
    return 0
