"""Batched sampling of several candidate lines with one shared prefill.

`generate()` in transformers expands the prompt to every candidate before prefill (4x the
work) and runs a stack of logits processors per token; this loop prefills once, repeats the
KV cache across candidates, samples with top-p and stops each row at the end of the quote.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Sampling:
    candidates: int = 4
    max_new_tokens: int = 32
    temperature: float = 0.8
    top_p: float = 0.9
    repetition_penalty: float = 1.3
    seed: int = 0


@dataclass
class Generated:
    texts: list[str]
    first_token_ms: float
    total_ms: float
    new_tokens: int
    prompt_tokens: int
    token_times_ms: list[float] = field(default_factory=list)


class StopTokens:
    """Token ids that end a customer's quoted line: a closing quote or a newline."""

    def __init__(self, tokenizer: Any):
        import torch

        vocab = tokenizer.get_vocab()
        ids = []
        for _piece, idx in vocab.items():
            text = tokenizer.decode([idx])
            if '"' in text or "\n" in text:
                ids.append(idx)
        if tokenizer.eos_token_id is not None:
            ids.append(tokenizer.eos_token_id)
        self.ids = torch.tensor(sorted(set(ids)), dtype=torch.long)


def _top_p_sample(logits: Any, top_p: float, temperature: float, generator: Any) -> Any:
    import torch

    probs = torch.softmax(logits.float() / max(temperature, 1e-5), dim=-1)
    sorted_probs, sorted_idx = torch.sort(probs, descending=True, dim=-1)
    cum = torch.cumsum(sorted_probs, dim=-1)
    # Keep the smallest set whose mass reaches top_p (always at least the top token).
    sorted_probs[(cum - sorted_probs) > top_p] = 0.0
    pick = torch.multinomial(sorted_probs, 1, generator=generator)
    return sorted_idx.gather(-1, pick).squeeze(-1)


def sample_lines(
    model: Any,
    tokenizer: Any,
    stops: StopTokens,
    prompt: str,
    sampling: Sampling,
    on_first_token: Callable[[], None] | None = None,
) -> Generated:
    """Sample `sampling.candidates` continuations of `prompt`, each up to the end of the line."""
    import torch

    start = time.perf_counter()
    generator = torch.Generator().manual_seed(sampling.seed)
    ids = tokenizer(prompt, return_tensors="pt").input_ids
    n = sampling.candidates
    out_tokens: list[list[int]] = [[] for _ in range(n)]
    active = list(range(n))  # original row of each row still in the batch
    first_ms = 0.0
    steps = 0
    times: list[float] = []
    with torch.inference_mode():
        out = model(input_ids=ids, use_cache=True)
        cache = out.past_key_values
        logits = out.logits[:, -1, :].expand(n, -1)
        cache.batch_repeat_interleave(n)
        seen = torch.zeros(n, logits.shape[-1], dtype=torch.bool)
        for step in range(sampling.max_new_tokens):
            if sampling.repetition_penalty != 1.0 and step:
                # CTRL-style penalty on the row's own tokens: small models loop ("I'm back. I'm back.").
                logits = logits.float()
                pen = torch.where(
                    logits > 0,
                    logits / sampling.repetition_penalty,
                    logits * sampling.repetition_penalty,
                )
                logits = torch.where(seen, pen, logits)
            nxt = _top_p_sample(logits, sampling.top_p, sampling.temperature, generator)
            if step == 0:
                first_ms = (time.perf_counter() - start) * 1000
                if on_first_token is not None:
                    on_first_token()
            times.append((time.perf_counter() - start) * 1000)
            steps += 1
            seen[torch.arange(len(active)), nxt] = True
            for pos, row in enumerate(active):
                out_tokens[row].append(int(nxt[pos]))
            keep = ~torch.isin(nxt, stops.ids)
            if not bool(keep.any()) or step == sampling.max_new_tokens - 1:
                break
            if not bool(keep.all()):
                # Finished rows leave the batch so the remaining ones decode faster.
                idx = keep.nonzero().squeeze(-1)
                cache.batch_select_indices(idx)
                nxt, seen = nxt[idx], seen[idx]
                active = [active[i] for i in idx.tolist()]
            out = model(input_ids=nxt[:, None], past_key_values=cache, use_cache=True)
            logits = out.logits[:, -1, :]
    texts = [_clean(tokenizer.decode(toks, skip_special_tokens=True)) for toks in out_tokens]
    total = (time.perf_counter() - start) * 1000
    return Generated(texts, first_ms, total, steps, int(ids.shape[1]), times)


def _clean(text: str) -> str:
    """The line up to its closing quote or newline."""
    for stop in ('"', "\n"):
        cut = text.find(stop)
        if cut >= 0:
            text = text[:cut]
    return text.strip()
