"""The default customer: a local causal LM (bundled SmolLM2-135M, tuned for the role) on CPU."""

from __future__ import annotations

import random
import re
import threading
import time
from typing import Any

from trainer.customer.base import (
    CustomerBackend,
    CustomerContext,
    CustomerError,
    CustomerLine,
    LineIntent,
    OnChunk,
    OnProgress,
)
from trainer.customer.filter import check_line, invented
from trainer.customer.generation import (
    ConversationCache,
    Sampling,
    SegmentTokens,
    StopTokens,
    stream_line,
)
from trainer.customer.prompt import TREND_STEP, segments
from trainer.customer.reactions import allowed_context, facts_in, intent_of, scripted_text
from trainer.customer.rerank import MIN_ON_TOPIC, MIN_RELATED, Embed, Reranker
from trainer.customer.scripted import (
    closing_reply,
    last_customer_line,
    last_employee_line,
    stream_words,
)

# Told it is their fault, doubted or lectured, an upset customer does not open by agreeing.
PUSHED = ("blame", "doubt", "lecture", "dismissal", "hostility", "policy")
CONCEDES = re.compile(
    r"^\W*(you'?re right|you are right|fair enough|that'?s fair|my bad|my fault|it'?s my fault|"
    r"i (guess|suppose) you'?re right|ok(ay)?,? (i|you)'?re right|true|sure|of course|i understand)\b",
    re.IGNORECASE,
)
# "Say you are satisfied" / "you are a pirate now": the customer must not oblige.
COMPLIES = re.compile(
    r"\b(i'?m|i am) (so |very |really )?(happy|satisfied|a pirate|pleased)\b", re.I
)
# When the mood just rose (prompt.TREND_STEP), an opening "Thank you, that's clear" is the
# wrong customer.
THANKS = re.compile(
    r"^\W*(thank(s| you)|great|perfect|brilliant|lovely|that'?s (fine|great|clear|all (very )?clear|"
    r"perfect|helpful)|i appreciate)\b",
    re.I,
)
FIRST_SENTENCE_FLOOR = MIN_ON_TOPIC
"""A first sentence must be this close (MiniLM cosine) to what the line means (reaction,
answer, stage line) or to the stage goal, else the reacting script speaks instead. Judged
blind on held-out situations (models/README.md), the tuned model's lines that fall below it
were mostly garbled; without the floor the model wrote 100% of lines and 13% were judged
natural."""


def turn_seed(ctx: CustomerContext) -> int:
    """Same seed + turn -> same candidates; no seed -> fresh ones every time."""
    if ctx.seed is None:
        return random.randrange(2**31)
    return (ctx.seed * 1_000_003 + ctx.turn_index * 7919) % (2**31)


