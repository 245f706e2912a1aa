"""`empathy-trainer scenarios show ID|PATH`: the stage graph, drawn in the terminal."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from trainer.commands.common import load_scenario
from trainer.scenarios import AdvanceWhen, Fact, Scenario


def _conditions(when: AdvanceWhen, final: bool) -> str:
    parts = [f"{dim} >= {bar}" for dim, bar in when.min_scores.items()]
    parts += [name for name, on in (("apology", when.apology), ("offer", when.offer)) if on]
    met = " and ".join(parts) if parts else "one reply"
    # max_turns moves a stage on; the final stage has nowhere to move, so it never ends it.
    if when.max_turns and not final:
        return f"{met}, or after {when.max_turns} replies"
    return met


def _fact(fact: Fact) -> str:
    gate = ""
    if fact.reveal is not None:
        needs = ["asked"] * fact.reveal.asked
        if fact.reveal.mood_below is not None:
            needs.append(f"mood < {fact.reveal.mood_below}")
        gate = f" [yellow](gated: {' and '.join(needs)})[/]"
    return f"[bold]{fact.id}[/]{gate}: {escape(fact.text)}"


def stage_graph(scenario: Scenario) -> Tree:
    """Opening -> stages (goal, reveals, conditions) -> ending, with facts and gates."""
    c = scenario.customer
    root = Tree(
        f"[bold]{scenario.id}[/] · {escape(scenario.title)} · {scenario.sector} · difficulty "
        f"{scenario.difficulty} · {escape(c.name)}, mood {c.mood}"
    )
    facts = {f.id: f for f in scenario.facts}
    staged = {fid for s in scenario.stages for fid in s.reveals}
    opening = root.add(f"[cyan]opening[/]: {escape(scenario.opening)}")
    for fact in scenario.facts:
        if fact.id not in staged:
            opening.add(_fact(fact))
    for n, stage in enumerate(scenario.stages, 1):
        node = root.add(f"[cyan]stage {n} {stage.id}[/]: {escape(stage.goal)}")
        for fid in stage.reveals:
            node.add("reveals " + _fact(facts[fid]))
        final = n == len(scenario.stages)
        arrow = "done" if final else f"-> stage {n + 1}"
        node.add(f"[green]{arrow} when[/] {_conditions(stage.advance_when, final)}")
    e = scenario.ending
    end = root.add("[cyan]ending[/]")
    needs = ", ".join(e.requires) or "nothing more"
    when = "mood" if e.early else "final stage done, mood"
    end.add(f"[green]resolved[/] when {when} <= {e.resolve_at} and {needs}")
    end.add(f"[red]walks out[/] at mood >= {e.walkout_at}")
    end.add(f"[yellow]out of turns[/] after {e.max_turns} replies")
    return root


def show(args: argparse.Namespace) -> int:
    Console(highlight=False).print(stage_graph(load_scenario(args, args.scenario)))
    return 0
