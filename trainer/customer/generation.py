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
    candidates: int = 6  # 4 left too few survivors of the stricter filter (models/README)
    max_new_tokens: int = 26
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


TOP_K = 64  # top-p is applied within the 64 likeliest tokens: no full-vocabulary sort per step


def _sample(logits: Any, history: Any, sampling: Sampling, generator: Any) -> Any:
    """Next token per row: CTRL repetition penalty on the row's own tokens, then top-p."""
    import torch

    logits = logits.float()
    if history is not None and sampling.repetition_penalty != 1.0:
        # Small models loop ("I'm back. I'm back."); only the tokens already said are touched.
        said = logits.gather(1, history)
        said = torch.where(
            said > 0, said / sampling.repetition_penalty, said * sampling.repetition_penalty
        )
        logits = logits.scatter(1, history, said)
    top_vals, top_idx = logits.topk(TOP_K, dim=-1)
    probs = torch.softmax(top_vals / max(sampling.temperature, 1e-5), dim=-1)
    cum = torch.cumsum(probs, dim=-1)
    # Keep the smallest set whose mass reaches top_p (always at least the top token).
    probs[(cum - probs) > sampling.top_p] = 0.0
    pick = torch.multinomial(probs, 1, generator=generator)
    return top_idx.gather(-1, pick).squeeze(-1)


class PrefixCache:
    """KV cache of the prompt's fixed head (persona, voice, facts, goal), reused across turns.

    The head only changes when the stage or the revealed facts do, so most turns prefill just
    the last few lines of transcript.
    """

    def __init__(self) -> None:
        self.key: str | None = None
        self.length = 0
        self.cache: Any = None

    def start(self, model: Any, tokenizer: Any, prompt: str) -> tuple[Any, Any, int]:
        """(cache to continue from or None, ids still to prefill, total prompt tokens)."""
        import copy

        import torch

        head, sep, tail = prompt.partition("\n\n")
        if not sep:
            ids = tokenizer(prompt, return_tensors="pt").input_ids
            return None, ids, int(ids.shape[1])
        head += sep
        if head != self.key:
            head_ids = tokenizer(head, return_tensors="pt").input_ids
            with torch.inference_mode():
                self.cache = model(
                    input_ids=head_ids, use_cache=True, logits_to_keep=1
                ).past_key_values
            self.key, self.length = head, int(head_ids.shape[1])
        rest = tokenizer(tail, return_tensors="pt", add_special_tokens=False).input_ids
        return copy.deepcopy(self.cache), rest, self.length + int(rest.shape[1])


def sample_lines(
    model: Any,
    tokenizer: Any,
    stops: StopTokens,
    prompt: str,
    sampling: Sampling,
    on_first_token: Callable[[], None] | None = None,
    prefix: PrefixCache | None = None,
) -> Generated:
    """Sample `sampling.candidates` continuations of `prompt`, each up to the end of the line."""
    import torch

    start = time.perf_counter()
    generator = torch.Generator().manual_seed(sampling.seed)
    if prefix is not None:
        past, ids, prompt_tokens = prefix.start(model, tokenizer, prompt)
    else:
        past, ids = None, tokenizer(prompt, return_tensors="pt").input_ids
        prompt_tokens = int(ids.shape[1])
    n = sampling.candidates
    out_tokens: list[list[int]] = [[] for _ in range(n)]
    active = list(range(n))  # original row of each row still in the batch
    first_ms = 0.0
    steps = 0
    times: list[float] = []
    with torch.inference_mode():
        out = model(input_ids=ids, past_key_values=past, use_cache=True, logits_to_keep=1)
        cache = out.past_key_values
        logits = out.logits[:, -1, :].expand(n, -1)
        cache.batch_repeat_interleave(n)
        history = None
        for step in range(sampling.max_new_tokens):
            nxt = _sample(logits, history, sampling, generator)
            if step == 0:
                first_ms = (time.perf_counter() - start) * 1000
                if on_first_token is not None:
                    on_first_token()
            times.append((time.perf_counter() - start) * 1000)
            steps += 1
            history = nxt[:, None] if history is None else torch.cat([history, nxt[:, None]], 1)
            for pos, row in enumerate(active):
                out_tokens[row].append(int(nxt[pos]))
            keep = ~torch.isin(nxt, stops.ids)
            if not bool(keep.any()) or step == sampling.max_new_tokens - 1:
                break
            if not bool(keep.all()):
                # Finished rows leave the batch so the remaining ones decode faster.
                idx = keep.nonzero().squeeze(-1)
                cache.batch_select_indices(idx)
                nxt, history = nxt[idx], history[idx]
                active = [active[i] for i in idx.tolist()]
            out = model(input_ids=nxt[:, None], past_key_values=cache, use_cache=True)
            logits = out.logits[:, -1, :]
    texts = [_clean(tokenizer.decode(toks, skip_special_tokens=True)) for toks in out_tokens]
    total = (time.perf_counter() - start) * 1000
    return Generated(texts, first_ms, total, steps, prompt_tokens, times)


def _clean(text: str) -> str:
    """The line up to its closing quote or newline."""
    for stop in ('"', "\n"):
        cut = text.find(stop)
        if cut >= 0:
            text = text[:cut]
    return text.strip()