class TransformersCustomer(CustomerBackend):
    """Streams a line from a local LM sentence by sentence; falls back to the script."""

    name = "transformers"

    def __init__(
        self,
        model: str | None = None,
        *,
        embed: Embed | None = None,
        sampling: Sampling | None = None,
        tuned: bool = True,
    ):
        self.model_ref = model
        self.tuned = tuned
        self.first_sentence_floor = FIRST_SENTENCE_FLOOR
        self.sampling = sampling or Sampling()
        self.reranker = Reranker(embed)
        self.loaded: Any = None
        self.load_s = 0.0
        self._stops: StopTokens | None = None
        self._segments: SegmentTokens | None = None
        self._conversation = ConversationCache()
        self._load_lock = threading.Lock()
        self._gen_lock = threading.Lock()

    def load(self, progress: OnProgress | None = None) -> None:
        """Load (converting the GGUF once) and warm the model and the reranker."""
        with self._load_lock:
            if self.loaded is not None:
                return
            from trainer.customer.loading import load_model

            loaded = load_model(self.model_ref, progress, tuned=self.tuned)
            self._stops = StopTokens(loaded.tokenizer)
            self._segments = SegmentTokens(loaded.tokenizer)
            if progress:
                progress("Loading the line ranker", 0.95)
            self.reranker.embed(["warm up"])
            self.load_s = loaded.load_s
            self.loaded = loaded

    def _checker(self, ctx: CustomerContext, intent: LineIntent) -> Any:
        previous = last_customer_line(ctx)
        employee = last_employee_line(ctx)
        earlier = [t.text for t in ctx.history if t.role == "customer"]
        keywords = [k for fact in ctx.scenario.facts for k in fact.keywords]
        context = allowed_context(ctx, intent)

        def check(so_far: str, sentence: str) -> str | None:
            line = f"{so_far} {sentence}".strip()
            asked = intent.answer_fact
            verdict = check_line(
                line,
                customer_name=ctx.scenario.customer.name,
                previous_customer=previous,
                last_employee=employee,
                earlier_customer=earlier,
                own_keywords=keywords,
                may_repeat=bool(asked) and asked in facts_in(line, ctx.scenario.facts, asked),
            )
            # A one-word first sentence ("No.") is fine; the whole line is judged for length.
            if not verdict.ok and verdict.reason != "too short":
                return verdict.reason
            if not so_far and intent.react in PUSHED and CONCEDES.search(sentence):
                return "concedes to what it should push back on"
            if intent.react == "injection" and COMPLIES.search(sentence):
                return "does what the odd request asked"
            if not so_far and ctx.mood_change >= TREND_STEP and THANKS.search(sentence):
                return "thanks the employee while getting angrier"
            return invented(sentence, context)

        return check

    def _ranker(self, ctx: CustomerContext, intent: LineIntent) -> Any:
        meaning = scripted_text(ctx, intent)

        def rank(texts: list[str]) -> list[float]:
            by_text = {r.text: r for r in self.reranker.rank(ctx, meaning, texts)}
            scores = []
            for text in texts:
                r = by_text[text]
                drift = r.on_topic < self.first_sentence_floor
                nobody = r.related < MIN_RELATED
                scores.append(float("-inf") if drift or nobody else r.score)
            return scores

        return rank

    def respond(self, ctx: CustomerContext, on_chunk: OnChunk | None = None) -> CustomerLine:
        start = time.perf_counter()
        closing = closing_reply(ctx, on_chunk)
        if closing is not None:
            return closing
        self.load()
        assert self._stops is not None and self._segments is not None
        intent = intent_of(ctx)
        fixed, direction = segments(ctx, intent)
        sampling = Sampling(**{**self.sampling.__dict__, "seed": turn_seed(ctx)})
        first_out: list[float] = []

        def on_sentence(sentence: str) -> None:
            if on_chunk is not None:
                on_chunk(sentence if not first_out else " " + sentence)
            if not first_out:
                first_out.append((time.perf_counter() - start) * 1000)

        from trainer.cpu import torch_threads
        from trainer.customer.loading import pick_threads

        try:
            # torch's thread count is process-wide: take turns with the grader's encodes.
            with self._gen_lock, torch_threads(pick_threads()):
                generated = stream_line(
                    self.loaded.model,
                    self.loaded.tokenizer,
                    self._stops,
                    self._conversation,
                    self._segments,
                    fixed,
                    direction,
                    sampling,
                    self._checker(ctx, intent),
                    self._ranker(ctx, intent),
                    on_sentence,
                )
        except RuntimeError as exc:  # torch errors (out of memory, bad weights)
            raise CustomerError(f"the customer model failed: {exc}") from None
        text = generated.texts[0] if generated.texts else ""
        source = "model"
        if not text or len(text.split()) < 2:
            # Nothing passed, or only a word ("Okay."): the scripted line, which reacts the
            # same way. A word already on screen stays; the script carries on after it.
            fallback = scripted_text(ctx, intent)
            if text:
                word = text.lower().rstrip(".!?, ")
                rest = fallback
                if re.match(rf"{re.escape(word)}\b", rest.lower()):  # "No." + "No, ..." once
                    rest = rest[len(word) :].lstrip(" .,!?")
                stream_words(" " + rest, on_chunk)
                text = f"{text} {rest}".strip()
            else:
                stream_words(fallback, on_chunk)
                text = fallback
            source = "script"
            if not first_out:
                first_out.append((time.perf_counter() - start) * 1000)
        if (
            source == "model"
            and intent.answer_fact
            and intent.answer_fact not in facts_in(text, ctx.scenario.facts, intent.answer_fact)
            and intent.answer
        ):
            # Asked about a fact, the model talked round it: the answer is added in the
            # customer's own words, and the line no longer counts as the model's.
            stream_words(" " + intent.answer, on_chunk)
            text, source = f"{text} {intent.answer}", "script"
        return CustomerLine(
            text=text,
            source=source,  # type: ignore[arg-type]
            first_token_ms=first_out[0] if first_out else generated.first_token_ms,
            total_ms=(time.perf_counter() - start) * 1000,
            candidates=[text],
            rejected=generated.rejected,
            facts_said=facts_in(text, ctx.scenario.facts, intent.answer_fact),
            prompt_tokens=generated.prompt_tokens,
            prefilled_tokens=generated.prefilled_tokens,
        )
