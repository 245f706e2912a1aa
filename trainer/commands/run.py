"""`empathy-trainer run`: play a scenario headless from a file of replies, one per line."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainer.commands import common
from trainer.commands.common import UserError
from trainer.engine.rules import check_reply
from trainer.store import TurnRow
from trainer.types import DIMENSIONS


@dataclass(frozen=True)
class Reply:
    """One employee reply from the file, with its line number for messages."""

    line: int
    text: str


def read_replies(path: str) -> list[Reply]:
    """Every non-blank line of `path` (or stdin for '-'), checked before anything starts."""
    shown = "<stdin>" if path == "-" else path
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        raise UserError(
            f"{shown}: no such file (--replies wants a text file, one reply per line)"
        ) from None
    except IsADirectoryError:
        raise UserError(f"{shown}: is a folder; --replies wants a text file") from None
    except OSError as exc:
        raise UserError(f"{shown}: cannot read: {exc.strerror}") from None
    if b"\x00" in raw:
        raise UserError(f"{shown}: binary file; --replies wants plain text, one reply per line")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(f"{shown}:{line}: not UTF-8 text; save the file as UTF-8") from None
    replies: list[Reply] = []
    # split("\n"), not splitlines(): form feeds and other separators must be refused, not split on.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        try:
            replies.append(Reply(number, check_reply(line)))
        except ValueError as exc:
            raise UserError(f"{shown}:{number}: {exc}") from None
    if not replies:
        raise UserError(f"{shown}: no replies found; write one employee reply per line")
    return replies


def turn_json(turn: TurnRow) -> dict[str, Any]:
    """The contract's per-turn object, plus stage, idx and (for replies) evidence and tip."""
    if turn.role == "customer":
        return {
            "role": "customer",
            "text": turn.text,
            "mood": turn.mood,
            "latency_ms": turn.latency_ms or 0.0,
            "source": turn.source or "script",
            "stage": turn.stage_id,
            "idx": turn.idx,
        }
    return {
        "role": "employee",
        "text": turn.text,
        "scores": turn.scores,
        "latency_ms": turn.latency_ms,
        "evidence": {d: e for d, e in (turn.evidence or {}).items() if d in DIMENSIONS},
        "signal_evidence": {k: e for k, e in (turn.evidence or {}).items() if k not in DIMENSIONS},
        "tip": turn.tip,
        "mood": turn.mood,
        "stage": turn.stage_id,
        "hint_used": turn.hint_used,
        "idx": turn.idx,
    }


def _print_turn(turn: TurnRow) -> None:
    if turn.role == "customer":
        print(f"CUSTOMER [mood {turn.mood}, {turn.source}]: {turn.text}", flush=True)
        return
    scores = turn.scores or {}
    shown = "  ".join(f"{dim} {value}" for dim, value in scores.items())
    print(f"YOU: {turn.text}")
    print(f"      scores: {shown}  ({turn.latency_ms:.0f} ms)", flush=True)
    if turn.tip:
        print(f"      tip: {turn.tip}", flush=True)


def _print_explanation(why: dict[str, Any]) -> None:
    """The explanation in words, on stderr (stdout stays the transcript or the JSON)."""
    from trainer.engine.explain import describe

    for line in describe(why):
        print(f"      why: {line}", file=sys.stderr, flush=True)


def _skip_answered(replies: list[Reply], answered: list[str]) -> list[Reply]:
    """On --resume with the same file, lines already answered are not sent again."""
    texts = [r.text for r in replies[: len(answered)]]
    if answered and texts == answered:
        return replies[len(answered) :]
    return replies


def main(args: argparse.Namespace) -> int:
    from trainer.engine.explain import explain_last, explain_session_ending
    from trainer.engine.session import Session

    if getattr(args, "no_save", False) and args.resume:
        raise UserError("--no-save cannot --resume: an unsaved run leaves nothing to resume", 2)
    replies = read_replies(args.replies)
    scenario = common.load_scenario(args, args.scenario)
    scratch = None
    if getattr(args, "no_save", False):
        import tempfile

        from trainer.store import open_store

        # A throwaway database: the engine commits every turn as usual, nothing is kept.
        scratch = tempfile.TemporaryDirectory(prefix="empathy-trainer-unsaved-")
        store = open_store(f"sqlite:///{Path(scratch.name) / 'run.db'}")
    else:
        store = common.open_store(args)
    explain = bool(getattr(args, "explain", False))
    explained: list[dict[str, Any]] = []
    trainee = common.trainee(args)
    live = not args.json
    try:
        grader = common.make_grader(args)
        customer = common.make_customer(args)
        customer.load()
        if args.resume:
            row = store.latest_incomplete(trainee, scenario.id)
            if row is None:
                raise UserError(
                    f"no unfinished '{scenario.id}' session for {trainee} to resume; "
                    "run without --resume to start one"
                )
            try:
                session = Session.resume(row.id, scenario, store, grader, customer)
            except ValueError as exc:
                raise UserError(str(exc)) from None
            answered = [t.text for t in session.turns if t.role == "employee"]
            replies = _skip_answered(replies, answered)
            if live:
                print(f"Resuming session {session.id} after {len(answered)} replies.")
                for turn in session.turns:
                    _print_turn(turn)
            if session.awaiting_customer:
                reply_turn = session.respond()
                if live:
                    _print_turn(reply_turn)
        else:
            session = Session.start(scenario, trainee, store, grader, customer, seed=args.seed)
            if live:
                shown = f"unsaved-{session.id}" if scratch is not None else session.id
                print(f"Session {shown}: {scenario.title}")
                _print_turn(session.opening)
        unused: list[Reply] = []
        for i, reply in enumerate(replies):
            if session.finished:
                unused = replies[i:]
                break
            exchange = session.submit(reply.text, on_graded=_print_turn if live else None)
            if live:
                _print_turn(exchange.customer)
            if explain:
                why = explain_last(session)
                explained.append(why)
                _print_explanation(why)
        if unused:
            print(
                f"empathy-trainer: warning: the conversation ended ({session.outcome}) before "
                f"the replies did; {len(unused)} unused line(s) from {args.replies}:"
                f"{unused[0].line}",
                file=sys.stderr,
            )
        session_id = f"unsaved-{session.id}" if scratch is not None else session.id
        if args.json:
            out: dict[str, Any] = {
                "session_id": session_id,
                "scenario": scenario.id,
                "trainee": session.trainee,
                "outcome": session.outcome if session.finished else None,
                "turns": [turn_json(t) for t in session.turns],
                "unused_replies": len(unused),
                "mood": session.mood,
            }
            if explain:
                out["explain"] = {"replies": explained, "ending": explain_session_ending(session)}
                # The contract's place: an `explain` object on each employee turn of this run.
                mine = [t for t in out["turns"] if t["role"] == "employee"]
                for turn, why in zip(mine[len(mine) - len(explained) :], explained, strict=True):
                    turn["explain"] = why
                print(
                    "Why it ended this way: " + "; ".join(out["explain"]["ending"]), file=sys.stderr
                )
            print(json.dumps(out, ensure_ascii=False))
        else:
            print()
            if not session.finished and scratch is None:
                print(
                    f"The replies ran out before the conversation ended; continue with "
                    f"`empathy-trainer run --resume --scenario {scenario.id} --replies FILE`."
                )
            print(session.debrief().as_text())
            if explain:
                ending = "; ".join(explain_session_ending(session))
                print(f"Why it ended this way: {ending}", file=sys.stderr)
            if scratch is not None:
                print(f"Not saved (--no-save): session {session_id}")
        return 0
    finally:
        store.close()
        if scratch is not None:
            scratch.cleanup()
