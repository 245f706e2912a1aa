"""Sentence-by-sentence streaming and the conversation KV cache, on a scripted fake model.

The fake model emits a fixed token sequence per candidate row, so the tests pin down what
`stream_line` does with sentences (pass, cut, drop a row, rank), not what a model says.
"""

from __future__ import annotations

from typing import Any

import pytest

from trainer.customer.generation import (
    ConversationCache,
    Sampling,
    SegmentTokens,
    StopTokens,
    opening_of,
    stream_line,
)

# torch, transformers and the MiniLM are imported on one xdist worker only (the
# `--dist loadgroup` in pyproject.toml keeps a group on one worker).
pytestmark = pytest.mark.xdist_group("torch")

torch: Any = None
DynamicCache: Any = None
LlamaConfig: Any = None


@pytest.fixture(scope="module", autouse=True)
def _torch_and_transformers() -> None:
    """Imported when these tests run, not when pytest collects them: every xdist worker
    collects every module, and torch with transformers is about 4 s of imports."""
    global torch, DynamicCache, LlamaConfig
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    DynamicCache, LlamaConfig = transformers.DynamicCache, transformers.LlamaConfig


class WordTokenizer:
    """One token per word (with its leading space); id 1 is the closing quote."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {'"': 1}
        self.eos_token_id = None

    def ids(self, text: str) -> list[int]:
        out = []
        for word in text.replace('"', ' "').split():
            piece = word if word == '"' else " " + word
            out.append(self.vocab.setdefault(piece, len(self.vocab) + 1))
        return out

    def __call__(self, text: str, add_special_tokens: bool = False) -> Any:
        class Out:
            input_ids = self.ids(text)

        return Out()

    def get_vocab(self) -> dict[str, int]:
        return dict(self.vocab)

    def decode(self, ids: list[int], skip_special_tokens: bool = True) -> str:
        back = {v: k for k, v in self.vocab.items()}
        return "".join(back.get(i, "") for i in ids)


class ScriptedModel:
    """Row r of the batch says scripts[r] token by token, whatever the prompt."""

    def __init__(self, tok: WordTokenizer, scripts: list[str]) -> None:
        self.config = LlamaConfig(
            num_hidden_layers=1,
            hidden_size=8,
            num_attention_heads=1,
            num_key_value_heads=1,
            intermediate_size=8,
            vocab_size=64,
        )
        self.scripts = [[*tok.ids(s), 1] for s in scripts]
        self.rows = list(range(len(scripts)))
        self.step = 0
        self.calls: list[int] = []
        self.vocab = 256

    def __call__(self, input_ids: Any, cache: Any = None, use_cache: bool = True, **_: Any) -> Any:
        self.calls.append(int(input_ids.shape[1]))
        if cache is not None:  # a real cache object grows by the tokens fed
            b = int(input_ids.shape[0])
            kv = torch.zeros(b, 1, int(input_ids.shape[1]), 8)
            cache.update(kv, kv, 0)
        if input_ids.shape[0] == 1 and input_ids.shape[1] > 1:
            self.step = 0  # a prefill: the line starts
        logits = torch.full((int(input_ids.shape[0]), 1, self.vocab), -1e9)
        for pos in range(int(input_ids.shape[0])):
            row = self.rows[pos] if input_ids.shape[0] == len(self.rows) else pos
            script = self.scripts[row % len(self.scripts)]
            logits[pos, 0, script[min(self.step, len(script) - 1)]] = 0.0
        self.step += 1

        class Out:
            pass

        out = Out()
        out.logits = logits  # type: ignore[attr-defined]
        return out


def _run(scripts: list[str], check: Any, rank: Any = None) -> tuple[Any, list[str]]:
    tok = WordTokenizer()
    for s in scripts:
        tok.ids(s)
    model = ScriptedModel(tok, scripts)
    said: list[str] = []
    out = stream_line(
        model, tok, StopTokens(tok), ConversationCache(), SegmentTokens(tok),
        ["Head.\n", 'Staff: "hi"\n'], '(direction)\nDana: "',
        Sampling(candidates=1, temperature=0.01, repetition_penalty=1.0), check, rank, said.append,
    )  # fmt: skip
    return out, said


def test_sentences_are_handed_out_as_they_pass() -> None:
    out, said = _run(["No. That is my fault? Never. Fix it today."], lambda _s, _x: None)
    assert said == ["No.", "That is my fault?", "Never."]  # max_sentences = 3
    assert out.texts == ["No. That is my fault? Never."]


def test_a_failing_sentence_cuts_the_line_at_the_last_good_one() -> None:
    bad = "It cost 99 dollars."
    out, said = _run(
        [f"No, that is not fine. {bad} Fix it."], lambda _s, x: "invents" if "99" in x else None
    )
    assert said == ["No, that is not fine."] and out.texts == ["No, that is not fine."]
    assert (bad, "invents") in out.rejected


def test_no_passing_first_sentence_means_no_line() -> None:
    out, said = _run(["I'll fix it for you."], lambda _s, _x: "promises like the employee")
    assert out.texts == [] and said == []


def test_the_conversation_cache_prefills_only_what_is_new() -> None:
    tok = WordTokenizer()
    model = ScriptedModel(tok, ["x"])
    seg = SegmentTokens(tok)
    cache = ConversationCache()
    head = seg("Head words here.\n") + seg('Staff: "one two"\n')
    assert cache.sync(model, head) == len(head)
    longer = head + seg('Dana: "three four"\n')
    assert cache.sync(model, longer) == len(seg('Dana: "three four"\n'))
    assert cache.cache.get_seq_length() == len(longer)
    # An undo: the conversation is shorter and differs; the cache is cropped, not rebuilt.
    other = head + seg('Dana: "five"\n')
    # ('Dana:' is shared, so only the words after it are prefilled again.)
    assert cache.sync(model, other) == len(seg('Dana: "five"\n')) - 1
    assert cache.cache.get_seq_length() == len(other)


def test_a_dynamic_cache_is_what_the_cache_holds() -> None:
    tok = WordTokenizer()
    cache = ConversationCache()
    cache.sync(ScriptedModel(tok, ["x"]), [2, 3])
    assert isinstance(cache.cache, DynamicCache)


def test_a_short_opening_is_judged_with_the_sentence_after_it() -> None:
    assert opening_of(["Okay."], finished=False) is None, "too short to judge yet"
    assert opening_of(["Okay.", "The screen still flickers."], False) == [
        "Okay.",
        "The screen still flickers.",
    ]
    assert opening_of(["Okay."], finished=True) == ["Okay."], "a row that ended is judged as is"
    assert opening_of(["The screen still flickers again.", "Fix it."], False) == [
        "The screen still flickers again."
    ]


def test_an_opening_of_two_sentences_is_filtered_sentence_by_sentence() -> None:
    out, said = _run(
        ["Okay. It cost 99 dollars. Fix it."], lambda _s, x: "invents" if "99" in x else None
    )
    assert out.texts == [] and said == [], "the opening failed, so nothing was said"
    out, said = _run(["Okay. The screen still flickers. Fix it."], lambda _s, _x: None)
    assert said == ["Okay.", "The screen still flickers.", "Fix it."]


def test_a_lone_row_still_has_to_clear_the_on_topic_floor() -> None:
    """With one candidate left there is nothing to rank it against, but an off-topic opening
    (the ranker's -inf) is still no line: the scripted fallback is the better customer."""
    seen: list[list[str]] = []

    def off_topic(texts: list[str]) -> list[float]:
        seen.append(texts)
        return [float("-inf")] * len(texts)

    out, said = _run(["My pension is late again today."], lambda _s, _x: None, off_topic)
    assert seen == [["My pension is late again today."]]
    assert out.texts == [] and said == []
    assert ("My pension is late again today.", "off topic") in out.rejected


def test_ranking_starts_once_enough_rows_have_their_opening() -> None:
    """The first words wait for the `enough` fastest openings, not for the slowest row."""
    # Two sentences each, so no row ends (and leaves the batch) before the ranking.
    scripts = [
        "No, that is not good enough. Fix it.",
        "No, I want it fixed now. Today.",
        "No, well I have been coming here for years and years and never once did this.",
    ]
    tok = WordTokenizer()
    for s in scripts:
        tok.ids(s)
    ranked: list[list[str]] = []

    def rank(texts: list[str]) -> list[float]:
        ranked.append(texts)
        return [1.0 if "enough" in t else 0.5 for t in texts]

    said: list[str] = []
    stream_line(
        ScriptedModel(tok, scripts), tok, StopTokens(tok), ConversationCache(), SegmentTokens(tok),
        ["Head.\n"], '(direction)\nDana: "',
        Sampling(candidates=3, enough=2, temperature=0.01, repetition_penalty=1.0),
        lambda _s, _x: None, rank, said.append,
    )  # fmt: skip
    # (The fake's first token is the same for every row: each prefill feeds one row.)
    assert ranked == [["No, that is not good enough.", "No, I want it fixed now."]]
    assert said == ["No, that is not good enough.", "Fix it."]
