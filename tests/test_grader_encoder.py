"""How the grader's encoder spends forward passes: one per reply, words from the table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from trainer.grader.encoder import MAX_PASS_TEXTS, PASS_COST_TOKENS, length_groups

ROOT = Path(__file__).resolve().parent.parent


def _cost(lengths: list[int], groups: list[list[int]]) -> int:
    return sum(PASS_COST_TOKENS + len(g) * lengths[g[-1]] for g in groups)


def test_length_groups_cover_every_text_once_in_order() -> None:
    lengths = sorted([3, 3, 4, 4, 5, 12, 14, 15, 40, 41, 90])
    groups = length_groups(lengths)
    assert [i for g in groups for i in g] == list(range(len(lengths)))


def test_a_few_short_texts_share_one_pass() -> None:
    """Padding two words to a clause's length is cheaper than a second pass."""
    assert length_groups([3, 3, 12, 14]) == [[0, 1, 2, 3]]


def test_many_words_get_their_own_pass_rather_than_padding_to_a_long_clause() -> None:
    lengths = [3] * 30 + [60]
    groups = length_groups(lengths)
    assert groups == [list(range(30)), [30]]
    assert _cost(lengths, groups) < _cost(lengths, [list(range(31))])


def test_the_grouping_is_the_cheapest_split() -> None:
    """Against every split of a small case into consecutive groups."""
    lengths = [3, 4, 4, 9, 10, 18, 30]
    n = len(lengths)
    best = min(
        _cost(lengths, [list(range(a, b)) for a, b in zip((0, *cuts), (*cuts, n), strict=True)])
        for mask in range(1 << (n - 1))
        for cuts in [tuple(i + 1 for i in range(n - 1) if mask >> i & 1)]
    )
    assert _cost(lengths, length_groups(lengths)) == best


def test_a_pass_never_holds_more_than_its_limit() -> None:
    groups = length_groups([3] * (MAX_PASS_TEXTS * 2 + 5))
    assert max(len(g) for g in groups) <= MAX_PASS_TEXTS


@pytest.mark.slow
def test_the_word_table_holds_what_live_encoding_gives(grader: Any) -> None:
    table = grader.encoder.table
    assert table is not None and len(table) > 20_000
    words = ["frozen", "luggage", "suitcase", "refund", "exhausted", "wedding"]
    live = grader.encoder._encode(words)  # the model itself, bypassing table and caches
    for word, vec in zip(words, live, strict=True):
        stored = table.get(word)
        assert stored is not None, word
        assert float(stored @ vec) > 0.999, word


@pytest.mark.slow
def test_one_reply_is_one_forward_pass(grader: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer.types import GradeRequest, Turn

    history = [Turn("customer", "My grandmother's quilt came back from your cleaners with a burn.")]
    grader.prepare([t.text for t in history])
    calls: list[int] = []
    encode = grader.encoder.model.encode

    def counted(texts: list[str], **kwargs: Any) -> np.ndarray:
        calls.append(len(texts))
        return encode(texts, **kwargs)

    monkeypatch.setattr(grader.encoder.model, "encode", counted)
    reply = "A scorched heirloom quilt, that's heartbreaking. I'll have the manager call you today."
    grader.grade(GradeRequest(reply, history, "Ruth"))
    assert len(calls) == 1, calls


@pytest.mark.slow
def test_the_table_script_builds_a_table_that_loads(tmp_path: Path) -> None:
    out = tmp_path / "words.npz"
    run = subprocess.run(
        [sys.executable, "evals/grader/build_word_table.py", "--limit", "40", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    from trainer.grader import word_table
    from trainer.grader.encoder import default_model_path

    table = word_table.load(default_model_path(), out)
    assert table is not None and len(table) == 40
