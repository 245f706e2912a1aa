"""The one composition root: options -> store, grader and customer, sharing one embedder.

The CLI, the practice TUI, the benches and the tests build their parts here, so the rules
(the openai backend needs a URL; the customer's reranker reuses the grader's MiniLM instead of
loading a second copy) are written once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trainer.errors import TrainerError

if TYPE_CHECKING:
    from trainer.customer.base import CustomerBackend
    from trainer.store import Store
    from trainer.types import Grader

CUSTOMER_KINDS = ("transformers", "openai", "scripted")


@dataclass(frozen=True)
class RuntimeOptions:
    """Which database and models to use; None means the built-in default."""

    db_url: str | None = None
    customer: str = "transformers"
    customer_model: str | None = None
    customer_url: str | None = None
    grader_model: str | None = None
    seed: int | None = None


def check(options: RuntimeOptions) -> None:
    """Refuse options that cannot work, before anything slow is loaded."""
    if options.customer not in CUSTOMER_KINDS:
        raise TrainerError(
            f"unknown customer backend '{options.customer}'",
            f"choose one of: {', '.join(CUSTOMER_KINDS)}",
        )
    if options.customer == "openai" and not options.customer_url:
        raise TrainerError(
            "--customer openai needs --customer-url URL", "or set customer_url in config.toml"
        )


def open_store(options: RuntimeOptions) -> Store:
    from trainer import locations
    from trainer.store import open_store as _open

    return _open(options.db_url or locations.default_db_url())


def build_grader(options: RuntimeOptions) -> Grader:
    from trainer.grader import load_grader

    return load_grader(options.grader_model)


def shared_embed(
    grader: Grader | None, options: RuntimeOptions
) -> Callable[[list[str]], Any] | None:
    """The grader's MiniLM as the customer's reranker, when both use the bundled one.

    Without a grader yet (the CLI builds the customer first), the bundled grader is loaded on
    first use: the process still ends up holding one copy.
    """
    if options.grader_model is not None:
        return None  # a custom grader model may not be the reranker's MiniLM
    encoder = getattr(grader, "encoder", None)
    if encoder is not None:
        phrases: Callable[[list[str]], Any] = encoder.phrases
        return phrases

    def embed(texts: list[str]) -> Any:
        from trainer.grader import load_grader

        return load_grader(None).encoder.phrases(texts)  # type: ignore[attr-defined]

    return embed


def build_customer(options: RuntimeOptions, grader: Grader | None = None) -> CustomerBackend:
    """The customer backend (not loaded yet: its load() is slow and runs in a worker)."""
    from trainer.customer import make_backend

    check(options)
    embed = shared_embed(grader, options) if options.customer != "scripted" else None
    return make_backend(
        options.customer, model=options.customer_model, url=options.customer_url, embed=embed
    )
