"""Backends that play the customer: transformers (default), OpenAI-compatible HTTP, scripted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainer.customer.base import (
    CustomerBackend,
    CustomerContext,
    CustomerError,
    CustomerLine,
)
from trainer.customer.scripted import ScriptedCustomer, script_line

__all__ = [
    "CustomerBackend",
    "CustomerContext",
    "CustomerError",
    "CustomerLine",
    "ScriptedCustomer",
    "make_backend",
    "script_line",
]

KINDS = ("transformers", "openai", "scripted")


def make_backend(
    kind: str,
    model: str | None = None,
    url: str | None = None,
    *,
    embed: Callable[[list[str]], Any] | None = None,
) -> CustomerBackend:
    """Build (but do not load) the customer backend `kind`; heavy imports happen in load().

    `embed` (texts -> unit-norm numpy rows) lets the grader's embedder rank candidates too, so
    a process holds one MiniLM; without it the bundled MiniLM is loaded once per process.
    """
    if kind == "scripted":
        return ScriptedCustomer()
    if kind == "transformers":
        from trainer.customer.transformers_backend import TransformersCustomer

        return TransformersCustomer(model, embed=embed)
    if kind == "openai":
        if not url:
            raise CustomerError("the openai customer needs --customer-url URL")
        from trainer.customer.openai_backend import OpenAICustomer

        return OpenAICustomer(url, model=model, embed=embed)
    raise CustomerError(f"unknown customer backend '{kind}'; choose one of: {', '.join(KINDS)}")
