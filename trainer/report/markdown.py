"""Markdown reports: the same content as the HTML ones, as plain text that pastes into tickets."""

from __future__ import annotations

from datetime import timedelta

from trainer.report import SessionReport, status
from trainer.report.assignments import Attempt, status_words
from trainer.report.team import TeamReport
from trainer.report.trends import Trend
from trainer.store import NoteRow
from trainer.types import DIMENSIONS

_BLOCKS = " ▁▂▃▄▅▆▇█"


def _num(v: float | int | None) -> str:
    return "–" if v is None else f"{v:.0f}" if isinstance(v, int) else f"{v:.1f}"


def _whole(v: float | None) -> str:
    return "–" if v is None else f"{v:.0f}"


def safe(text: str) -> str:
    """User text with HTML made inert: Markdown renderers pass raw HTML through, so a reply
    holding `<script>` or `<img onerror=…>` would run wherever the report is viewed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _quote(text: str) -> str:
    return "\n".join("> " + line for line in safe(text).splitlines() or [""])


def sparkline(values: list[float | None], top: float = 100.0) -> str:
    """A one-line text chart (blank where a value is missing)."""
    return "".join(
        " " if v is None else _BLOCKS[max(1, round(min(v, top) / top * 8))] for v in values
    )


def _note(n: NoteRow) -> str:
    where = "session" if n.turn_idx is None else f"turn {n.turn_idx}"
    return f"- **{safe(n.author)}** ({n.created:%Y-%m-%d %H:%M} UTC, {where}): {safe(n.text)}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return out


def session_markdown(report: SessionReport) -> str:
    """One session as Markdown."""
    s = report.session
    customer = report.customer_name or "Customer"
    out = [
        f"# {safe(s.scenario_title)}",
        "",
        f"{safe(s.trainee)} · `{s.scenario_id}` v{s.scenario_version} · {s.sector} · "
        f"started {s.started:%Y-%m-%d %H:%M} UTC · outcome: **{status(s)}** · "
        f"session `{s.id}`",
        "",
        "## Averages",
        "",
        *_table(list(DIMENSIONS), [[_num(report.averages.get(d)) for d in DIMENSIONS]]),
        "",
        "## Charts",
        "",
    ]
    replies = [t for t in report.turns if t.role == "employee" and t.scores and not t.retracted]
    for d in DIMENSIONS:
        vals = [float(t.scores[d]) if t.scores else None for t in replies]
        out.append(f"- {d:<16} `{sparkline(vals)}` " + " ".join(_whole(v) for v in vals))
    moods = [t.mood for t in report.turns if t.role == "customer" and not t.retracted]
    mood_vals = [None if m is None else float(m) for m in moods]
    out.append(f"- {'mood':<16} `{sparkline(mood_vals)}` " + " ".join(_num(m) for m in moods))
    out += ["", "## Transcript", ""]
    for t in report.turns:
        who = safe(customer if t.role == "customer" else s.trainee)
        tags = []
        if t.retracted:
            tags.append("retracted")
        if t.hint_used:
            tags.append("hint used")
        if t.role == "customer" and t.mood is not None:
            tags.append(f"mood {t.mood}")
        tag = f" _({', '.join(tags)})_" if tags else ""
        text = f"~~{t.text}~~" if t.retracted else t.text
        out.append(f"**{t.idx}. {who}**{tag}")
        out.append("")
        out.append(_quote(text))
        if t.scores:
            out.append("")
            out.append(" · ".join(f"{d} **{t.scores.get(d, 0)}**" for d in DIMENSIONS))
        if t.evidence:
            out += [f"- _{d}_: {safe(t.evidence[d])}" for d in DIMENSIONS if t.evidence.get(d)]
        if t.tip:
            out.append(f"- Tip: {safe(t.tip)}")
        out += [_note(n) for n in report.notes if n.turn_idx == t.idx]
        out.append("")
    db = report.debrief
    out += ["## Debrief", ""]
    if db.best:
        out += [f"**Best reply** (turn {db.best.idx}, mean {db.best.mean:.0f})", "",
                _quote(db.best.quote), "", safe(db.best.reason), ""]  # fmt: skip
    if db.weakest:
        out += [f"**To work on** (turn {db.weakest.idx}, mean {db.weakest.mean:.0f})", "",
                _quote(db.weakest.quote), "", safe(db.weakest.reason), ""]  # fmt: skip
        if db.weakest.tip:
            out += [f"Tip: {safe(db.weakest.tip)}", ""]
        if db.weakest.better_reply:
            out += ["A stronger reply:", "", _quote(db.weakest.better_reply), ""]
    if db.unused_facts:
        out += ["Details the customer gave that no reply used:", ""]
        out += [f"- {safe(f)}" for f in db.unused_facts] + [""]
    if db.to_ask_about:
        out += ["What the trainee could have learned by asking:", ""]
        out += [f"- {safe(f)}" for f in db.to_ask_about] + [""]
    path = " → ".join(str(m) for m in db.mood_path) or "–"
    out += [
        f"Mood path: {path}. Hints used: {db.hints_used}. Retracted replies: {db.retracted}.",
        "",
    ]
    out += ["## Coach notes", ""]
    out += [_note(n) for n in report.notes] or ["No coach notes yet."]
    return "\n".join(out) + "\n"


def _trend_lines(t: Trend) -> list[str]:
    return [f"- {d:<16} `{sparkline(t.values.get(d, []))}`" for d in DIMENSIONS]


def _attempt(t: Attempt) -> str:
    real = [v for v in t.averages.values() if v is not None]
    mean = f" {sum(real) / len(real):.0f}" if real else ""
    return f"{t.started:%Y-%m-%d} {t.outcome}{mean}"


def _signed(v: float | None) -> str:
    return "" if v is None else f" ({v:+.1f})"


def team_markdown(report: TeamReport) -> str:
    """The team summary as Markdown."""
    since = f"{report.since:%Y-%m-%d}" if report.since else "the beginning"
    period = f"Sessions from {since}"
    if report.until:
        period += f" to {report.until - timedelta(microseconds=1):%Y-%m-%d}"
    for key, value in report.filters.items():
        period += f" · {key} matching “{safe(value)}”"
    outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(report.outcomes.items())) or "none"
    rows = [
        [safe(t.trainee), str(t.sessions), str(t.replies), str(t.resolved), str(t.hints)]
        + [_num(t.averages.get(d)) + _signed(t.change.get(d)) for d in DIMENSIONS]
        + [_num(t.overall)]
        for t in report.trainees
    ]
    rows.append(
        ["**team**", str(report.sessions), str(report.replies),
         str(report.outcomes.get("resolved", 0)), str(sum(t.hints for t in report.trainees))]
        + [_num(report.dimensions.get(d)) for d in DIMENSIONS]
        + [""]
    )  # fmt: skip
    out = [
        "# Team report",
        "",
        f"{period}: {report.sessions} sessions, {report.replies} replies · outcomes: {outcomes}",
        "",
        "## Trainees × dimensions",
        "",
        "Per-reply means (every graded reply counts once; a dimension only where the stage "
        "expected it). In brackets: the change since the previous period of the same length.",
        "",
        *_table(
            ["trainee", "sessions", "replies", "resolved", "hints", *DIMENSIONS, "overall"], rows
        ),
        "",
        "## Trends",
        "",
        f"Team ({', '.join(report.team_trend.buckets[:1] + report.team_trend.buckets[-1:])}):",
        "",
        *_trend_lines(report.team_trend),
    ]
    for name in sorted(report.trainee_trends, key=str.casefold):
        out += ["", f"{safe(name)}:", "", *_trend_lines(report.trainee_trends[name])]
    out += ["", "## Weakest spots", ""]
    if report.weakest_dimensions:
        out.append("Dimensions, weakest first: " + ", ".join(
            f"{d} {v:.1f}" for d, v in report.weakest_dimensions))  # fmt: skip
        out.append("")
    if report.weakest_scenarios:
        out += _table(
            ["scenario", "sector", "sessions", "overall"],
            [
                [f"{safe(s.title)} (`{s.scenario}`)", s.sector, str(s.sessions), _num(s.overall)]
                for s in report.weakest_scenarios
            ],
        )
    if not report.sessions:
        out.append("No sessions match.")
    if report.assignments:
        out += ["", "## Assignments", ""]
        out += _table(
            ["trainee", "scenario", "due", "status", "attempts"],
            [
                [
                    safe(p.assignment.trainee),
                    f"`{p.assignment.scenario_id}`",
                    f"{p.assignment.due - timedelta(microseconds=1):%Y-%m-%d}"
                    if p.assignment.due
                    else "–",
                    status_words(p),
                    ", ".join(_attempt(t) for t in p.attempts) or "–",
                ]
                for p in report.assignments
            ],
        )
    out += ["", "## What the figures mean", ""]
    out += [f"- **{k}**: {v}" for k, v in report.definitions.items()]
    return "\n".join(out) + "\n"


def team_json(report: TeamReport) -> str:
    """The team report as indented JSON."""
    return report.model_dump_json(indent=2) + "\n"
