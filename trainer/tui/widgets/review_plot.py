"""A terminal line chart of the four dimensions (or mood) over time, on textual-plotext."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from trainer.grader.base import DIMENSIONS

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

    def show(self, title: str, x_labels: list[str], series: dict[str, list[float | None]]) -> None:
        """Replace what the plot shows and redraw."""
        plt = self.plt
        plt.clear_figure()
        plt.title(title)
        plt.ylim(0, 100)
        plt.yticks([0, 25, 50, 75, 100])
        if x_labels:
            step = max(1, (len(x_labels) + 7) // 8)  # keep tick labels from overlapping
            ticks = [float(i) for i in range(1, len(x_labels) + 1)][::step]
            plt.xticks(ticks, [x_labels[int(i) - 1] for i in ticks])
        drawn = False
        for name, values in series.items():
            points = [(i + 1, v) for i, v in enumerate(values) if v is not None]
            if not points:
                continue
            xs, ys = zip(*points, strict=True)
            plt.plot(
                list(xs),
                list(ys),
                label=name if name not in DIMENSIONS else f"{MARKERS[name]} {name}",
                color=COLOURS.get(name, "white"),
                marker=MARKERS.get(name, "dot"),
            )
            drawn = True
        if not drawn:
            plt.title(f"{title} (no graded replies yet)")
        self.refresh()
