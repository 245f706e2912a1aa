"""The `grade` contract's JSON Lines: parse a line into a request, a result into a line.

Shared by `empathy-trainer grade` and `bench grader`, so the bench measures what users run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from trainer.types import FactRef, GradeRequest, GradeResult, Turn

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
        "signal_evidence": result.signal_evidence,
    }
    if result.model_reply:
        out["model_reply"] = result.model_reply
    return out


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


def grade_stream(load: Callable[[], Any], fh: IO[str], out: IO[str], raw: bool = False) -> None:
    """Grade every non-blank line in order; bad lines get an error line and the rest go on.

    `load` gives the grader; it is called on the first good line, so all-bad input stays fast.
    """
    grader: Any = None
    for chunk in _chunks(fh):
        parsed = [parse_line(line) for line in chunk]
        good = [p for p, _ in parsed if p is not None]
        results: Iterator[GradeResult] = iter([])
        if good:
            grader = grader or load()
            results = iter(grader.grade_many([p.request() for p in good], raw=raw))
        for p, error in parsed:
            row = error if p is None else result_json(p.id, next(results))
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.flush()
