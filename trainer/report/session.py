"""Session and team reports as HTML, Markdown or JSON, built from what the store holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from trainer.engine.coaching import Moment, may_be_best
from trainer.engine.coaching import build_debrief as engine_debrief
from trainer.engine.replay import replay
from trainer.errors import TrainerError
from trainer.scoring import expected_scores
from trainer.store import NoteRow, SessionRow, TurnRow
from trainer.store.outcomes import outcome_status
from trainer.types import DIMENSIONS

if TYPE_CHECKING:
    from trainer.report.team import TeamReport
    from trainer.scenarios import Scenario
    from trainer.store import Store

Format = Literal["html", "md", "json"]


class ReportError(TrainerError, LookupError):
    """The report cannot be built from what the user asked for (one line)."""


class ReplyPick(BaseModel):
    """One employee reply singled out by the debrief."""

    idx: int
    quote: str
    mean: float
    reason: str
    tip: str | None = None
    better_reply: str | None = None


class ReportDebrief(BaseModel):
    """What the trainee saw after the session, recomputed from stored turns (no models)."""

    outcome: str | None
    averages: dict[str, float | None]
    best: ReplyPick | None = None
    weakest: ReplyPick | None = None
    unused_facts: list[str] = Field(default_factory=list)
    to_ask_about: list[str] = Field(
        default_factory=list, description="Gated facts never uncovered: what asking would find."
    )
    mood_path: list[int] = Field(default_factory=list)
    hints_used: int = 0
    retracted: int = 0


class SessionReport(BaseModel):
    """Everything a session report shows; `json` reports are this model dumped."""

    session: SessionRow
    customer_name: str | None = None
    averages: dict[str, float | None]
    turns: list[TurnRow] = Field(description="Every turn in order, retracted ones flagged.")
    notes: list[NoteRow]
    debrief: ReportDebrief
    generated: datetime


def status(session: SessionRow) -> str:
    """How a session stands, in the one vocabulary of trainer/store/outcomes.py."""
    return outcome_status(session.outcome, session.ended)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def reply_mean(turn: TurnRow) -> float | None:
    """The mean of a reply's four scores, or None for customer lines and ungraded turns."""
    if not turn.scores:
        return None
    vals = [turn.scores[d] for d in DIMENSIONS if d in turn.scores]
    return sum(vals) / len(vals) if vals else None


def averages(turns: list[TurnRow]) -> dict[str, float | None]:
    """Per-dimension mean over the graded, non-retracted employee replies whose stage
    expected that dimension (see `expected_scores`)."""
    graded = [expected_scores(t) for t in turns if t.role == "employee" and not t.retracted]
    return {d: _mean([float(s[d]) for s in graded if d in s]) for d in DIMENSIONS}


def ordered_turns(turns: list[TurnRow]) -> list[TurnRow]:
    """Turn order with a retracted attempt shown just before the reply that replaced it."""
    return sorted(turns, key=lambda t: (t.idx, 0 if t.retracted else 1, t.id or 0))


def _pick(moment: Moment | None) -> ReplyPick | None:
    if moment is None:
        return None
    return ReplyPick(
        idx=moment.idx,
        quote=moment.quote,
        mean=moment.mean,
        reason=moment.reason,
        tip=moment.tip,
        better_reply=moment.better_reply,
    )


def _engine_debrief(
    scenario: Scenario, session: SessionRow, live: list[TurnRow], every: list[TurnRow]
) -> ReportDebrief:
    """The engine's own debrief: replay the stored turns through the rules (no models), so
    it knows what the customer said, as the trainee's debrief screen did."""
    state = replay(scenario, live).state
    said = {f.id for f in state.said_facts(scenario)}
    kept_back = [f for f in scenario.facts if f.gated and f.id not in said]
    found = engine_debrief(
        scenario, live, state.said_facts(scenario), session.outcome, every, to_ask_about=kept_back
    )
    weakest = found.weakest
    if weakest is not None and found.best is not None and weakest.idx == found.best.idx:
        weakest = None
    return ReportDebrief(
        outcome=found.outcome,
        averages=found.averages,
        best=_pick(found.best),
        weakest=_pick(weakest),
        unused_facts=[f.text for f in found.unused_facts],
        to_ask_about=[f.text for f in found.to_ask_about],
        mood_path=found.mood_path,
        hints_used=found.hints_used,
    )


