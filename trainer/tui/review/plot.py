"""A terminal line chart of the four dimensions (or mood) over time, on textual-plotext."""

from __future__ import annotations

from textual.app import RenderResult
from textual_plotext import PlotextPlot

# Distinct plotext colours per series, matching the order of DIMENSIONS, then mood.
COLOURS: dict[str, str] = {
    "listening": "blue",
    "acknowledgement": "orange",
    "apology": "green",
    "personalization": "magenta",
    "mood": "red",
}
MARKERS: dict[str, str] = {
    "listening": "L",
    "acknowledgement": "A",
    "apology": "P",
    "personalization": "N",
    "mood": "•",
}


class ScorePlot(PlotextPlot):
    """Lines on a 0-100 scale with labelled x positions; gaps where a value is missing."""

    _data: tuple[str, list[str], dict[str, list[float | None]], list[float]] = ("", [], {}, [])

    def show(
        self,
        title: str,
        x_labels: list[str],
        series: dict[str, list[float | None]],
        x_positions: list[float] | None = None,
    ) -> None:
        """Replace what the plot shows and redraw; `x_positions` (e.g. days) space the points
        by time instead of one step per label."""
        positions = (
            list(x_positions) if x_positions else [float(i + 1) for i in range(len(x_labels))]
        )
        self._data = (title, list(x_labels), dict(series), positions)
        self.refresh()

    def _draw(self) -> None:
        title, x_labels, series, positions = self._data
        plt = self.plt
        plt.clear_figure()
        plt.title(title)
        # The key goes under the axis (plotext's own legend sits over the first points), in
        # short form when the plot is narrow: plotext drops a label wider than the plot.
        key = "  ".join(f"{MARKERS.get(name, '•')} {name}" for name in series)
        if len(key) > self.size.width - 8:
            key = "  ".join(f"{MARKERS.get(name, '•')} {name[:4]}." for name in series)
        plt.xlabel(key)
        plt.ylim(0, 100)
        plt.yticks([0, 25, 50, 75, 100])
        if x_labels:
            # Each label is about 10 columns wide; keep them from overlapping (plotext resolves
            # colliding labels differently from run to run).
            room = max(2, (self.size.width - 10) // 11)
            step = max(1, -(-len(x_labels) // room))
            picked = list(range(len(x_labels)))[::step]
            plt.xticks([positions[i] for i in picked], [x_labels[i] for i in picked])
        drawn = False
        for name, values in series.items():
            points = [(positions[i], v) for i, v in enumerate(values) if v is not None]
            if not points:
                continue
            xs, ys = zip(*points, strict=True)
            plt.plot(
                list(xs),
                list(ys),
                color=COLOURS.get(name, "white"),
                marker=MARKERS.get(name, "dot"),
            )
            drawn = True
        if not drawn and title:
            plt.title(f"{title} (nothing graded yet)")

    def render(self) -> RenderResult:
        # Drawn afresh at the final size on every render: plotext keeps layout state from
        # earlier sizes, which made the picture depend on the resize history.
        self._draw()
        return super().render()
