"""The embedding grader: batches every text once, then scores each reply from its features."""

from __future__ import annotations

from typing import Any

import numpy as np

from trainer.grader import calibration, carried, flag_heads, learned, moves
from trainer.grader.banks import BANK_NAMES, load_banks
from trainer.grader.encoder import Doc, Encoder
from trainer.grader.features import extract
from trainer.grader.heard import hear, recency
from trainer.grader.overlap import WordVecs, exact_only
from trainer.grader.scoring import score
from trainer.grader.text import clean, content_stems, truncate
from trainer.types import DIMENSIONS, FactRef, GradeRequest, GradeResult


class EmbeddingGrader:
    """Scores replies on listening, acknowledgement, apology and personalization."""

    def __init__(self, model: str | None = None, use_heads: bool = True):
        self.encoder = Encoder(model)
        # The learned heads were fit on the bundled MiniLM's embeddings; another model gets
        # the heuristic scores only.
        self.heads = learned.load_heads() if use_heads and model is None else None
        self.flag_heads = flag_heads.load() if use_heads and model is None else None
        self.last_features: list[np.ndarray] = []
        """Each reply's input to the heads in the last grade_many (evals/grader/train_heads.py)."""
        self.model_id = self.encoder.model_ref
        self.banks = load_banks()
        self.bank_vecs: dict[str, np.ndarray] = {
            name: self.encoder.phrases(self.banks[name].phrases) for name in BANK_NAMES
        }

    def prepare(self, texts: list[str]) -> None:
        """Encode customer lines ahead of time (e.g. as they arrive) so grading only encodes
        the reply."""
        self.encoder.docs([t for t in (clean(x) for x in texts) if t])

    def grade(self, request: GradeRequest, raw: bool = False) -> GradeResult:
        """Score one reply (the customer's side is cached, so only the reply is encoded)."""
        return self.grade_many([request], raw=raw)[0]

    def grade_many(self, requests: list[GradeRequest], raw: bool = False) -> list[GradeResult]:
        """Score many replies with one batched encode; `raw` skips any saved calibration."""
        prepared = []
        texts: list[str] = []
        for req in requests:
            reply, truncated = truncate(clean(req.reply or ""))
            customer = [clean(t.text) for t in req.history if t.role == "customer" and t.text]
            facts = [FactRef(f.id, clean(f.text), f.keywords) for f in req.facts]
            strong = [clean(s) for s in req.strong_replies if s and s.strip()]
            prepared.append((req, reply, truncated, customer, facts, strong))
            texts += [reply, *customer, *(f.text for f in facts), *strong, *_earlier(req)]
        texts = [t for t in texts if t]
        words = self._words(prepared)
        self.encoder.warm(texts, words)
        docs = {d.text: d for d in self.encoder.docs(texts)}
        word_vecs = dict(zip(words, self.encoder.words(words), strict=True))
        curves = {} if raw else calibration.load().models.get(self.model_id, {})
        results = []
        self.last_features = []
        for req, reply, truncated, customer, facts, strong in prepared:
            results.append(
                self._one(req, reply, truncated, customer, facts, strong, docs, curves, word_vecs)
            )
        return results

    @staticmethod
    def _words(prepared: list[tuple[Any, ...]]) -> list[str]:
        """Every content word of the replies and of what the customer said, to embed on its
        own (cached like clauses) for matching close synonyms."""
        found: set[str] = set()
        for _req, reply, _trunc, customer, *_ in prepared:
            for text in (reply, *customer):
                found.update(w for w in content_stems(text).values() if not exact_only(w))
        return sorted(found)

    def _one(
        self,
        req: GradeRequest,
        reply: str,
        truncated: bool,
        customer: list[str],
        facts: list[FactRef],
        strong: list[str],
        docs: dict[str, Doc],
        curves: dict[str, calibration.Curve],
        word_vecs: WordVecs | None = None,
    ) -> GradeResult:
        if not reply:
            return GradeResult(
                scores=dict.fromkeys(DIMENSIONS, 0),
                evidence=dict.fromkeys(DIMENSIONS, "empty reply"),
                tip="Write a reply: say back what the customer told you and how it affects them.",
                signals={"apologized": False, "offered_repair": False, "blamed": False,
                         "dismissive": False, "sarcastic": False},
            )  # fmt: skip
        doc = docs[reply]
        facts = [f for f in facts if f.text]
        heard = hear(
            [docs[t] for t in customer],
            [len(customer) - 1 - i for i in range(len(customer))],
            [docs[t] for t in _earlier(req)],
        )
        fact_docs = [docs[f.text] for f in facts]
        what_was_said = [*customer, *(f.text for f in facts)]
        # What the customer said, as one vector for the heads: their latest line weighs most,
        # as it does for the heuristics (heard.recency).
        said_vec = sum(
            (recency(len(customer) - 1 - i) * docs[t].vec for i, t in enumerate(customer)),
            np.zeros_like(doc.vec),
        )
        said_unit = said_vec / max(float(np.linalg.norm(said_vec)), 1e-9) if customer else None

        def judge(d: Doc) -> tuple[Any, dict[str, int], dict[str, bool], dict[str, str]]:
            """Features, final scores, signals and pattern moves of `d` as this reply."""
            feats = extract(
                d, heard, facts, fact_docs, req.customer_name, self.banks, self.bank_vecs,
                word_vecs=word_vecs,
            )  # fmt: skip
            scored = score(feats, truncated)
            found = moves.detect(d.text)
            signals = {**scored.signals, **moves.signals_of(found)}
            said = d.vec if said_unit is None else said_unit
            literal = learned.literal_features(
                d.text, what_was_said, req.customer_name, customer[-1] if customer else ""
            )
            x = learned.feature_vector(d.vec, said, scored.scores, signals, literal)
            if d is doc:
                self.last_features.append(x)
            final = self.heads.scores(x, scored.scores, signals) if self.heads else scored.scores
            return (feats, scored), final, signals, found

        (feats, scored), learned_scores, signals, found = judge(doc)
        evidence = carried.with_carrying_clause(
            doc, learned_scores, scored.evidence, lambda d: judge(d)[1]
        )
        scores = calibration.apply(learned_scores, curves) if curves else learned_scores
        # The flags' words go beside the dimensions' evidence; a head adds only what no
        # pattern found, after the dimension heads (they were fit on the patterns' signals).
        flagged = {f: found[f] for f in flag_heads.FLAGS if f in found}
        if self.flag_heads:
            heads_found = self.flag_heads.detect(doc)
            if moves.finds_a_way(doc.text):
                # The head hears the rule being named; "our policy lets me waive it" names it
                # to get round it, which is the opposite of hiding behind it.
                heads_found.pop("policy", None)
            flagged = {**heads_found, **flagged}
        signals = {**signals, **dict.fromkeys(flagged, True)}
        model_reply = None
        if strong:
            sims = [float(doc.vec @ docs[s].vec) for s in strong]
            model_reply = strong[int(np.argmax(sims))]
        return GradeResult(
            scores=scores,
            evidence=evidence,
            signal_evidence=flagged,
            tip=scored.tip,
            model_reply=model_reply,
            signals=signals,
            facts_used=feats.facts_used,
            truncated=truncated,
        )


def _earlier(req: GradeRequest) -> list[str]:
    """The employee's earlier replies (cached: each was encoded when it was graded)."""
    return [c for c in (clean(t.text) for t in req.history if t.role == "employee") if c]
