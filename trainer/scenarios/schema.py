"""The scenario format: pydantic models a coach's YAML file must fit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

Sector = Literal["retail", "hospitality", "health care", "financial services", "travel", "other"]
Dimension = Literal["listening", "acknowledgement", "apology", "personalization"]
Requirement = Literal["apology", "offer", "all_stages"]
ReactionKind = Literal[
    "apology", "offer", "apology+offer", "question", "repeat_back", "named_feeling", "blame",
    "dismissal", "policy", "lecture", "doubt", "small_talk", "off_topic", "injection",
    "hostility", "unknown", "not_yet",
]  # fmt: skip
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]

MAX_FILE_BYTES = 256 * 1024
SCHEMA_URL_COMMENT = "# yaml-language-server: $schema=./schema.json"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Customer(_Strict):
    """The person the trainee talks to."""

    name: Text = Field(description="Full name, e.g. 'Dana Reyes'. Graders look for it in replies.")
    persona: Text = Field(description="Who they are and what happened, in the coach's words.")
    voice: Text = Field(description="How they talk: sentence length, words they use, tics.")
    mood: int = Field(ge=0, le=100, description="Starting mood: 0 calm ... 100 walks out.")
    calm_rate: float = Field(
        1.0, ge=0.1, le=3.0, description="How quickly good replies calm them (1 = normal)."
    )
    escalate_rate: float = Field(
        1.0, ge=0.1, le=3.0, description="How quickly poor replies anger them (1 = normal)."
    )

    @property
    def first_name(self) -> str:
        """What the customer calls themselves in the transcript ("Dana")."""
        return self.name.split()[0]


class Reveal(_Strict):
    """A gate on a fact: the customer keeps it back until every listed condition holds, the
    way a real person only mentions some things when asked, or once they trust you."""

    asked: bool = Field(
        False, description="Only said when the trainee asks about it (matched by its keywords)."
    )
    mood_below: int | None = Field(
        None, ge=1, le=100, description="Only said once the mood is below this (trust earned)."
    )

    @model_validator(mode="after")
    def _one_condition(self) -> Reveal:
        if not self.asked and self.mood_below is None:
            raise ValueError("reveal needs `asked: true` or `mood_below: N` (or both)")
        return self


class Fact(_Strict):
    """Something the customer knows and may reveal; graders check whether replies use it."""

    id: Slug = Field(description="Short id used by stages' `reveals`, e.g. 'interview'.")
    text: Text = Field(description="The fact in the coach's words: 'Job interview on Friday'.")
    says: Text | None = Field(
        None, description="How the customer says it, in their voice (optional)."
    )
    keywords: list[str] = Field(
        default_factory=list,
        description="Words that show a reply picked the fact up ('interview', 'Friday').",
    )
    reveal: Reveal | None = Field(
        None,
        description=(
            "Keep the fact back until the trainee earns it: `{asked: true}` (they ask about "
            "it), `{mood_below: 40}` (trust), or both (all must hold). The gate applies from "
            "the stage that `reveals` it, or from the start if no stage does. Keep a gated "
            "fact out of the stage lines and the opening, or they give it away."
        ),
    )

    @property
    def gated(self) -> bool:
        return self.reveal is not None

    @property
    def gist(self) -> str:
        """The fact's first sentence: coaches add notes after it ("She only says so when
        asked."), which must not be said back to the customer or shown as a hint."""
        text = self.text.strip()
        for end in (". ", "! ", "? "):
            cut = text.find(end)
            if cut > 0:
                text = text[: cut + 1]
        return text


class AdvanceWhen(_Strict):
    """What moves the conversation to the next stage. Listed conditions must all hold."""

    min_scores: dict[Dimension, Annotated[int, Field(ge=0, le=100)]] = Field(
        default_factory=dict, description="Minimum score per dimension on one reply."
    )
    apology: bool = Field(False, description="A sincere apology has been made.")
    offer: bool = Field(False, description="A concrete offer to make it right has been made.")
    max_turns: int | None = Field(
        None, ge=1, le=20, description="Move on anyway after this many replies in the stage."
    )


