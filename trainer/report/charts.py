"""Inline SVG line charts for reports: no scripts, no external assets, readable in print."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

# Colour-blind-safe palette (Okabe-Ito); dash patterns keep lines apart on grey-scale printers.
PALETTE: dict[str, tuple[str, str]] = {
    "listening": ("#0072B2", ""),
    "acknowledgement": ("#E69F00", "6 3"),
    "apology": ("#009E73", "2 3"),
    "personalization": ("#CC79A7", "8 3 2 3"),
    "mood": ("#D55E00", ""),
}
_FALLBACK = [("#56B4E9", ""), ("#F0E442", "4 2"), ("#000000", "1 2")]

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 24, 30, 60
FONT = 12
"""Text size in chart units: a chart is drawn at least 580 px wide (one per row on screen,
16 cm in print), so no label renders under 11 px."""


@dataclass
class Series:
    """One line: a value per x position (None leaves a gap)."""

    name: str
    values: list[float | None]


def _style(name: str, i: int) -> tuple[str, str]:
    return PALETTE.get(name, _FALLBACK[i % len(_FALLBACK)])


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def line_chart(
    title: str,
    x_labels: list[str],
    series: list[Series],
    y_max: float = 100.0,
    y_label: str = "",
    x_positions: list[float] | None = None,
) -> str:
    """An accessible SVG line chart (0..y_max) with a legend; `x_labels` name each position.

    `x_positions` (e.g. days since the first point) space the points by time; without them
    the points are evenly spaced. A missing value is stepped over: the line joins the points
    either side, so a sparse series still reads as a line, not scattered dots.
    """
    n = len(x_labels)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    xs = (
        list(x_positions) if x_positions and len(x_positions) == n else [float(i) for i in range(n)]
    )
    span = (xs[-1] - xs[0]) if n > 1 else 0.0

    def x_at(i: int) -> float:
        return LEFT + (plot_w / 2 if span <= 0 else plot_w * (xs[i] - xs[0]) / span)

    def y_at(v: float) -> float:
        return TOP + plot_h * (1 - max(0.0, min(v, y_max)) / y_max)

    desc = "; ".join(
        f"{s.name}: " + ", ".join("-" if v is None else _fmt(v) for v in s.values) for s in series
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
        f'<text x="{LEFT}" y="18" class="chart-title" font-size="14" font-weight="bold">'
        f"{escape(title)}</text>",
    ]
    for tick in range(0, 5):
        level = y_max * tick / 4
        y = y_at(level)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#ccc" stroke-width="0.5"/>'
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="{FONT}" text-anchor="end">'
            f"{_fmt(level)}</text>"
        )
    if y_label:
        out.append(
            f'<text x="12" y="{TOP + plot_h / 2:.0f}" font-size="{FONT}" text-anchor="middle" '
            f'transform="rotate(-90 10 {TOP + plot_h / 2:.0f})">{escape(y_label)}</text>'
        )
    for i in _label_positions(
        [x_at(i) for i in range(n)], max(len(x) for x in x_labels) if n else 0
    ):
        # The end labels are anchored inwards so the last date is never cut off.
        anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
        out.append(
            f'<text x="{x_at(i):.1f}" y="{TOP + plot_h + 17}" font-size="{FONT}" '
            f'text-anchor="{anchor}">{escape(x_labels[i])}</text>'
        )
    for si, s in enumerate(series):
        colour, dash = _style(s.name, si)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        points = [
            f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in enumerate(s.values[:n]) if v is not None
        ]
        if len(points) > 1:
            out.append(
                f'<polyline class="series" data-series="{escape(s.name)}" fill="none" '
                f'stroke="{colour}" stroke-width="2"{dash_attr} points="{" ".join(points)}"/>'
            )
        for point in points:
            px, py = point.split(",")
            out.append(f'<circle cx="{px}" cy="{py}" r="3" fill="{colour}"/>')
    # Legend under the axis, one entry per series.
    lx = LEFT
    ly = HEIGHT - 12
    for si, s in enumerate(series):
        colour, dash = _style(s.name, si)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{lx}" x2="{lx + 18}" y1="{ly - 3}" y2="{ly - 3}" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/>'
            f'<text x="{lx + 22}" y="{ly}" font-size="{FONT}">{escape(s.name)}</text>'
        )
        lx += 32 + 7 * len(s.name)
    out.append("</svg>")
    return "".join(out)


def _label_positions(xs: list[float], longest: int) -> list[int]:
    """Which x labels to draw: the first, the last, and others that leave room between them."""
    if not xs:
        return []
    width = longest * FONT * 0.6 + 8
    picked = [0]
    for i in range(1, len(xs)):
        if xs[i] - xs[picked[-1]] >= width and xs[-1] - xs[i] >= width:
            picked.append(i)
    if len(xs) > 1:
        picked.append(len(xs) - 1)
    return picked


def bar_chart(title: str, bars: list[tuple[str, float]], y_max: float = 100.0) -> str:
    """Horizontal bars (label, value) in an SVG; used for weakest scenarios and dimensions."""
    row_h = 22
    height = TOP + row_h * max(1, len(bars)) + 8
    label_w = 250
    bar_w = WIDTH - label_w - RIGHT - 40
    desc = "; ".join(f"{label}: {_fmt(v)}" for label, v in bars)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
        f'<text x="4" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(bars):
        y = TOP + i * row_h
        w = bar_w * max(0.0, min(value, y_max)) / y_max
        # About 6.6 units a character at FONT 12: 34 fit left of the bars.
        short = label if len(label) <= 34 else label[:33] + "…"
        out.append(
            f'<text x="{label_w - 6}" y="{y + 15}" font-size="{FONT}" text-anchor="end">'
            f"{escape(short)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="#0072B2"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="{FONT}">{_fmt(value)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
