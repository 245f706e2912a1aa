"""The home screen's scenario library: which scenarios pass the filters, the list of them and
the detail of the highlighted one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from trainer.scenarios import Scenario


def matches(scenario: Scenario, text: str, sector: str | None, difficulty: int | None) -> bool:
    """Whether a scenario passes the home screen's filters (text matches any visible field)."""
    if sector and scenario.sector != sector:
        return False
    if difficulty and scenario.difficulty != difficulty:
        return False
    if not text:
        return True
    haystack = " ".join(
        [scenario.id, scenario.title, scenario.summary, scenario.customer.name, *scenario.tags]
    ).lower()
    return all(word in haystack for word in text.lower().split())


def option_label(scenario: Scenario) -> Content:
    """Title on one line, sector and level underneath."""
    return Content.assemble(
        scenario.title, "\n", (f"  {scenario.sector} · level {scenario.difficulty}", "dim")
    )


def scenario_detail(scenario: Scenario) -> Content:
    parts: list[str | tuple[str, str]] = [
        (scenario.title, "bold"),
        "\n",
        (
            f"{scenario.sector} · difficulty {scenario.difficulty}/5 · {scenario.customer.name}",
            "italic",
        ),
        "\n\n",
        scenario.summary,
        "\n\n",
        ("You will practise", "bold"),
    ]
    for objective in scenario.objectives:
        parts += ["\n", f"• {objective}"]
    parts += ["\n\n", ("Enter: start this scenario", "italic")]
    return Content.assemble(*parts)


class ScenarioList(OptionList):
    """The scenarios that pass the filters, one option each (the option id is the scenario's)."""

    def show(self, scenarios: list[Scenario]) -> None:
        """List `scenarios` in place of what was there, the first one highlighted."""
        self.clear_options()
        self.add_options([Option(option_label(s), id=s.id) for s in scenarios])
        if scenarios:
            self.highlighted = 0


class ScenarioDetail(Static):
    """What one scenario is about and what it practises, or why there is none to show."""

    def show(self, scenario: Scenario | None) -> None:
        if scenario is None:
            self.update("No scenario matches these filters.")
        else:
            self.update(scenario_detail(scenario))
