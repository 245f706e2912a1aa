"""Compute the grader's table of single-word embeddings (trainer/grader/word_table.py).

    .venv/bin/python evals/grader/build_word_table.py [--limit N] [--out PATH]

The words: every whole word of the bundled MiniLM's vocabulary that the grader could match
(alphabetic, three letters or more, not a stopword, not a day, month or number, which only
match exactly), plus the words of the project's own training texts that the vocabulary splits
into pieces (customer corpus, scenarios, phrase banks, corpus-train and the original dev set).
Held-out splits and the bench inputs are left out, so the bench measures lookups a user's
reply would get, not its own words. Each word is encoded exactly as `Encoder.words` does live,
in fp32 on one thread: deterministic, about a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from trainer.grader import word_table  # noqa: E402
from trainer.grader.overlap import exact_only  # noqa: E402
from trainer.grader.text import STOPWORDS, content_stems  # noqa: E402

# Project-written texts that training already uses; never the held-out splits or bench.jsonl.
TRAINING_TEXTS = (
    "models/customer/corpus/*.jsonl",
    "trainer/library/*.yaml",
    "trainer/grader/data/*.yaml",
    "evals/grader/corpus-train.jsonl",
    "evals/grader/dev.jsonl",
)
# Words per forward pass: all about three tokens long, so big batches pad little.
BATCH = 256


def grader_word(word: str) -> bool:
    return len(word) >= 3 and word not in STOPWORDS and not exact_only(word)


def vocabulary_words(model_dir: str) -> list[str]:
    vocab = (Path(model_dir) / "vocab.txt").read_text(encoding="utf-8").splitlines()
    return [w for w in vocab if w.isascii() and w.isalpha() and grader_word(w)]


def training_words() -> set[str]:
    found: set[str] = set()
    for pattern in TRAINING_TEXTS:
        for path in sorted(ROOT.glob(pattern)):
            text = path.read_text(encoding="utf-8").replace("\\n", " ")
            found.update(w for w in content_stems(text).values() if grader_word(w))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N words (a test)")
    parser.add_argument("--out", type=Path, default=word_table.table_path())
    args = parser.parse_args()

    import os

    os.environ["EMPATHY_TRAINER_GRADER_DTYPE"] = "fp32"
    from trainer.grader.encoder import Encoder, default_model_path

    model_dir = default_model_path()
    words = list(dict.fromkeys(vocabulary_words(model_dir) + sorted(training_words())))
    if args.limit:
        words = words[: args.limit]
    encoder = Encoder(use_table=False)
    start = time.perf_counter()
    vecs = np.concatenate(
        [encoder.words(words[i : i + BATCH]) for i in range(0, len(words), BATCH)]
    )
    word_table.save(args.out, words, vecs, model_dir)
    table = word_table.load(model_dir, args.out)
    assert table is not None
    cos = min(float(table.get(w) @ v) for w, v in zip(words, vecs, strict=True))  # type: ignore[operator]
    print(
        f"{len(words)} words in {time.perf_counter() - start:.0f} s -> {args.out} "
        f"({args.out.stat().st_size / 1e6:.1f} MB); lowest cosine to the live vector {cos:.5f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
