"""The scripted customer: the scenario's own lines, reacting by the engine's intent (tests, demos)."""

from __future__ import annotations

import random
import time
from typing import Literal

from trainer.customer.base import CustomerBackend, CustomerContext, CustomerLine, OnChunk

Tone = Literal["calmer", "neutral", "angrier"]

# A change this big in one turn is what the trainee just caused, so it beats the level.
_TREND = 5


def mood_tone(ctx: CustomerContext) -> Tone:
    """Which way the customer's wording should lean: the recent change first, then the level."""
    ending = ctx.scenario.ending
    low = max(40, ending.resolve_at + 5)
    high = min(80, ending.walkout_at - 15)
    if ctx.mood_change <= -_TREND:
        return "calmer"
    if ctx.mood_change >= _TREND:
        return "angrier"
    if ctx.mood <= low:
        return "calmer"
    if ctx.mood >= high:
        return "angrier"
    return "neutral"


def last_customer_line(ctx: CustomerContext) -> str | None:
    """The customer's previous line, which must not be said again straight away."""
    for turn in reversed(ctx.history):
        if turn.role == "customer":
            return turn.text
    return None


def last_employee_line(ctx: CustomerContext) -> str | None:
    """What the employee just said (the line the customer is answering)."""
    for turn in reversed(ctx.history):
        if turn.role == "employee":
            return turn.text
    return None


def ending_line(ctx: CustomerContext) -> str | None:
    """The scenario's closing line for a finished conversation, or None for a normal reply."""
    ending = ctx.scenario.ending
    return {
        "resolved": ending.resolved_line,
        "walked_out": ending.walkout_line,
        "out_of_turns": ending.out_of_turns_line,
    }.get(ctx.purpose)


def closing_reply(ctx: CustomerContext, on_chunk: OnChunk | None) -> CustomerLine | None:
    """Say the scenario's closing line when the conversation has ended, else None.

    Model backends call this first: the coach's ending is exactly what should be said, so
    there is nothing to sample.
    """
    start = time.perf_counter()
    closing = ending_line(ctx)
    if closing is None:
        return None
    stream_words(closing, on_chunk)
    ms = (time.perf_counter() - start) * 1000
    return CustomerLine(closing, "script", first_token_ms=ms, total_ms=ms)


def _rng(ctx: CustomerContext) -> random.Random:
    # A string seed hashes the same in every process (unlike hash()), so runs replay exactly.
    return random.Random(f"{ctx.seed or 0}:{ctx.turn_index}:{ctx.stage.id}")


def script_line(ctx: CustomerContext) -> str:
    """A scripted line for the stage that follows the mood, never the previous line again."""
    closing = ending_line(ctx)
    if closing is not None:
        return closing
    stage = ctx.stage
    tone = mood_tone(ctx)
    pools = {"calmer": stage.calmer_lines, "neutral": stage.lines, "angrier": stage.angrier_lines}
    previous = (last_customer_line(ctx) or "").strip()
    rng = _rng(ctx)
    # Widen step by step: the mood's own lines, then the plain ones, then anything in the stage.
    for pool in (
        pools[tone],
        stage.lines,
        [*stage.lines, *stage.calmer_lines, *stage.angrier_lines],
    ):
        fresh = [line for line in pool if line.strip() != previous]
        if fresh:
            return rng.choice(fresh)
    # A stage with a single line already said: say it again, but as a repeat.
    return f"Like I said: {stage.lines[0]}"


def stream_words(text: str, on_chunk: OnChunk | None) -> None:
    """Hand a finished line to the UI word by word (what a typing customer looks like)."""
    if on_chunk is None:
        return
    words = text.split(" ")
    for i, word in enumerate(words):
        on_chunk(word if i == 0 else " " + word)


class ScriptedCustomer(CustomerBackend):
    """Says only the scenario's lines, chosen by mood; instant and deterministic."""

    name = "scripted"

    def respond(self, ctx: CustomerContext, on_chunk: OnChunk | None = None) -> CustomerLine:
        from trainer.customer.reactions import facts_in, scripted_text

        start = time.perf_counter()
        closing = ending_line(ctx)
        if closing is not None:
            text, answered = closing, None
        elif ctx.intent is not None:
            text, answered = scripted_text(ctx, ctx.intent), ctx.intent.answer_fact
        else:
            text, answered = script_line(ctx), None
        stream_words(text, on_chunk)
        elapsed = (time.perf_counter() - start) * 1000
        return CustomerLine(
            text=text,
            source="script",
            first_token_ms=elapsed,
            total_ms=elapsed,
            facts_said=facts_in(text, ctx.scenario.facts, answered),
        )