def build_debrief(
    scenario: Scenario | None, session: SessionRow, all_turns: list[TurnRow]
) -> ReportDebrief:
    """The debrief from stored turns: the engine's when the scenario is known, else a summary."""
    live = [t for t in all_turns if not t.retracted]
    retracted = sum(1 for t in all_turns if t.role == "employee" and t.retracted)
    # Hints count from every turn: a hint asked for before a reply that was taken back was used.
    hints = sum(1 for t in all_turns if t.role == "employee" and t.hint_used)
    if scenario is not None:
        debrief = _engine_debrief(scenario, session, live, all_turns)
        debrief.retracted = retracted
        debrief.hints_used = hints
        return debrief
    # The scenario file is gone (or was a draft): summarise from the turns alone.
    replies = [t for t in live if t.role == "employee" and reply_mean(t) is not None]
    debrief = ReportDebrief(
        outcome=session.outcome,
        averages=averages(live),
        mood_path=[t.mood for t in live if t.role == "customer" and t.mood is not None],
        hints_used=hints,
        retracted=retracted,
    )
    praised = [t for t in replies if may_be_best(t)]
    best = max(praised, key=lambda t: (reply_mean(t) or 0.0, -t.idx)) if praised else None
    if best is not None:
        strong = max(DIMENSIONS, key=lambda d: (best.scores or {}).get(d, 0))
        debrief.best = ReplyPick(
            idx=best.idx,
            quote=best.text,
            mean=round(reply_mean(best) or 0.0, 1),
            reason=(best.evidence or {}).get(strong) or f"strongest on {strong}",
        )
    if replies:
        worst = min(replies, key=lambda t: (reply_mean(t) or 0.0, t.idx))
        if worst is not best:
            weak = min(DIMENSIONS, key=lambda d: (worst.scores or {}).get(d, 100))
            debrief.weakest = ReplyPick(
                idx=worst.idx,
                quote=worst.text,
                mean=round(reply_mean(worst) or 0.0, 1),
                reason=worst.tip or (worst.evidence or {}).get(weak) or f"weakest on {weak}",
                better_reply=worst.model_reply,
            )
    return debrief


def session_report(
    store: Store, session_id: str, scenario: Scenario | None = None
) -> SessionReport:
    """Gather one session; raises ReportError when the id is unknown."""
    session = store.get_session(session_id)
    if session is None:
        raise ReportError(
            f"no session '{session_id}' in this database; see `empathy-trainer sessions list`"
        )
    turns = ordered_turns(store.turns(session_id, include_retracted=True))
    return SessionReport(
        session=session,
        customer_name=scenario.customer.name if scenario else None,
        averages=averages(turns),
        turns=turns,
        notes=store.notes(session_id=session_id),
        debrief=build_debrief(scenario, session, turns),
        generated=datetime.now(UTC),
    )


def render_session(report: SessionReport, fmt: Format) -> str:
    """The session report in the chosen format."""
    if fmt == "json":
        return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        from trainer.report.markdown import session_markdown

        return session_markdown(report)
    from trainer.report.html import session_html

    return session_html(report)


def render_team(report: TeamReport, fmt: Format) -> str:
    """The team report in the chosen format."""
    from trainer.report.markdown import team_json, team_markdown

    if fmt == "json":
        return team_json(report)
    if fmt == "md":
        return team_markdown(report)
    from trainer.report.html import team_html

    return team_html(report)
