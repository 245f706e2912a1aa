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

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 28, 52


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
) -> str:
    """An accessible SVG line chart (0..y_max) with a legend; `x_labels` name each position."""
    n = len(x_labels)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x_at(i: int) -> float:
        return LEFT + (plot_w / 2 if n <= 1 else plot_w * i / (n - 1))

    def y_at(v: float) -> float:
        return TOP + plot_h * (1 - max(0.0, min(v, y_max)) / y_max)

    desc = "; ".join(
        f"{s.name}: " + ", ".join("-" if v is None else _fmt(v) for v in s.values) for s in series
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
        f'<text x="{LEFT}" y="16" class="chart-title" font-size="13" font-weight="bold">'
        f"{escape(title)}</text>",
    ]
    for tick in range(0, 5):
        level = y_max * tick / 4
        y = y_at(level)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#ccc" stroke-width="0.5"/>'
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" font-size="9" text-anchor="end">{_fmt(level)}</text>'
        )
    if y_label:
        out.append(
            f'<text x="10" y="{TOP + plot_h / 2:.0f}" font-size="9" text-anchor="middle" '
            f'transform="rotate(-90 10 {TOP + plot_h / 2:.0f})">{escape(y_label)}</text>'
        )
    step = max(1, (n + 11) // 12)  # at most ~12 x labels so they never overlap
    for i, label in enumerate(x_labels):
        if i % step == 0 or i == n - 1:
            out.append(
                f'<text x="{x_at(i):.1f}" y="{TOP + plot_h + 14}" font-size="9" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    for si, s in enumerate(series):
        colour, dash = _style(s.name, si)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        run: list[str] = []
        runs: list[list[str]] = []
        for i, v in enumerate(s.values[:n]):
            if v is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append(f"{x_at(i):.1f},{y_at(v):.1f}")
        if run:
            runs.append(run)
        for r in runs:
            if len(r) > 1:
                out.append(
                    f'<polyline class="series" data-series="{escape(s.name)}" fill="none" '
                    f'stroke="{colour}" stroke-width="2"{dash_attr} points="{" ".join(r)}"/>'
                )
            for point in r:
                px, py = point.split(",")
                out.append(f'<circle cx="{px}" cy="{py}" r="2.5" fill="{colour}"/>')
    # Legend under the axis, one entry per series.
    lx = LEFT
    ly = HEIGHT - 12
    for si, s in enumerate(series):
        colour, dash = _style(s.name, si)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{lx}" x2="{lx + 18}" y1="{ly - 3}" y2="{ly - 3}" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/>'
            f'<text x="{lx + 22}" y="{ly}" font-size="10">{escape(s.name)}</text>'
        )
        lx += 30 + 7 * len(s.name)
    out.append("</svg>")
    return "".join(out)


def bar_chart(title: str, bars: list[tuple[str, float]], y_max: float = 100.0) -> str:
    """Horizontal bars (label, value) in an SVG; used for weakest scenarios and dimensions."""
    row_h = 22
    height = TOP + row_h * max(1, len(bars)) + 8
    label_w = 200
    bar_w = WIDTH - label_w - RIGHT - 40
    desc = "; ".join(f"{label}: {_fmt(v)}" for label, v in bars)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
        f'<text x="4" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(bars):
        y = TOP + i * row_h
        w = bar_w * max(0.0, min(value, y_max)) / y_max
        short = label if len(label) <= 32 else label[:31] + "…"
        out.append(
            f'<text x="{label_w - 6}" y="{y + 14}" font-size="10" text-anchor="end">'
            f"{escape(short)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="#0072B2"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="10">{_fmt(value)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
