"""The one mood rule. The session engine owns the customer's mood (0 calm ... 100 walks out).

After every employee reply:

1. quality = (mean of the four scores + the best of them) / 2. A reply that does one thing
   very well (a sincere apology, say) counts, since no good reply does everything at once.
2. Above NEUTRAL the reply calms: change = -(quality - NEUTRAL) * CALM_GAIN * customer.calm_rate.
   Below NEUTRAL it angers: change = +(NEUTRAL - quality) * ESCALATE_GAIN * customer.escalate_rate.
3. Signals from the grader add fixed steps, scaled the same way: a sincere apology and a
   concrete offer of repair each calm by SIGNAL_CALM; blaming the customer angers by BLAME,
   a dismissive reply by DISMISSIVE. Doubting their story (trust), talking down to them
   (tact) and hiding behind policy (conformity), the attitudes that make customers feel nobody
   cares, anger by DOUBT, BELITTLE and POLICY; an insult by HOSTILE.
4. The step is capped by the scenario's difficulty (CALM_CAP down, RISE_CAP up), so one
   good sentence never settles a hard conversation and one bad one rarely ends an easy one.
5. The result is rounded and clamped to 0-100.

Nothing else moves the mood, and the same inputs always give the same mood, so a session can
be replayed exactly (resume, undo) from its stored turns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from trainer.scenarios import Customer
from trainer.types import DIMENSIONS

NEUTRAL = 40.0
"""A reply of this quality leaves the mood where it was."""
CALM_GAIN = 0.5
"""Mood points down per point of quality above NEUTRAL (before the scenario's calm_rate)."""
ESCALATE_GAIN = 0.25
"""Mood points up per point below NEUTRAL: an empty reply costs 10, so walking out takes
several poor replies, or fewer when they blame or dismiss (signals below)."""
SIGNAL_CALM = 8.0
BLAME = 15.0
DISMISSIVE = 12.0
DOUBT = 8.0
"""Smaller than blame: "are you sure?" can be clumsy rather than hostile, and it often comes
with blame in the same sentence, which already counts."""
BELITTLE = 8.0
POLICY = 6.0
"""A rule with no way round it; the smallest step, because it is often true, just unhelpful."""
HOSTILE = 20.0
HARM_WORDS = {
    "doubt": "doubting their story",
    "belittle": "talking down to them",
    "policy": "hiding behind policy",
    "hostile": "an insult",
}
"""The reply moves that anger a customer, in the words the feedback and the debrief use."""
CALM_CAP = {1: 30, 2: 24, 3: 18, 4: 14, 5: 10}
"""Most a reply can calm, by difficulty. At 3 and above a customer at the library's usual
starting mood (60-75) needs at least two good replies to reach a resolve_at of 35, so one
decent sentence cannot end it; an easy customer may settle in one, as easy ones do."""
RISE_CAP = {1: 25, 2: 30, 3: 35, 4: 40, 5: 45}
"""Most a reply can anger, by difficulty: an insult plus blame is about 35 before the cap; a
hard customer walks out on that, an easy one gives the trainee another go."""


@dataclass(frozen=True)
class MoodStep:
    """How one reply moved the mood, with the reasons in plain words (for the debrief)."""

    before: int
    after: int
    reasons: list[str] = field(default_factory=list)

    @property
    def change(self) -> int:
        return self.after - self.before


def next_mood(
    mood: int,
    scores: Mapping[str, int],
    signals: Mapping[str, bool],
    customer: Customer,
    difficulty: int,
) -> MoodStep:
    """Apply the mood rule to one graded reply (difficulty 1-5 sets the caps)."""
    values = [scores.get(d, 0) for d in DIMENSIONS]
    quality = (sum(values) / len(values) + max(values)) / 2
    calm, escalate = customer.calm_rate, customer.escalate_rate
    reasons: list[str] = []
    if quality >= NEUTRAL:
        change = -(quality - NEUTRAL) * CALM_GAIN * calm
        if change <= -1:
            reasons.append(f"a strong reply (quality {quality:.0f})")
    else:
        change = (NEUTRAL - quality) * ESCALATE_GAIN * escalate
        if change >= 1:
            reasons.append(f"a weak reply (quality {quality:.0f})")
    if signals.get("apologized"):
        change -= SIGNAL_CALM * calm
        reasons.append("a sincere apology")
    if signals.get("offered_repair"):
        change -= SIGNAL_CALM * calm
        reasons.append("a concrete offer")
    if signals.get("blamed"):
        change += BLAME * escalate
        reasons.append("blaming the customer")
    if signals.get("dismissive"):
        change += DISMISSIVE * escalate
        reasons.append("a dismissive reply")
    for signal, step in (
        ("doubt", DOUBT),
        ("belittle", BELITTLE),
        ("policy", POLICY),
        ("hostile", HOSTILE),
    ):
        if signals.get(signal):
            change += step * escalate
            reasons.append(HARM_WORDS[signal])
    calm_cap, rise_cap = CALM_CAP[difficulty], RISE_CAP[difficulty]
    if change < -calm_cap:
        change = -calm_cap
        reasons.append(f"capped at -{calm_cap} for difficulty {difficulty}")
    elif change > rise_cap:
        change = rise_cap
        reasons.append(f"capped at +{rise_cap} for difficulty {difficulty}")
    after = max(0, min(100, round(mood + change)))
    return MoodStep(before=mood, after=after, reasons=reasons)
