"""The composition root: one place builds store, grader and customer, sharing one MiniLM."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from trainer import runtime
from trainer.errors import TrainerError
from trainer.runtime import RuntimeOptions


def test_openai_without_a_url_is_refused_before_loading() -> None:
    with pytest.raises(TrainerError, match="needs --customer-url"):
        runtime.build_customer(RuntimeOptions(customer="openai"))
    with pytest.raises(TrainerError, match="unknown customer backend"):
        runtime.check(RuntimeOptions(customer="parrot"))


def test_the_customer_ranks_with_the_graders_embedder() -> None:
    calls: list[list[str]] = []
    grader: Any = SimpleNamespace(encoder=SimpleNamespace(phrases=lambda t: calls.append(t)))
    customer: Any = runtime.build_customer(RuntimeOptions(), grader)
    customer.reranker.embed(["a line"])
    assert calls == [["a line"]], "the reranker must reuse the grader's encoder"


def test_a_custom_grader_model_keeps_its_own_reranker() -> None:
    grader: Any = SimpleNamespace(encoder=SimpleNamespace(phrases=lambda t: None))
    customer: Any = runtime.build_customer(RuntimeOptions(grader_model="/some/model"), grader)
    assert customer.reranker._embed is None


@pytest.mark.slow
def test_the_practice_services_hold_one_minilm() -> None:
    """Built the way the practice TUI's services build them (grader first, then the customer
    from it), the process holds one sentence-transformers model, not two. A fresh interpreter,
    so other tests' models don't count."""
    import subprocess
    import sys

    code = """
import gc
from sentence_transformers import SentenceTransformer
from trainer import runtime
opts = runtime.RuntimeOptions()
grader = runtime.build_grader(opts)
customer = runtime.build_customer(opts, grader)
customer.reranker.embed(["warm"])
print(sum(isinstance(o, SentenceTransformer) for o in gc.get_objects()))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "1"
