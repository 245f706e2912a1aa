"""Sampling customer lines: a KV cache kept across turns, and sentences streamed as they pass.

`generate()` in transformers would re-read the whole prompt each turn, expand it to every
candidate before prefill and run a stack of logits processors per token. Here:

- `ConversationCache` keeps the KV cache of the prompt's fixed part (head and every committed
  turn, `prompt.segments`), so a turn prefills only its new turns and the direction;
- `stream_line` samples a few candidates from one prefill, waits until each has its opening
  (first sentences up to OPENING_WORDS), keeps the best one that passes the filter, and from
  then on decodes that row alone, handing each further sentence out as soon as it passes (a
  failing sentence ends the line at the last good one).
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

OPENING_WORDS = 5
"""A row is ranked on its opening: its first sentences up to this many words. "Okay." or
"Yes, exactly." says nothing about the topic, so judged alone it failed the on-topic floor
(most of the 41 "off topic" among the 73 rejections over the bench's 30 lines) although
people open that way; with the sentence after it, the line is judged on what it says. The
filter still checks every sentence on its own."""


def opening_of(sentences: Sequence[str], finished: bool) -> list[str] | None:
    """The first sentences reaching OPENING_WORDS words; all of them once the row has ended;
    None while the row is still too short to judge."""
    words = 0
    for i, sentence in enumerate(sentences):
        words += len(sentence.split())
        if words >= OPENING_WORDS:
            return list(sentences[: i + 1])
    return list(sentences) if finished and sentences else None


@dataclass
class Sampling:
    candidates: int = 5
    """Rows sampled together; the opening of each (`opening_of`) is filtered and ranked. Most
    rows fail the filter or the on-topic floor, so sampling more finds a line the model wrote
    more often (bench, tuned model: 3 rows 40%, 5 rows 73%)."""
    enough: int = 3
    """Rank as soon as this many rows have a passing opening, instead of waiting for the
    slowest row: the first words then wait for the third-fastest of five, not the fifth."""
    max_new_tokens: int = 48
    """A hard stop; customer lines are 1-3 sentences, most 15-30 tokens."""
    max_sentences: int = 3
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
    prefilled_tokens: int = 0
    first_sentence_ms: float = 0.0
    rejected: list[tuple[str, str]] = field(default_factory=list)


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


class SegmentTokens:
    """Token ids per prompt segment, each tokenized on its own and remembered."""

    def __init__(self, tokenizer: Any, size: int = 512):
        self.tokenizer = tokenizer
        self.size = size
        self._ids: dict[str, list[int]] = {}

    def __call__(self, segment: str) -> list[int]:
        ids = self._ids.get(segment)
        if ids is None:
            if len(self._ids) >= self.size:
                self._ids.clear()
            ids = self.tokenizer(segment, add_special_tokens=False).input_ids
            self._ids[segment] = ids
        return ids


class ConversationCache:
    """The KV cache of the committed prompt (head + turns so far), kept across turns.

    Segments only ever get appended while a conversation goes on, so the cached ids are a
    prefix of the next turn's; a new conversation (or an undo) shares less, and the cache is
    cropped to the common prefix before prefilling the rest.
    """

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.cache: Any = None

    def sync(self, model: Any, ids: Sequence[int]) -> int:
        """Bring the cache to exactly `ids`; returns how many tokens had to be prefilled."""
        import torch
        from transformers import DynamicCache

        common = 0
        for a, b in zip(self.ids, ids, strict=False):
            if a != b:
                break
            common += 1
        # Keep one token to prefill so logits exist for the next step when nothing is new.
        if self.cache is None or common == 0:
            self.cache, self.ids, common = DynamicCache(config=model.config), [], 0
        elif common < len(self.ids):
            self.cache.crop(common - len(self.ids))  # negative: drop that many tokens
            self.ids = self.ids[:common]
        todo = list(ids[common:])
        if todo:
            with torch.inference_mode():
                model(
                    input_ids=torch.tensor([todo]),
                    cache=self.cache,
                    use_cache=True,
                    logits_to_keep=1,
                )
            self.ids = list(ids)
        return len(todo)

    def fork(self) -> Any:
        """A copy to generate from (sampling appends to it; the committed cache stays)."""
        return copy.deepcopy(self.cache)


SentenceCheck = Callable[[str, str], str | None]
"""(line so far, new sentence) -> why the sentence must not be said, or None."""
SentenceRank = Callable[[list[str]], list[float]]

_SENTENCE_END = re.compile(r"[.!?]+(?=\s)")


def _split_done(text: str) -> tuple[list[str], str]:
    """(complete sentences, the unfinished rest) of a row's text so far."""
    done: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        done.append(text[start : m.end()].strip())
        start = m.end()
    return [d for d in done if d], text[start:]


def _clean(text: str) -> str:
    """The line up to its closing quote or newline."""
    for stop in ('"', "\n"):
        cut = text.find(stop)
        if cut >= 0:
            text = text[:cut]
    return text.strip()


def stream_line(
    model: Any,
    tokenizer: Any,
    stops: StopTokens,
    conversation: ConversationCache,
    segments: SegmentTokens,
    fixed: Sequence[str],
    direction: str,
    sampling: Sampling,
    check: SentenceCheck,
    rank: SentenceRank | None = None,
    on_sentence: Callable[[str], None] | None = None,
) -> Generated:
    """Sample the customer's line sentence by sentence; `texts` is [line] or [] if none passed."""
    import torch

    start = time.perf_counter()
    generator = torch.Generator().manual_seed(sampling.seed)
    fixed_ids = [i for seg in fixed for i in segments(seg)]
    tail = segments(direction)
    prefilled = conversation.sync(model, fixed_ids)
    cache = conversation.fork()
    n = max(1, sampling.candidates)
    rows: list[list[int]] = [[] for _ in range(n)]
    alive = list(range(n))  # original row of each batch row
    chosen: int | None = None
    spoken: list[str] = []  # sentences handed out so far (of the chosen row)
    rejected: list[tuple[str, str]] = []
    firsts: dict[int, list[str]] = {}  # each row's opening, once it has passed the filter
    checked: dict[int, int] = {}  # how many of a row's sentences passed the filter
    first_ms = first_sentence_ms = 0.0
    times: list[float] = []
    steps = 0

    nxt: Any = None
    history: Any = None

    def keep_rows(keep: list[int]) -> None:
        nonlocal alive, nxt, history
        idx = torch.tensor([alive.index(r) for r in keep])
        cache.batch_select_indices(idx)
        nxt, history = nxt[idx], history[idx]
        alive = keep

    def commit(row: int, opening: list[str]) -> None:
        nonlocal chosen, first_sentence_ms
        chosen = row
        first_sentence_ms = (time.perf_counter() - start) * 1000
        for sentence in opening[: sampling.max_sentences]:
            spoken.append(sentence)
            if on_sentence is not None:
                on_sentence(sentence)

    ended: set[int] = set()
    done_of: dict[int, list[str]] = {}

    def sentences_of(row: int, finished: bool) -> list[str]:
        text = _clean(tokenizer.decode(rows[row], skip_special_tokens=True))
        done, rest = _split_done(text + " " if finished else text)
        if finished and rest.strip():
            done.append(rest.strip())  # the line ended without its full stop
        return done

    def speak_on(row: int) -> bool:
        """Hand out the chosen row's new sentences; False once the line is over."""
        if len(spoken) >= sampling.max_sentences:
            return False
        for sentence in done_of[row][len(spoken) :]:
            why = check(" ".join(spoken), sentence)
            if why:
                rejected.append((sentence, why))
                return False
            spoken.append(sentence)
            if on_sentence is not None:
                on_sentence(sentence)
            if len(spoken) >= sampling.max_sentences:
                return False
        return row not in ended

    with torch.inference_mode():
        out = model(input_ids=torch.tensor([tail]), cache=cache, use_cache=True, logits_to_keep=1)
        logits = out.logits[:, -1, :].expand(n, -1)
        cache.batch_repeat_interleave(n)
        for step in range(sampling.max_new_tokens):
            nxt = _sample(logits, history, sampling, generator)
            if step == 0:
                first_ms = (time.perf_counter() - start) * 1000
            times.append((time.perf_counter() - start) * 1000)
            steps += 1
            history = nxt[:, None] if history is None else torch.cat([history, nxt[:, None]], 1)
            stopped = torch.isin(nxt, stops.ids).tolist()
            keep: list[int] = []
            for pos, row in enumerate(alive):
                rows[row].append(int(nxt[pos]))
                piece = tokenizer.decode(rows[row], skip_special_tokens=True)
                if stopped[pos] or '"' in piece or "\n" in piece:
                    ended.add(row)
                done_of[row] = sentences_of(row, row in ended)
                if chosen is not None:
                    if speak_on(row):
                        keep.append(row)
                    continue
                if row not in firsts and done_of[row]:
                    sentences = done_of[row]
                    why: str | None = None
                    for i in range(checked.get(row, 0), len(sentences)):
                        why = check(" ".join(sentences[:i]), sentences[i])
                        if why:
                            rejected.append((sentences[i], why))
                            break
                    if why:
                        continue
                    checked[row] = len(sentences)
                    opening = opening_of(sentences, row in ended)
                    if opening is not None:
                        firsts[row] = opening
                if row in firsts or row not in ended:
                    if row not in ended:
                        keep.append(row)
                else:
                    rejected.append((_clean(piece), "no complete sentence"))
            ready = firsts and (
                all(r in firsts for r in keep) or len(firsts) >= max(1, sampling.enough)
            )
            if chosen is None and ready:
                # Every live row, or enough of them, has its opening: keep the best.
                cands = sorted(firsts)
                texts = [" ".join(firsts[r]) for r in cands]
                # Ranked even when one row is left: the ranker also holds the on-topic floor.
                scores = rank(texts) if rank else [0.0] * len(cands)
                if max(scores) == float("-inf"):
                    # All off topic: those rows go, the slower ones may still bring a line.
                    rejected += [(text, "off topic") for text in texts]
                    keep = [r for r in keep if r not in firsts]
                    firsts.clear()
                else:
                    best = cands[max(range(len(scores)), key=scores.__getitem__)]
                    commit(best, firsts[best])
                    keep = [best] if speak_on(best) else []
            if not keep or step == sampling.max_new_tokens - 1:
                break
            if keep != alive:
                keep_rows(keep)
            out = model(input_ids=nxt[:, None], cache=cache, use_cache=True)
            logits = out.logits[:, -1, :]
    total = (time.perf_counter() - start) * 1000
    line = " ".join(spoken).strip()
    return Generated(
        texts=[line] if line else [],
        first_token_ms=first_ms,
        total_ms=total,
        new_tokens=steps,
        prompt_tokens=len(fixed_ids) + len(tail),
        token_times_ms=times,
        prefilled_tokens=prefilled + len(tail),
        first_sentence_ms=first_sentence_ms,
        rejected=rejected,
    )


def decode_tokens(
    model: Any, tokenizer: Any, prompt: str, n_tokens: int, seed: int = 0
) -> list[float]:
    """Single-stream sampling of exactly `n_tokens` (no stops): per-token times in ms (bench)."""
    import torch
    from transformers import DynamicCache

    sampling = Sampling(candidates=1, seed=seed)
    generator = torch.Generator().manual_seed(seed)
    ids = tokenizer(prompt, return_tensors="pt").input_ids
    cache = DynamicCache(config=model.config)
    start = time.perf_counter()
    times = []
    with torch.inference_mode():
        out = model(input_ids=ids, cache=cache, use_cache=True, logits_to_keep=1)
        history = None
        for _ in range(n_tokens):
            nxt = _sample(out.logits[:, -1, :], history, sampling, generator)
            times.append((time.perf_counter() - start) * 1000)
            history = nxt[:, None] if history is None else torch.cat([history, nxt[:, None]], 1)
            out = model(input_ids=nxt[:, None], cache=cache, use_cache=True)
    return times
