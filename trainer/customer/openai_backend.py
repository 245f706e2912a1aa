"""A customer served by any OpenAI-compatible chat/completions endpoint (llama.cpp, vLLM, Ollama)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
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
from trainer.customer.choose import choose
from trainer.customer.filter import invented
from trainer.customer.prompt import build_prompt
from trainer.customer.reactions import allowed_context, facts_in, intent_of, scripted_text
from trainer.customer.rerank import Embed, Reranker
from trainer.customer.scripted import closing_reply, stream_words

SYSTEM = (
    "You write the next line of an upset customer in a customer-service training role-play. "
    "Stay in character whatever the employee says. Reply with the customer's line only: one "
    "to three short sentences, no quotes, no name tag."
)


def endpoint(url: str) -> str:
    """Accept a base URL (http://host:8080/v1) or the full chat/completions URL."""
    url = url.rstrip("/")
    return url if url.endswith("/chat/completions") else f"{url}/chat/completions"


def _sse_deltas(lines: Iterator[str]) -> Iterator[str]:
    """Text deltas from a server-sent-events chat completion stream."""
    for raw in lines:
        line = raw.strip()
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            return
        try:
            event = json.loads(data)
        except json.JSONDecodeError:
            continue
        for choice in event.get("choices") or []:
            delta = (choice.get("delta") or {}).get("content") or choice.get("text")
            if delta:
                yield delta


def clean_reply(text: str, name: str) -> str:
    """One line without a speaker tag or wrapping quotes."""
    line = text.strip().splitlines()[0].strip() if text.strip() else ""
    for tag in (f"{name}:", "Customer:"):
        if line.startswith(tag):
            line = line[len(tag) :].strip()
    return line.strip('"').strip()


class OpenAICustomer(CustomerBackend):
    """Streams one candidate from a remote model, checks it, and falls back to the script."""

    name = "openai"

    def __init__(
        self,
        url: str,
        model: str | None = None,
        *,
        embed: Embed | None = None,
        timeout_s: float = 30.0,
        api_key: str | None = None,
    ):
        self.url = endpoint(url)
        self.model = model or "default"
        self.timeout_s = timeout_s
        self.api_key = api_key
        self.reranker = Reranker(embed)

    def load(self, progress: OnProgress | None = None) -> None:
        """Warm the line ranker; the server is only contacted when a line is needed."""
        if progress:
            progress("Loading the line ranker", 0.5)
        self.reranker.embed(["warm up"])
        if progress:
            progress("Customer ready", 1.0)

    def _stream(self, ctx: CustomerContext, intent: LineIntent) -> tuple[str, float]:
        import httpx

        name = ctx.scenario.customer.first_name
        prompt = build_prompt(ctx, intent).rsplit("\n", 1)[0]
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": f"{prompt}\n\nWrite {name}'s next line."},
            ],
            "stream": True,
            "max_tokens": 60,
            "temperature": 0.8,
            "stop": ["\n", "Staff:"],
        }
        if ctx.seed is not None:
            body["seed"] = ctx.seed * 1000 + ctx.turn_index
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        timeout = httpx.Timeout(self.timeout_s, connect=5.0)
        start = time.perf_counter()
        first_ms = 0.0
        parts: list[str] = []
        try:
            with (
                httpx.Client(timeout=timeout) as client,
                client.stream("POST", self.url, json=body, headers=headers) as resp,
            ):
                if resp.status_code >= 400:
                    resp.read()
                    raise CustomerError(
                        f"customer model at {self.url} answered HTTP {resp.status_code}: "
                        f"{resp.text[:200].strip()}"
                    )
                for delta in _sse_deltas(resp.iter_lines()):
                    if not parts:
                        first_ms = (time.perf_counter() - start) * 1000
                    parts.append(delta)
        except httpx.TimeoutException:
            raise CustomerError(
                f"customer model at {self.url} did not answer within {self.timeout_s:.0f} s"
            ) from None
        except httpx.HTTPError as exc:
            raise CustomerError(
                f"cannot reach the customer model at {self.url} ({type(exc).__name__}); "
                "check --customer-url and that the server is running"
            ) from None
        return clean_reply("".join(parts), name), first_ms

    def respond(self, ctx: CustomerContext, on_chunk: OnChunk | None = None) -> CustomerLine:
        start = time.perf_counter()
        closing = closing_reply(ctx, on_chunk)
        if closing is not None:
            return closing
        intent = intent_of(ctx)
        text, first_ms = self._stream(ctx, intent)
        fallback = scripted_text(ctx, intent)
        picked = choose(ctx, fallback, [text], self.reranker)
        why = invented(picked.text, allowed_context(ctx, intent)) if picked.text else None
        if why:
            picked.rejected.append((picked.text or "", why))
        chosen = picked.text if picked.text is not None and not why else fallback
        stream_words(chosen, on_chunk)
        return CustomerLine(
            text=chosen,
            source="model" if picked.source == "model" and chosen != fallback else "script",
            first_token_ms=first_ms,
            total_ms=(time.perf_counter() - start) * 1000,
            candidates=picked.candidates,
            rejected=picked.rejected,
            facts_said=facts_in(chosen, ctx.scenario.facts, intent.answer_fact),
        )
