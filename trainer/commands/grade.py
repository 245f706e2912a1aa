"""`empathy-trainer grade`: JSON Lines in, one JSON line of scores and evidence out per line."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import IO, Any

from trainer.commands.common import UserError, pick
from trainer.grader import jsonl
from trainer.grader.jsonl import GradeLine, parse_line, result_json  # noqa: F401  (re-exported)
from trainer.types import DIMENSIONS


def _open(path: str) -> IO[str] | contextlib.nullcontext[IO[str]]:
    if path == "-":
        return contextlib.nullcontext(sys.stdin)  # never close the caller's stdin
    try:
        return open(path, encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None


def _load(args: argparse.Namespace) -> Any:
    from trainer.grader import load_grader
    from trainer.grader.encoder import GraderLoadError

    try:
        return load_grader(pick(args, "grader_model"))
    except GraderLoadError as exc:
        raise UserError(str(exc)) from None


def grade_stream(args: argparse.Namespace, fh: IO[str], out: IO[str]) -> None:
    """Grade a JSON Lines stream with the grader the flags choose."""
    jsonl.grade_stream(lambda: _load(args), fh, out, raw=args.raw)


def calibrate(args: argparse.Namespace) -> int:
    """Fit a monotone mapping per dimension to the lead's 0-2 ratings and save it."""
    from trainer import locations
    from trainer.grader import calibration as cal

    rows: list[tuple[GradeLine, dict[str, float]]] = []
    with _open(args.calibrate) as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            parsed, error = parse_line(line)
            ratings = getattr(parsed, "ratings", None) if parsed else None
            valid = isinstance(ratings, dict) and all(
                d in DIMENSIONS and isinstance(v, int | float) and 0 <= v <= 2
                for d, v in ratings.items()
            )
            if parsed is None or not valid:
                why = error["error"] if error else 'needs "ratings": {dimension: 0-2, ...}'
                print(f"{args.calibrate}:{number}: skipped: {why}", file=sys.stderr)
                continue
            rows.append((parsed, ratings))  # type: ignore[arg-type]
    if not rows:
        raise UserError(f"{args.calibrate}: no usable rated lines (each needs reply and ratings)")
    grader = _load(args)
    results = grader.grade_many([p.request() for p, _ in rows], raw=True)
    try:
        saved = cal.load()
    except cal.CalibrationError:
        saved = cal.Calibration()  # refitting replaces an unreadable file
    curves = dict(saved.models.get(grader.model_id, {}))
    print(f"{'dimension':<16} {'n':>4} {'spearman before':>16} {'after':>7}")
    fitted = 0
    for dim in DIMENSIONS:
        pairs = [
            (res.scores[dim], r[dim]) for (_, r), res in zip(rows, results, strict=True) if dim in r
        ]
        raw_scores, human = [p[0] for p in pairs], [float(p[1]) for p in pairs]
        if len(pairs) < 3 or len(set(human)) < 2:
            print(f"{dim:<16} {len(pairs):>4} {'(too few varied ratings, not fitted)':>24}")
            continue
        curve = cal.fit_curve(raw_scores, human)
        after = [curve.apply(s) for s in raw_scores]
        before_r, after_r = cal.spearman(raw_scores, human), cal.spearman(after, human)
        curves[dim] = curve
        fitted += 1
        print(f"{dim:<16} {len(pairs):>4} {_fmt(before_r):>16} {_fmt(after_r):>7}")
    if not fitted:
        raise UserError(
            f"{args.calibrate}: need at least 3 lines with two different ratings per dimension"
        )
    saved.models[grader.model_id] = curves
    path = cal.save(saved, locations.calibration_file())
    print(f"saved calibration for {fitted} dimension(s) to {path}")
    return 0


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def main(args: argparse.Namespace) -> int:
    """Entry point of `empathy-trainer grade`."""
    if getattr(args, "calibrate", None):
        return calibrate(args)
    with _open(args.file) as fh:
        grade_stream(args, fh, sys.stdout)
    return 0