class Stage(_Strict):
    """One beat of the conversation: what the customer wants and says now."""

    id: Slug
    goal: Text = Field(description="What the customer wants at this point (the line's intent).")
    lines: list[Text] = Field(
        min_length=1, description="Scripted customer lines for this stage, in their own voice."
    )
    calmer_lines: list[Text] = Field(
        default_factory=list, description="Lines to use when the customer has calmed down."
    )
    angrier_lines: list[Text] = Field(
        default_factory=list, description="Lines to use when the customer is escalating."
    )
    reveals: list[Slug] = Field(
        default_factory=list, description="Fact ids the customer reveals in this stage."
    )
    advance_when: AdvanceWhen = Field(default_factory=lambda: AdvanceWhen())
    expects: list[Dimension] = Field(
        default_factory=lambda: list[Dimension](
            ["listening", "acknowledgement", "apology", "personalization"]
        ),
        min_length=1,
        description=(
            "Dimensions a reply here is expected to show; the others are still scored but left "
            "out of averages (e.g. no apology is due while the customer is still explaining)."
        ),
    )
    strong_replies: list[Text] = Field(
        min_length=1, description="What a skilled employee might say here (hints, debrief)."
    )
    weak_replies: list[Text] = Field(
        default_factory=list, description="Typical poor replies here, with what makes them weak."
    )


class Ending(_Strict):
    """How the conversation ends."""

    resolve_at: int = Field(
        35, ge=0, le=100, description="Resolved when mood is at or below this and `requires` hold."
    )
    requires: list[Requirement] = Field(
        default_factory=lambda: list[Requirement](["apology", "offer"]),
        description=(
            "Must-haves for a resolution: apology, offer, all_stages. A stage counts for "
            "all_stages once it is left, by its conditions or its `max_turns`; the final stage "
            "once its conditions held."
        ),
    )
    walkout_at: int = Field(
        100, ge=1, le=100, description="The customer walks out at or above this mood."
    )
    max_turns: int = Field(12, ge=1, le=50, description="Employee replies before time runs out.")
    resolved_line: Text = Field(description="What the customer says when satisfied.")
    walkout_line: Text = Field(description="What the customer says as they walk out.")
    early: bool = Field(
        False,
        description=(
            "Allow a resolution before the final stage is done (mood and `requires` only). "
            "By default the conversation resolves only once the final stage's `advance_when` "
            "conditions have held on a reply in it (a final stage with none needs one reply)."
        ),
    )
    out_of_turns_line: Text = Field(
        "I've spent long enough on this. I'll take it up another way.",
        description="What the customer says when time runs out.",
    )


class Scenario(_Strict):
    """A practice scenario: one YAML file a coach writes by hand."""

    id: Slug = Field(description="Unique id, e.g. 'retail-laptop-repair'.")
    version: int = Field(1, ge=1, description="Bump when the scenario changes meaningfully.")
    title: Text
    sector: Sector
    difficulty: int = Field(ge=1, le=5, description="1 easy ... 5 hardest.")
    summary: Text = Field(description="Two or three sentences shown on the home screen.")
    objectives: list[Text] = Field(min_length=1, description="What the trainee should practise.")
    tags: list[str] = Field(default_factory=list)
    customer: Customer
    facts: list[Fact] = Field(default_factory=list)
    opening: Text = Field(description="The customer's first line.")
    stages: list[Stage] = Field(min_length=1)
    ending: Ending
    reactions: dict[ReactionKind, list[Text]] = Field(
        default_factory=dict,
        description=(
            "Optional lines this customer says first in reaction to what the employee did "
            "(blame, policy, apology, ...; 'unknown' and 'not_yet' for questions they can't or "
            "won't answer yet). Replace the built-in defaults kind by kind; the scripted "
            "fallback and the model's intent both use them."
        ),
    )

    _path: Path | None = PrivateAttr(None)

    @property
    def path(self) -> Path | None:
        """The file this scenario was loaded from, if any."""
        return self._path

    def fact(self, fact_id: str) -> Fact:
        return next(f for f in self.facts if f.id == fact_id)
