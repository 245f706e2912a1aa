"""`empathy-trainer bench customer [--json]`: speed, quality and memory of the customer model.

Runs on committed inputs (customer_data/) with the model cache warm. fp32 agreement is measured
last, after `rss_mb` is taken, so the extra fp32 copy does not count against the footprint.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("customer_data")
DECODE_TOKENS = 40


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


@dataclass
class BenchLine:
    line: Any
    reply: str
    asked_fact: str | None  # the fact id the reply asked about (answer expected), if any


def run_conversations(backend: Any) -> list[BenchLine]:
    """Play the committed conversations with the engine's intent; every line produced."""
    from trainer import locations
    from trainer.customer.base import CustomerContext
    from trainer.customer.scripted import script_line
    from trainer.engine.intent import build_intent
    from trainer.engine.rules import facts_open_at
    from trainer.scenarios import load_library
    from trainer.types import Turn

    library = load_library([locations.bundled_scenarios_dir()])
    spec = json.loads((DATA / "conversations.json").read_text(encoding="utf-8"))
    lines = []
    for conv in spec["conversations"]:
        scenario = library.get(conv["scenario"])
        assert scenario is not None, conv["scenario"]
        stages = {s.id: s for s in scenario.stages}
        order = [s.id for s in scenario.stages]
        history = [Turn("customer", scenario.opening)]
        for i, step in enumerate(conv["steps"]):
            history.append(Turn("employee", step["reply"]))
            stage = stages[step["stage"]]
            open_ids = facts_open_at(scenario, order.index(stage.id))
            ctx = CustomerContext(
                scenario=scenario,
                stage=stage,
                mood=step["mood"],
                mood_change=step["change"],
                history=list(history),
                revealed_facts=[scenario.fact(f) for f in step["reveals"]],
                turn_index=i + 1,
                seed=conv["seed"],
            )
            ctx.intent = build_intent(
                scenario, step["reply"], {}, {}, ctx.history, open_ids, step["reveals"],
                stage.reveals, script_line(ctx),
            )  # fmt: skip
            answer = ctx.intent.answer
            asked = ctx.intent.answer_fact if answer not in (None, "not_yet") else None
            line = backend.respond(ctx)
            lines.append(BenchLine(line, step["reply"], asked))
            history.append(Turn("customer", line.text))
    return lines


def decode_speed(backend: Any) -> float:
    """Single-stream decode tokens/s after the first token (no stop tokens, fixed length)."""
    from trainer.customer.generation import decode_tokens

    loaded = backend.loaded
    prompt = (DATA / "transcript.txt").read_text(encoding="utf-8").rsplit("\n", 2)[0]
    rates = []
    for seed in range(3):
        times = decode_tokens(loaded.model, loaded.tokenizer, prompt, DECODE_TOKENS, seed)
        rates.append((len(times) - 1) / ((times[-1] - times[0]) / 1000))
    return statistics.median(rates)


def fp32_agreement(backend: Any) -> tuple[float, float]:
    """Share of transcript positions where this configuration's top token equals fp32's, and KL."""
    import torch
    from transformers import AutoModelForCausalLM

    loaded = backend.loaded
    text = (DATA / "transcript.txt").read_text(encoding="utf-8")
    ids = loaded.tokenizer(text, return_tensors="pt").input_ids
    path = loaded.reference_path
    reference = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()
    with torch.inference_mode():
        ref = reference(input_ids=ids).logits[0].float()
        got = loaded.model(input_ids=ids).logits[0].float()
    agree = (ref.argmax(-1) == got.argmax(-1)).float().mean().item()
    logp_ref = torch.log_softmax(ref, -1)
    kl = (logp_ref.exp() * (logp_ref - torch.log_softmax(got, -1))).sum(-1).mean().item()
    return agree, kl


def measure(model: str | None = None) -> dict[str, Any]:
    """Every number `bench customer` reports."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import sentence_transformers  # noqa: F401  (imports are not part of load_s)
    import torch  # noqa: F401
    import transformers

    transformers.utils.logging.disable_progress_bar()
    from trainer.cpu import cpu_report
    from trainer.customer.loading import bundled_adapter
    from trainer.customer.transformers_backend import TransformersCustomer

    backend = TransformersCustomer(model)
    start = time.perf_counter()
    backend.load()
    total_load = time.perf_counter() - start
    played = run_conversations(backend)
    lines = [p.line for p in played]
    asked = [p for p in played if p.asked_fact]
    answered = [p for p in asked if p.asked_fact in p.line.facts_said]
    tokens_per_s = decode_speed(backend)
    rss = _peak_rss_mb()
    agreement, kl = fp32_agreement(backend)
    # The customer's first_token_ms is when its first words reach the screen; the old key
    # keeps its name for the contract, the new one says what it measures.
    first_word = round(statistics.median(x.first_token_ms for x in lines), 1)
    return {
        "load_s": round(backend.load_s, 2),
        "ttft_ms_p50": first_word,
        "first_word_ms_p50": first_word,
        "tokens_per_s": round(tokens_per_s, 1),
        "line_ms_p50": round(statistics.median(x.total_ms for x in lines), 1),
        "model_line_rate": round(sum(x.source == "model" for x in lines) / len(lines), 3),
        "fp32_agreement": round(agreement, 3),
        "rss_mb": round(rss, 1),
        "model": backend.loaded.source.label,
        "dtype": str(backend.loaded.model.dtype).removeprefix("torch."),
        "kernels": backend.loaded.kernels,
        "load_with_ranker_s": round(total_load, 2),
        "from_cache": backend.loaded.from_cache,
        "lines": len(lines),
        "candidates": backend.sampling.candidates,
        "line_ms_p90": round(statistics.quantiles([x.total_ms for x in lines], n=10)[-1], 1),
        "fp32_kl": round(kl, 4),
        "cpu": cpu_report(),
        "prompt_tokens_p50": statistics.median(x.prompt_tokens for x in lines),
        "prefilled_tokens_p50": statistics.median(x.prefilled_tokens for x in lines),
        "prefilled_tokens": [x.prefilled_tokens for x in lines],
        "questions": len(asked),
        "questions_answered": len(answered),
        "questions_answered_by_model": sum(p.line.source == "model" for p in answered),
        # Why sampled sentences were not said, most common first: where the model line rate goes.
        "rejections": dict(
            Counter(why for x in lines for _sentence, why in x.rejected).most_common()
        ),
        "tuned": bool(getattr(backend, "tuned", False) and bundled_adapter() and model is None),
        "samples": [
            {"reply": p.reply, "text": p.line.text, "source": p.line.source} for p in played
        ],
    }


def main(args: argparse.Namespace) -> int:
    """Run the customer bench and print JSON (--json) or a short table."""
    result = measure(getattr(args, "customer_model", None))
    if getattr(args, "json", False):
        print(json.dumps(result))
        return 0
    for key, value in result.items():
        if key != "samples":
            print(f"{key:>20}  {value}")
    print("\nlines:", file=sys.stdout)
    for sample in result["samples"]:
        print(f"  [{sample['source']}] {sample['text']}")
    return 0
