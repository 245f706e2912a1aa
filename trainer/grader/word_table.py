"""Single-word embeddings computed ahead of time for the bundled MiniLM.

A reply's new words would otherwise cost a forward pass of their own (or be padded to its
clauses' length): with the table, the ~92% of reply words that are whole words of the model's
vocabulary cost a lookup. The vectors are what `Encoder` computes live in fp32, stored as int8
with a per-word scale (cosine to the live vector >= 0.9999 on the build's check), so scores do
not depend on whether a word came from here. `evals/grader/build_word_table.py` builds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trainer.grader.banks import data_dir

TABLE_FILE = "word_vectors.npz"
# The bundled model the table was computed with is checked by its weights' size, which is cheap
# to read at every start (hashing the 90 MB file would cost about 0.2 s).
WEIGHTS_FILE = "model.safetensors"


@dataclass
class WordTable:
    """Word -> unit vector, for the words computed ahead of time."""

    index: dict[str, int]
    codes: np.ndarray  # (n, dim) int8
    scales: np.ndarray  # (n,) float32

    def get(self, word: str) -> np.ndarray | None:
        row = self.index.get(word)
        if row is None:
            return None
        vec = self.codes[row].astype(np.float32) * self.scales[row]
        return vec / max(float(np.linalg.norm(vec)), 1e-9)

    def __len__(self) -> int:
        return len(self.index)


def table_path() -> Path:
    return data_dir() / TABLE_FILE


def weights_size(model_dir: str) -> int:
    path = Path(model_dir) / WEIGHTS_FILE
    return path.stat().st_size if path.is_file() else -1


def load(model_dir: str, path: Path | None = None) -> WordTable | None:
    """The table, or None when it is missing or was computed with other weights."""
    path = path or table_path()
    if not path.is_file():
        return None
    data = np.load(path)
    if int(data["weights_bytes"]) != weights_size(model_dir):
        return None
    words = bytes(data["words"]).decode("utf-8").split("\n")
    return WordTable({w: i for i, w in enumerate(words)}, data["codes"], data["scales"])


def save(path: Path, words: list[str], vecs: np.ndarray, model_dir: str) -> None:
    """Quantise unit vectors to int8 with one scale per word and write the table."""
    scales = np.abs(vecs).max(axis=1) / 127.0
    scales = np.maximum(scales, 1e-12).astype(np.float32)
    codes = np.round(vecs / scales[:, None]).astype(np.int8)
    np.savez(
        path,
        words=np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8),
        codes=codes,
        scales=scales,
        weights_bytes=np.int64(weights_size(model_dir)),
    )
