"""The default customer: a local causal LM (bundled SmolLM2-135M) on torch CPU."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

from trainer.customer.base import (
    CustomerBackend,
    CustomerContext,
    CustomerError,
    CustomerLine,
    OnChunk,
    OnProgress,
)
from trainer.customer.choose import choose
from trainer.customer.generation import PrefixCache, Sampling, StopTokens, sample_lines
from trainer.customer.prompt import build_prompt, opener
from trainer.customer.rerank import Embed, Reranker
from trainer.customer.scripted import closing_reply, script_line, stream_words


def turn_seed(ctx: CustomerContext) -> int:
    """Same seed + turn -> same candidates; no seed -> fresh ones every time."""
    if ctx.seed is None:
        return random.randrange(2**31)
    return (ctx.seed * 1_000_003 + ctx.turn_index * 7919) % (2**31)


class TransformersCustomer(CustomerBackend):
    """Samples candidates from a local LM, keeps the best in-character one, else the script."""

    name = "transformers"

    def __init__(
        self,
        model: str | None = None,
        *,
        embed: Embed | None = None,
        sampling: Sampling | None = None,
    ):
        self.model_ref = model
        self.sampling = sampling or Sampling()
        self.reranker = Reranker(embed)
        self.loaded: Any = None
        self.load_s = 0.0
        self._stops: StopTokens | None = None
        self._prefix = PrefixCache()
        self.reuse_prefix = True
        self.use_opener = True  # see prompt.OPENERS
        self._load_lock = threading.Lock()
        self._gen_lock = threading.Lock()

    def load(self, progress: OnProgress | None = None) -> None:
        """Load (converting the GGUF once) and warm the model and the reranker."""
        with self._load_lock:
            if self.loaded is not None:
                return
            from trainer.customer.loading import load_model

            loaded = load_model(self.model_ref, progress)
            self._stops = StopTokens(loaded.tokenizer)
            if progress:
                progress("Loading the line ranker", 0.95)
            self.reranker.embed(["warm up"])
            self.load_s = loaded.load_s
            self.loaded = loaded

    def generate(self, prompt: str, seed: int) -> Any:
        """Sample this backend's candidates for `prompt` (locked: one generation at a time)."""
        self.load()
        assert self._stops is not None
        sampling = Sampling(**{**self.sampling.__dict__, "seed": seed})
        from trainer.customer.loading import pick_threads
        from trainer.grader.encoder import torch_threads

        # torch's thread count is process-wide: take turns with the grader's encodes.
        with self._gen_lock, torch_threads(pick_threads()):
            return sample_lines(
                self.loaded.model,
                self.loaded.tokenizer,
                self._stops,
                prompt,
                sampling,
                prefix=self._prefix if self.reuse_prefix else None,
            )

    def respond(self, ctx: CustomerContext, on_chunk: OnChunk | None = None) -> CustomerLine:
        start = time.perf_counter()
        closing = closing_reply(ctx, on_chunk)
        if closing is not None:
            return closing
        intent = script_line(ctx)
        start_with = opener(ctx) if self.use_opener else ""
        try:
            generated = self.generate(build_prompt(ctx, intent, start_with), turn_seed(ctx))
        except CustomerError:
            raise
        except RuntimeError as exc:  # torch errors (out of memory, bad weights)
            raise CustomerError(f"the customer model failed: {exc}") from None
        texts = [f"{start_with} {t}".strip() for t in generated.texts]
        picked = choose(ctx, intent, texts, self.reranker)
        text = picked.text if picked.text is not None else intent
        stream_words(text, on_chunk)
        return CustomerLine(
            text=text,
            source="model" if picked.source == "model" and picked.text else "script",
            first_token_ms=generated.first_token_ms,
            total_ms=(time.perf_counter() - start) * 1000,
            candidates=picked.candidates,
            rejected=picked.rejected,
        )
