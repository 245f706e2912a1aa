"""The customer's LoRA adapter: it ships, merges into the cached weights exactly, and the
training and evaluation scripts run end to end on a slice."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
ADAPTER = ROOT / "trainer/customer/adapter"


def test_the_adapter_ships_with_its_provenance() -> None:
    from trainer.customer.loading import bundled_adapter

    assert bundled_adapter() == ADAPTER
    config = json.loads((ADAPTER / "adapter_config.json").read_text())
    assert config["r"] == 16 and "SmolLM2-135M-Instruct" in config["base_model_name_or_path"]
    metrics = json.loads((ADAPTER / "metrics.json").read_text())
    assert metrics["held_out_loss_after"] < metrics["held_out_loss_before"]


def test_merged_weights_match_the_adapter_applied_live() -> None:
    """The first start merges the adapter into the cached weights; the merged model must give
    the same logits as the base model with the adapter applied live."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from trainer.customer.loading import load_model

    base = load_model(None, reuse=False, tuned=False)
    tuned = load_model(None, reuse=False, tuned=True)
    assert tuned.path != base.path, "the tuned weights have their own cache folder"
    ids = base.tokenizer('Staff: "That is your own fault."\nDana: "', return_tensors="pt").input_ids
    live = PeftModel.from_pretrained(
        AutoModelForCausalLM.from_pretrained(base.reference_path, dtype=torch.float32),
        str(ADAPTER),
    ).eval()
    merged = AutoModelForCausalLM.from_pretrained(tuned.reference_path, dtype=torch.float32).eval()
    with torch.inference_mode():
        a = live(input_ids=ids).logits
        b = merged(input_ids=ids).logits
        plain = AutoModelForCausalLM.from_pretrained(base.reference_path, dtype=torch.float32)(
            input_ids=ids
        ).logits
    assert torch.allclose(a, b, atol=2e-3), float((a - b).abs().max())
    assert not torch.allclose(a, plain, atol=1e-2), "the adapter must change the model"


def test_training_runs_end_to_end_on_a_slice(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "models/customer/train.py", "--max-steps", "2", "--limit", "16",
         "--eval-limit", "8", "--out", str(tmp_path), "--save-every", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=True,
    )  # fmt: skip
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["steps"] == 2 and (tmp_path / "adapter_model.safetensors").is_file()
    assert (tmp_path / "checkpoints" / "latest.pt").is_file()
    resumed = subprocess.run(
        [sys.executable, "models/customer/train.py", "--max-steps", "3", "--limit", "16",
         "--eval-limit", "8", "--out", str(tmp_path), "--resume"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=True,
    )  # fmt: skip
    assert "resumed at step 2" in resumed.stdout, out.stdout[-500:]


def test_held_out_evaluation_runs_on_a_slice(tmp_path: Path) -> None:
    run = [sys.executable, "models/customer/evaluate.py", "--dir", str(tmp_path)]
    subprocess.run([*run, "generate", "--limit", "2", "--configs", "tuned"],
                   cwd=ROOT, capture_output=True, text=True, timeout=900, check=True)  # fmt: skip
    subprocess.run([*run, "sheet"], cwd=ROOT, check=True, capture_output=True)
    items = [json.loads(x)["item"] for x in (tmp_path / "sheet.jsonl").read_text().splitlines()]
    assert len(items) == 2
    (tmp_path / "judgements.jsonl").write_text("".join(
        json.dumps({"item": i, "in_role": True, "responds": False, "consistent": True,
                    "real_person": True}) + "\n" for i in items
    ))  # fmt: skip
    table = subprocess.run([*run, "table"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "| in_role | responds | consistent | real_person | all four |" in table.stdout
    assert "| tuned | 2 | 100% | 0% | 100% | 100% | 0% |" in table.stdout
