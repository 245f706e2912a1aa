"""A lead's own 0-2 ratings -> a monotone (isotonic) mapping per dimension, saved as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field, ValidationError

from trainer import locations
from trainer.errors import TrainerError
from trainer.types import DIMENSIONS


class Curve(BaseModel):
    """Piecewise-linear, non-decreasing map from a raw score to a calibrated one (0-100)."""

    x: list[float]
    y: list[float]
    n: int = 0

    def apply(self, value: float) -> int:
        return round(float(np.interp(value, self.x, self.y)))


class Calibration(BaseModel):
    """Curves per grader model (a mapping fitted for one model means nothing for another)."""

    models: dict[str, dict[str, Curve]] = Field(default_factory=dict)


class CalibrationError(TrainerError):
    """The saved calibration file is unreadable."""


def isotonic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pool-adjacent-violators: the non-decreasing fit of y on x (ties in x pooled first)."""
    order = np.argsort(x, kind="stable")
    xs, ys = x[order].astype(float), y[order].astype(float)
    ux, inverse = np.unique(xs, return_inverse=True)
    sums = np.bincount(inverse, weights=ys)
    counts = np.bincount(inverse).astype(float)
    blocks: list[list[float]] = []  # [sum, count, x_sum_weighted, x_count]
    for i in range(len(ux)):
        blocks.append([sums[i], counts[i], ux[i] * counts[i], counts[i]])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, c, xs_, xc = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
            blocks[-1][2] += xs_
            blocks[-1][3] += xc
    # One knot per block at its mean raw score keeps order inside blocks after interpolation.
    kx = np.array([b[2] / b[3] for b in blocks])
    ky = np.array([b[0] / b[1] for b in blocks])
    return kx, ky


def fit_curve(raw: list[float], ratings: list[float]) -> Curve:
    """Fit raw 0-100 scores to 0-2 ratings; the curve maps back onto 0-100."""
    kx, ky = isotonic(np.asarray(raw, dtype=float), np.asarray(ratings, dtype=float) * 50.0)
    # Pin the ends so scores outside the ratings' range still map sensibly.
    xs = [0.0, *kx.tolist(), 100.0]
    ys = [float(ky[0]), *ky.tolist(), float(ky[-1])]
    if kx[0] <= 0.0:
        xs, ys = xs[1:], ys[1:]
    if kx[-1] >= 100.0:
        xs, ys = xs[:-1], ys[:-1]
    return Curve(x=xs, y=ys, n=len(raw))


def spearman(a: Sequence[float], b: Sequence[float]) -> float | None:
    """Spearman rank correlation with average ranks for ties (None when undefined)."""
    if len(a) < 3:
        return None

    def ranks(v: Sequence[float]) -> np.ndarray:
        arr = np.asarray(v, dtype=float)
        order = arr.argsort(kind="stable")
        r = np.empty(len(arr))
        r[order] = np.arange(len(arr), dtype=float)
        for value in np.unique(arr):
            idx = arr == value
            r[idx] = r[idx].mean()
        return r

    ra, rb = ranks(a), ranks(b)
    if ra.std() == 0 or rb.std() == 0:
        return None
    return float(np.corrcoef(ra, rb)[0, 1])


_CACHE: dict[Path, tuple[int, Calibration]] = {}


def load(path: Path | None = None) -> Calibration:
    """The saved calibration, or an empty one when none has been fitted (re-read on change)."""
    path = path or locations.calibration_file()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return Calibration()
    cached = _CACHE.get(path)
    if cached and cached[0] == stamp:
        return cached[1].model_copy(deep=True)
    try:
        loaded = Calibration.model_validate(json.loads(path.read_text(encoding="utf-8")))
        _CACHE[path] = (stamp, loaded)
        return loaded.model_copy(deep=True)
    except (OSError, ValueError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise CalibrationError(
            f"{path}: unreadable calibration ({first}); delete it or run grade --calibrate again"
        ) from None


def save(calibration: Calibration, path: Path | None = None) -> Path:
    path = path or locations.calibration_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(calibration.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(path)
    return path


def apply(scores: dict[str, int], curves: dict[str, Curve]) -> dict[str, int]:
    return {d: curves[d].apply(v) if d in curves else v for d, v in scores.items()}


__all__ = ["DIMENSIONS", "Calibration", "CalibrationError", "Curve", "fit_curve", "spearman"]
