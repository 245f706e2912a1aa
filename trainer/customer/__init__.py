"""Backends that play the customer: transformers (default), OpenAI-compatible HTTP, scripted."""

from __future__ import annotations

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


def make_backend(kind: str, model: str | None = None, url: str | None = None) -> CustomerBackend:
    """Build (but do not load) the customer backend `kind`; heavy imports happen in load()."""
    if kind == "scripted":
        return ScriptedCustomer()
    if kind == "transformers":
        from trainer.customer.transformers_backend import TransformersCustomer

        return TransformersCustomer(model)
    if kind == "openai":
        if not url:
            raise CustomerError("the openai customer needs --customer-url URL")
        from trainer.customer.openai_backend import OpenAICustomer

        return OpenAICustomer(url, model=model)
    raise CustomerError(f"unknown customer backend '{kind}'; choose one of: {', '.join(KINDS)}")
