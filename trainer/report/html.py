"""Self-contained HTML reports: inline CSS and SVG, no scripts, no network, clean when printed."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from trainer.report import SessionReport, status
from trainer.report.assignments import status_words
from trainer.report.charts import Series, bar_chart, line_chart
from trainer.report.team import TeamReport
from trainer.report.trends import Trend, week_label
from trainer.store import NoteRow, TurnRow
from trainer.types import DIMENSIONS

CSS = """
:root { --ink: #1b1b1b; --muted: #5f6368; --line: #d9d9d9; --cust: #f4f6f8; --emp: #eef6ff; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { font-size: 1.2rem; margin-top: 2rem;
     border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
.meta { color: var(--muted); margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.wide { font-size: .85rem; } table.wide th, table.wide td { padding: .25rem .35rem; }
.charts { display: block; }
/* One chart per row, never narrower than ~36rem on screen, so its 12-unit labels stay >= 11 px. */
svg.chart { display: block; width: 100%; max-width: 44rem; min-width: 36rem; height: auto;
            font-family: inherit; margin: 0 0 1rem; }
.turn { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; margin: .6rem 0;
        break-inside: avoid; page-break-inside: avoid; }
.turn.customer { background: var(--cust); } .turn.employee { background: var(--emp); }
.turn.retracted { opacity: .65; border-style: dashed; }
.turn.retracted .text { text-decoration: line-through; }
.who { font-weight: 600; } .tag { display: inline-block; font-size: .75rem; padding: 0 .4rem;
       border: 1px solid var(--muted); border-radius: 999px; margin-left: .4rem; color: var(--muted); }
.text { margin: .3rem 0; white-space: pre-wrap; }
.scores { display: grid; grid-template-columns: 9rem 1fr 2.5rem; gap: .15rem .5rem;
          align-items: center; font-size: .85rem; }
.bar { height: .55rem; background: #e3e3e3; border-radius: 3px; overflow: hidden; }
.bar > span { display: block; height: 100%; background: #0072B2; }
.evidence { font-size: .85rem; color: var(--muted); margin: .3rem 0 0 1rem; padding: 0; }
.note { border-left: 4px solid #E69F00; padding: .3rem .6rem; margin: .4rem 0; background: #fff8e6;
        break-inside: avoid; }
blockquote { margin: .3rem 0; padding-left: .8rem; border-left: 3px solid var(--line); }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  table.wide { font-size: 9pt; }
  .turn, .note { background: none !important; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .charts { display: block; } svg.chart { width: 16cm; min-width: 0; max-width: 16cm;
                                          break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def _num(v: float | int | None) -> str:
    return "–" if v is None else f"{v:.0f}" if isinstance(v, int) else f"{v:.1f}"


def _page(title: str, body: list[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )


def _averages_table(rows: list[tuple[str, dict[str, float | None]]], first: str) -> str:
    head = "".join(f'<th class="num">{escape(d)}</th>' for d in DIMENSIONS)
    out = [f"<table><thead><tr><th>{escape(first)}</th>{head}</tr></thead><tbody>"]
    for label, avgs in rows:
        cells = "".join(f'<td class="num">{_num(avgs.get(d))}</td>' for d in DIMENSIONS)
        out.append(f"<tr><td>{escape(label)}</td>{cells}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _note(note: NoteRow) -> str:
    where = "on the session" if note.turn_idx is None else f"on turn {note.turn_idx}"
    return (
        f'<div class="note"><strong>{escape(note.author)}</strong> '
        f'<span class="meta">{escape(note.created.strftime("%Y-%m-%d %H:%M"))} UTC, {where}</span>'
        f'<div class="text">{escape(note.text)}</div></div>'
    )


def _turn(turn: TurnRow, customer_name: str, trainee: str, notes: list[NoteRow]) -> str:
    who = customer_name if turn.role == "customer" else trainee
    classes = f"turn {turn.role}" + (" retracted" if turn.retracted else "")
    tags = []
    if turn.retracted:
        tags.append("retracted (undone)")
    if turn.hint_used:
        tags.append("hint used")
    if turn.role == "customer" and turn.mood is not None:
        tags.append(f"mood {turn.mood}")
    if turn.role == "customer" and turn.source == "script":
        tags.append("scripted line")
    out = [
        f'<div class="{classes}" id="turn-{turn.idx}" data-idx="{turn.idx}">'
        f'<span class="who">{escape(who)}</span>'
        + "".join(f'<span class="tag">{escape(t)}</span>' for t in tags)
        + f'<div class="text">{escape(turn.text)}</div>'
    ]
    if turn.scores:
        out.append('<div class="scores">')
        for d in DIMENSIONS:
            v = turn.scores.get(d, 0)
            out.append(
                f'<span>{escape(d)}</span><span class="bar"><span style="width:{v}%"></span>'
                f'</span><span class="num">{v}</span>'
            )
        out.append("</div>")
    if turn.evidence:
        items = "".join(
            f"<li><em>{escape(d)}</em>: {escape(turn.evidence[d])}</li>"
            for d in DIMENSIONS
            if turn.evidence.get(d)
        )
        out.append(f'<ul class="evidence">{items}</ul>')
    if turn.tip:
        out.append(f'<div class="evidence">Tip: {escape(turn.tip)}</div>')
    out.extend(_note(n) for n in notes if n.turn_idx == turn.idx)
    out.append("</div>")
    return "".join(out)


def session_charts(report: SessionReport) -> list[str]:
    """The scores-per-reply and mood-per-turn charts of one session."""
    replies = [t for t in report.turns if t.role == "employee" and t.scores and not t.retracted]
    moods = [t for t in report.turns if t.role == "customer" and not t.retracted]
    scores = line_chart(
        "Scores per reply",
        [f"R{i + 1}" for i in range(len(replies))],
        [
            Series(d, [float(t.scores[d]) if t.scores else None for t in replies])
            for d in DIMENSIONS
        ],
        y_label="score",
    )
    mood = line_chart(
        "Customer mood (0 calm, 100 walks out)",
        [f"T{t.idx}" for t in moods],
        [Series("mood", [None if t.mood is None else float(t.mood) for t in moods])],
        y_label="mood",
    )
    return [scores, mood]


def session_html(report: SessionReport) -> str:
    """One session as a single self-contained HTML page."""
    s = report.session
    customer = report.customer_name or "Customer"
    body = [
        f"<h1>{escape(s.scenario_title)}</h1>",
        f'<p class="meta">{escape(s.trainee)} · {escape(s.scenario_id)} v{s.scenario_version} · '
        f"{escape(s.sector)} · started {escape(s.started.strftime('%Y-%m-%d %H:%M'))} UTC · "
        f"outcome: <strong>{escape(status(s))}</strong> · "
        f"session <code>{escape(s.id)}</code></p>",
        "<h2>Averages</h2>",
        _averages_table([("this session", report.averages)], ""),
        '<h2>Charts</h2><div class="charts">',
        *session_charts(report),
        "</div>",
        "<h2>Transcript</h2>",
    ]
    body += [_turn(t, customer, s.trainee, report.notes) for t in report.turns]
    d = report.debrief
    body.append("<h2>Debrief</h2>")
    if d.best:
        body.append(
            f"<h3>Best reply (turn {d.best.idx}, mean {d.best.mean:.0f})</h3>"
            f"<blockquote>{escape(d.best.quote)}</blockquote><p>{escape(d.best.reason)}</p>"
        )
    if d.weakest:
        body.append(
            f"<h3>To work on (turn {d.weakest.idx}, mean {d.weakest.mean:.0f})</h3>"
            f"<blockquote>{escape(d.weakest.quote)}</blockquote><p>{escape(d.weakest.reason)}</p>"
        )
        if d.weakest.tip:
            body.append(f"<p>Tip: {escape(d.weakest.tip)}</p>")
        if d.weakest.better_reply:
            body.append(
                f"<p>A stronger reply:</p><blockquote>{escape(d.weakest.better_reply)}</blockquote>"
            )
    if d.unused_facts:
        items = "".join(f"<li>{escape(f)}</li>" for f in d.unused_facts)
        body.append(f"<h3>Details the customer gave that no reply used</h3><ul>{items}</ul>")
    if d.to_ask_about:
        items = "".join(f"<li>{escape(f)}</li>" for f in d.to_ask_about)
        body.append(f"<h3>What asking could have uncovered</h3><ul>{items}</ul>")
    path = " → ".join(str(m) for m in d.mood_path) or "–"
    body.append(
        f"<p>Mood path: {escape(path)}. Hints used: {d.hints_used}. "
        f"Retracted replies: {d.retracted}.</p>"
    )
    body.append("<h2>Coach notes</h2>")
    body += [_note(n) for n in report.notes] or ['<p class="meta">No coach notes yet.</p>']
    return _page(f"{s.scenario_title} — {s.trainee}", body)


def _trend_chart(title: str, t: Trend) -> str:
    first = t.starts[0] if t.starts else None
    return line_chart(
        title,
        [week_label(d) for d in t.starts] if t.starts else t.buckets,
        [Series(d, t.values.get(d, [])) for d in DIMENSIONS],
        y_label="per-reply mean",
        x_positions=[float((d - first).days) for d in t.starts] if first else None,
    )


def _change(v: float | None) -> str:
    return "" if v is None else f' <span class="meta">({v:+.1f})</span>'


def _assignments(report: TeamReport) -> str:
    rows = []
    for p in report.assignments:
        a = p.assignment
        due = f"{a.due - timedelta(microseconds=1):%Y-%m-%d}" if a.due else "–"
        tries = "; ".join(
            f"{t.started:%Y-%m-%d} {t.outcome} "
            + " ".join(f"{d[:3]} {_num(v)}" for d, v in t.averages.items())
            for t in p.attempts
        )
        rows.append(
            f"<tr><td>{escape(a.trainee)}</td><td>{escape(a.scenario_id)}</td><td>{due}</td>"
            f"<td>{escape(status_words(p))}</td><td>{escape(tries) or '–'}</td></tr>"
        )
    return (
        "<h2>Assignments</h2><table><thead><tr><th>trainee</th><th>scenario</th><th>due</th>"
        f"<th>status</th><th>attempts</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _period(report: TeamReport) -> str:
    since = report.since.strftime("%Y-%m-%d") if report.since else "the beginning"
    text = f"Sessions from {since}"
    if report.until:
        text += f" to {(report.until - timedelta(microseconds=1)).strftime('%Y-%m-%d')}"
    for key, value in report.filters.items():
        text += f" · {key} matching “{value}”"
    return text


def team_html(report: TeamReport) -> str:
    """The team summary as a single self-contained HTML page."""
    outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(report.outcomes.items())) or "none"
    body = [
        "<h1>Team report</h1>",
        f'<p class="meta">{escape(_period(report))}: {report.sessions} sessions, '
        f"{report.replies} replies · outcomes: {escape(outcomes)} · generated "
        f"{report.generated.strftime('%Y-%m-%d %H:%M')} UTC</p>",
        "<h2>Trainees × dimensions</h2>",
        '<p class="meta">Per-reply means: every graded reply counts once, and a dimension only '
        "where the stage expected it. In brackets: the change since the previous period of the "
        "same length.</p>",
    ]
    # Soft hyphens let the long dimension names break, so the table fits a printed page.
    head = "".join(
        f'<th class="num">{escape(d).replace("ledge", "&shy;ledge").replace("aliz", "&shy;aliz")}</th>'
        for d in DIMENSIONS
    )
    rows = [
        f"<table class='wide'><thead><tr><th>trainee</th>{head}<th class='num'>overall</th></tr></thead><tbody>"
    ]
    for t in report.trainees:
        cells = "".join(
            f'<td class="num">{_num(t.averages.get(d))}{_change(t.change.get(d))}</td>'
            for d in DIMENSIONS
        )
        rows.append(
            f"<tr><td>{escape(t.trainee)}</td>{cells}<td class='num'>{_num(t.overall)}</td></tr>"
        )
    cells = "".join(f'<td class="num">{_num(report.dimensions.get(d))}</td>' for d in DIMENSIONS)
    overall = [v for v in report.dimensions.values() if v is not None]
    rows.append(
        f"<tr><th>team</th>{cells}"
        f"<td class='num'>{_num(sum(overall) / len(overall) if overall else None)}</td></tr>"
    )
    rows.append("</tbody></table>")
    # Activity in a table of its own, so each fits the width of a printed page.
    rows.append(
        "<table class='wide'><thead><tr><th>trainee</th><th class='num'>sessions</th>"
        "<th class='num'>resolved</th><th class='num'>replies</th><th class='num'>hints</th>"
        "<th class='num'>retries</th></tr></thead><tbody>"
    )
    for t in report.trainees:
        rows.append(
            f"<tr><td>{escape(t.trainee)}</td><td class='num'>{t.sessions}</td>"
            f"<td class='num'>{t.resolved}</td><td class='num'>{t.replies}</td>"
            f"<td class='num'>{t.hints}</td><td class='num'>{t.retries}</td></tr>"
        )
    rows.append(
        f"<tr><th>team</th><td class='num'>{report.sessions}</td>"
        f"<td class='num'>{report.outcomes.get('resolved', 0)}</td>"
        f"<td class='num'>{report.replies}</td>"
        f"<td class='num'>{sum(t.hints for t in report.trainees)}</td>"
        f"<td class='num'>{sum(t.retries for t in report.trainees)}</td></tr>"
    )
    rows.append("</tbody></table>")
    body.append("".join(rows))
    body.append('<h2>Trends</h2><div class="charts">')
    body.append(_trend_chart("Team, each dimension over time", report.team_trend))
    body += [
        _trend_chart(f"{name}", t)
        for name, t in sorted(report.trainee_trends.items(), key=lambda x: x[0].casefold())
    ]
    body.append("</div><h2>Weakest spots</h2>")
    if report.weakest_dimensions:
        body.append(bar_chart("Dimensions, weakest first", report.weakest_dimensions))
    if report.weakest_scenarios:
        body.append(
            bar_chart(
                "Scenarios, weakest first",
                [(s.title, s.overall or 0.0) for s in report.weakest_scenarios],
            )
        )
        lines = "".join(
            f"<tr><td>{escape(s.title)} ({escape(s.scenario)})</td><td>{escape(s.sector)}</td>"
            f"<td class='num'>{s.sessions}</td><td class='num'>{_num(s.overall)}</td></tr>"
            for s in report.weakest_scenarios
        )
        body.append(
            "<table><thead><tr><th>scenario</th><th>sector</th><th class='num'>sessions</th>"
            f"<th class='num'>overall</th></tr></thead><tbody>{lines}</tbody></table>"
        )
    if not report.sessions:
        body.append('<p class="meta">No sessions match.</p>')
    if report.assignments:
        body.append(_assignments(report))
    body.append("<h2>What the figures mean</h2><ul>")
    body += [f"<li><b>{escape(k)}</b>: {escape(v)}</li>" for k, v in report.definitions.items()]
    body.append("</ul>")
    return _page("Team report", body)
