"""`empathy-trainer grade`: JSON Lines in, one JSON line of scores and evidence out per line."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from trainer.commands.common import UserError, pick
from trainer.types import DIMENSIONS, FactRef, GradeRequest, GradeResult, Turn

CHUNK = 64  # lines graded per batch: big enough for throughput, small enough to stream


class TurnIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: str
    text: str

    @field_validator("role")
    @classmethod
    def _role(cls, v: str) -> str:
        if v not in ("customer", "employee"):
            raise ValueError("role must be 'customer' or 'employee'")
        return v


class FactIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str | None = None
    text: str
    keywords: list[str] = Field(default_factory=list)


class GradeLine(BaseModel):
    """One input line of the `grade` contract (extra keys such as `ratings` are allowed)."""

    model_config = ConfigDict(extra="allow")
    id: Any = None
    customer_name: str | None = None
    history: list[TurnIn] = Field(default_factory=list)
    reply: str
    facts: list[str | FactIn] = Field(default_factory=list)
    strong_replies: list[str] = Field(default_factory=list)

    def request(self) -> GradeRequest:
        facts = [
            FactRef(f"fact-{i + 1}", f) if isinstance(f, str)
            else FactRef(f.id or f"fact-{i + 1}", f.text, tuple(f.keywords))
            for i, f in enumerate(self.facts)
        ]  # fmt: skip
        return GradeRequest(
            reply=self.reply,
            history=[Turn(t.role, t.text) for t in self.history],  # type: ignore[arg-type]
            customer_name=self.customer_name,
            facts=facts,
            strong_replies=list(self.strong_replies),
            id=self.id,
        )


def parse_line(line: str) -> tuple[GradeLine | None, dict[str, Any] | None]:
    """The parsed line, or None and the error line to print instead."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, {"id": None, "error": f"not valid JSON: {exc.msg} at column {exc.colno}"}
    if not isinstance(data, dict):
        return None, {"id": None, "error": "expected a JSON object per line"}
    ident = data.get("id")
    try:
        return GradeLine.model_validate(data), None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "line"
        return None, {"id": ident, "error": f"{where}: {first['msg']}"}


def result_json(ident: Any, result: GradeResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": ident,
        "scores": result.scores,
        "evidence": result.evidence,
        "tip": result.tip,
        "signals": result.signals,
        "facts_used": result.facts_used,
        "truncated": result.truncated,
    }
    if result.model_reply:
        out["model_reply"] = result.model_reply
    return out


def _open(path: str) -> IO[str] | contextlib.nullcontext[IO[str]]:
    if path == "-":
        return contextlib.nullcontext(sys.stdin)  # never close the caller's stdin
    try:
        return open(path, encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None


def _chunks(lines: Iterable[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in lines:
        if line.strip():
            chunk.append(line)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _load(args: argparse.Namespace) -> Any:
    from trainer.grader import load_grader
    from trainer.grader.encoder import GraderLoadError

    try:
        return load_grader(pick(args, "grader_model"))
    except GraderLoadError as exc:
        raise UserError(str(exc)) from None


def grade_stream(args: argparse.Namespace, fh: IO[str], out: IO[str]) -> None:
    """Grade every non-blank line in order; bad lines get an error line and the rest go on."""
    from trainer.grader.calibration import CalibrationError

    grader: Any = None  # loaded on the first good line, so all-bad input stays fast
    for chunk in _chunks(fh):
        parsed = [parse_line(line) for line in chunk]
        good = [p for p, _ in parsed if p is not None]
        results: Iterator[GradeResult] = iter([])
        if good:
            grader = grader or _load(args)
            try:
                results = iter(grader.grade_many([p.request() for p in good], raw=args.raw))
            except CalibrationError as exc:
                raise UserError(str(exc)) from None
        for p, error in parsed:
            row = error if p is None else result_json(p.id, next(results))
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.flush()


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
