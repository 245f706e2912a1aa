"""Turn a reply's features into 0-100 scores, evidence that quotes it, signals and one tip."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.grader.features import Features
from trainer.grader.text import key_phrase, says_something, shorten
from trainer.types import DIMENSIONS, LEVEL_STRONG

# Blaming, dismissing or mocking the customer undoes whatever else the reply does.
BAD_BEHAVIOUR_CAP = 15


@dataclass
class Scored:
    scores: dict[str, int]
    evidence: dict[str, str]
    tip: str
    signals: dict[str, bool]
    missed: list[str]


def _q(items: list[str], limit: int = 3) -> str:
    return ", ".join(f"'{shorten(i, 6)}'" for i in items[:limit])


def _specific(carried: list[str]) -> list[str]:
    """What the reply carried back, without stretches of only "okay" or "finally"."""
    return [c for c in carried if says_something(c)]


def _clip(x: float) -> int:
    return round(max(0.0, min(1.0, x)) * 100)


def _missed(f: Features) -> list[str]:
    gaps = sorted((c for c in f.coverage if c.score < 0.34), key=lambda c: -c.weight)
    return list(dict.fromkeys(key_phrase(c.text) for c in gaps if says_something(c.text)))


def listening(f: Features, missed: list[str]) -> tuple[float, str]:
    raw = (
        0.45 * f.listening
        + 0.25 * min(1.0, f.covered / f.covered_target)
        + 0.3 * min(1.0, f.shared / f.shared_target)
        + (0.1 if f.interpretation else 0.0)
    )
    carried = _specific(f.carried)
    if carried:
        text = f"carried back {_q(carried, 4)}"
    elif f.interpretation:
        text = "checks understanding but repeats none of their specifics"
    else:
        text = "carries back nothing the customer said"
    if missed:
        text += f"; missed {_q(missed, 2)}"
    return raw, text


def acknowledgement(f: Features, listen: float) -> tuple[float, str]:
    validated = max(float(f.ack_quote is not None), (f.ack_sim - 0.35) / 0.35)
    named = min(1.0, len(f.feelings) / 2)
    touched = validated > 0.3 or named > 0
    # A personal apology for what happened to them is a partial acknowledgement too.
    contrite = bool(f.apology_quote) and not (f.non_apology or f.formulaic)
    impact = min(1.0, listen * 1.5) if touched or contrite else 0.0
    if f.feelings and impact >= 0.5:
        # One feeling tied to what happened to them ("billed twice - that's infuriating") is
        # what the raters call naming the feeling; a bare "your frustration" is not tied.
        named = 1.0
    raw = 0.5 * validated + 0.4 * named + 0.1 * impact + 0.15 * contrite * (0.5 + impact)
    if not touched:
        if contrite and impact >= 0.5:
            return raw, "apologises for what it cost them but names no feeling"
        return raw, "names no feeling and no impact on them"
    parts = []
    if f.feelings:
        parts.append(f"names feelings {_q(f.feelings)}")
    if f.ack_quote:
        parts.append(f"validates with '{shorten(f.ack_quote, 8)}'")
    if impact >= 0.5 and _specific(f.carried):
        parts.append(f"ties it to {_q(_specific(f.carried), 2)}")
    elif impact < 0.5:
        parts.append("but not to what it costs them")
    return raw, "; ".join(parts)


def apology(f: Features, listen: float) -> tuple[float, str]:
    repair = 1.0 if f.repair else 0.4 if f.repair_vague else 0.0
    repair_text = f.repair or f.repair_vague
    specific = min(1.0, listen * 2.5)
    if not f.apology_quote:
        raw = 0.3 * bool(f.responsibility) + 0.15 * repair
        if f.responsibility:
            return raw, f"owns it ('{shorten(f.responsibility)}') but never apologises"
        return raw, "no apology"
    if f.non_apology:
        return 0.03, f"non-apology: '{shorten(f.non_apology)}' puts it on the customer"
    if f.formulaic and not f.responsibility and specific < 0.5:
        raw = 0.3 + 0.1 * repair
        return raw, f"formulaic: '{shorten(f.formulaic)}' names no failure" + (
            "" if repair else " and offers nothing"
        )
    if f.sympathy and not f.responsibility:
        return 0.25 + 0.15 * repair, (
            f"sympathy ('{shorten(f.apology_quote)}'), not an apology: takes no responsibility"
        )
    raw = 0.35 + 0.25 * bool(f.responsibility) + 0.2 * specific + 0.25 * repair
    if f.apology_quote == f.responsibility:
        parts = [f"owns it ('{shorten(f.apology_quote, 6)}') in place of a 'sorry'"]
    else:
        parts = [f"'{shorten(f.apology_quote)}'"]
        parts.append(
            f"owns it ('{shorten(f.responsibility, 6)}')" if f.responsibility else "owns nothing"
        )
    parts.append("names the failure" if specific >= 0.5 else "names no specific failure")
    if repair_text:
        parts.append(f"offers '{shorten(repair_text)}'" + (" (vague)" if not f.repair else ""))
    else:
        parts.append("offers no repair")
    return raw, ", ".join(parts)


def personalization(f: Features, listen: float, ack: float) -> tuple[float, str]:
    specific = min(1.0, 0.6 * min(1.0, f.shared / 4) + 0.4 * min(1.0, f.covered / 3))
    facts = min(1.0, len(f.facts_used) / 2)
    name = 0.1 if f.name_used and specific > 0.15 else 0.03 if f.name_used else 0.0
    raw = 0.7 * specific + 0.15 * facts + name + 0.1 * min(1.0, ack * listen * 2)
    raw -= 0.5 * f.boilerplate_share
    if f.boilerplate and specific < 0.3:
        return raw, f"boilerplate: {_q(f.boilerplate, 2)} fits any customer"
    if f.name_used and specific < 0.15:
        return raw, f"name only ('{f.name_used}'): nothing about their situation"
    if specific < 0.15:
        return raw, "generic: nothing here is about this customer"
    parts = []
    if f.name_used:
        parts.append(f"uses their name '{f.name_used}'")
    if _specific(f.carried):
        parts.append(f"their details {_q(_specific(f.carried), 3)}")
    text = "about them: " + " and ".join(parts) if parts else "partly about their situation"
    if f.boilerplate:
        text += f"; boilerplate {_q(f.boilerplate, 1)} dilutes it"
    return raw, text


def _tip(f: Features, scores: dict[str, int], missed: list[str]) -> str:
    if f.blame:
        return f"Drop the blame ('{shorten(f.blame, 8)}'): own what went wrong instead."
    if f.dismissive:
        return f"Replace '{shorten(f.dismissive, 8)}' with what you can do for them now."
    if f.sarcasm:
        return "Drop the sarcasm: say back what happened and how it affects them."
    weakest = min(DIMENSIONS, key=lambda d: scores[d])
    if scores[weakest] >= LEVEL_STRONG:
        return "Strong reply: keep the specifics and close with a clear next step and time."
    carried = _specific(f.carried)
    detail = missed[0] if missed else (carried[0] if carried else "what they told you")
    if weakest == "listening":
        return f"Say back their specifics before explaining, e.g. '{detail}'."
    if weakest == "acknowledgement":
        return f"Name the feeling and what it costs them: 'that must be stressful', tied to '{detail}'."
    if weakest == "apology":
        if f.non_apology:
            return "Apologise for what went wrong, not for how they feel, and offer a fix."
        if f.formulaic:
            return (
                "Swap 'any inconvenience' for the actual failure, and say what you'll do by when."
            )
        return (
            "Apologise for the specific failure, own it ('that's on us') and offer a concrete fix."
        )
    return f"Make it about them: use their name and a detail only they gave, e.g. '{detail}'."


def score(f: Features, truncated: bool = False) -> Scored:
    """Scores 0-100 per dimension, evidence per dimension, signals for the session engine."""
    missed = _missed(f)
    listen_raw, listen_ev = listening(f, missed)
    ack_raw, ack_ev = acknowledgement(f, f.listening)
    apol_raw, apol_ev = apology(f, f.listening)
    pers_raw, pers_ev = personalization(f, f.listening, ack_raw)
    scores = {
        "listening": _clip(listen_raw),
        "acknowledgement": _clip(ack_raw),
        "apology": _clip(apol_raw),
        "personalization": _clip(pers_raw),
    }
    evidence = {
        "listening": listen_ev,
        "acknowledgement": ack_ev,
        "apology": apol_ev,
        "personalization": pers_ev,
    }
    bad = [
        (f.blame, "blames the customer"),
        (f.dismissive, "dismissive"),
        (f.sarcasm, "sarcastic"),
    ]
    for quote, label in bad:
        if quote:
            for dim in DIMENSIONS:
                scores[dim] = min(scores[dim], BAD_BEHAVIOUR_CAP)
                evidence[dim] = f"{label}: '{shorten(quote, 8)}'; " + evidence[dim]
            break
    if truncated:
        for dim in DIMENSIONS:
            evidence[dim] += " (scored on the first 4,000 characters only)"
    signals = {
        "apologized": scores["apology"] >= 55 and not f.non_apology,
        "offered_repair": bool(f.repair) and not (f.blame or f.dismissive or f.sarcasm),
        "blamed": bool(f.blame),
        "dismissive": bool(f.dismissive or f.sarcasm),
        "sarcastic": bool(f.sarcasm),
    }
    return Scored(scores, evidence, _tip(f, scores, missed), signals, missed)
