"""The debrief's text blocks as Content: quoted replies, the improved reply, retries, hints.

The engine decides what goes in them (trainer.engine.coaching); these only lay it out. An
addition to the trainee's reply is shown in its own colour *and* in «guillemets», so it reads
on a monochrome terminal and in a copied transcript too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from trainer.engine.coaching import hint_outcome

if TYPE_CHECKING:
    from trainer.engine.coaching import Moment
    from trainer.engine.history import HintUse, Retry
    from trainer.engine.rewrite import Rewrite
    from trainer.scenarios import Fact

Part = str | tuple[str, str]

ADDED = "bold $success"
GAP = "italic $warning"
DROPPED = "strike $text-muted"
ADDS_LABEL = {
    "name": "their name",
    "listening": "what they told you",
    "acknowledgement": "the feeling",
    "apology": "an apology",
    "offer": "what you will do",
}


def quoted(title: str, moment: Moment | None, number: int | None = None) -> Content:
    """A quoted reply with why it stood out."""
    if moment is None:
        return Content.assemble((title, "bold"), "\n", ("no replies to quote", "italic"))
    parts: list[Part] = [
        (f"{title} (reply {number})" if number else title, "bold"),
        "\n",
        f"“{moment.quote}”",
    ]
    if moment.reason:
        parts += ["\n", ("Why: ", "bold"), moment.reason]
    return Content.assemble(*parts)


def improved(rewrite: Rewrite) -> Content:
    """The trainee's reply with the additions marked, and what was left out of it."""
    parts: list[Part] = [
        ("Your reply, improved", "bold"),
        "  ",
        ("your words", ""),
        " · ",
        ("«added»", ADDED),
        "\n“",
    ]
    for i, piece in enumerate(rewrite.pieces):
        if i:
            parts.append(" ")
        if piece.gap:
            parts.append((piece.text, GAP))
        elif piece.adds:
            parts.append((f"«{piece.text}»", ADDED))
        else:
            parts.append(piece.text)
    parts.append("”")
    kinds = list(dict.fromkeys(p.adds for p in rewrite.added if p.adds))
    if kinds:
        parts += ["\n", ("Added: ", "bold"), ", ".join(ADDS_LABEL.get(k, k) for k in kinds)]
    for sentence in rewrite.dropped:
        parts += ["\n", ("Left out: ", "bold"), (sentence, DROPPED)]
    return Content.assemble(*parts)


def another_way(text: str) -> Content:
    return Content.assemble(("Another way to say it", "bold"), "\n", f"“{text}”")


def _signed(value: float) -> str:
    return f"{value:+.0f}"


def retry_lines(retries: list[Retry]) -> Content:
    """Each reply taken back: the first try, the retry, what changed and the score change."""
    parts: list[Part] = [("Replies you took back", "bold")]
    for retry in retries:
        parts += ["\n", ("• ", "bold"), (f"“{retry.first}”", DROPPED)]
        if retry.then is None:
            parts += ["\n  ", ("nothing sent in its place", "italic")]
            continue
        parts += ["\n  then: ", f"“{retry.then}”"]
        if retry.change is not None:
            parts += ["\n  ", (f"{_signed(retry.change)} on average", "bold")]
        if retry.rewritten:
            parts += [" · a new reply, not an edit"]
        if retry.added:
            parts += [" · added: ", ", ".join(f"“{a}”" for a in retry.added)]
        if retry.dropped:
            parts += [" · dropped: ", ", ".join(f"“{d}”" for d in retry.dropped)]
    return Content.assemble(*parts)


def hint_lines(hints: list[HintUse]) -> Content:
    """Each hint: what it pointed to and what the trainee did next."""
    parts: list[Part] = [("Hints you used", "bold")]
    for hint in hints:
        where = f"before reply {hint.number}" if hint.number else "before a reply you took back"
        parts += ["\n", ("• ", "bold"), (f"{where}: ", "bold"), hint.goal]
        if hint.suggested:
            parts += ["\n  it pointed to: ", "; ".join(s.rstrip(".") for s in hint.suggested)]
        parts += ["\n  you wrote: ", f"“{hint.reply}”", "\n  ", (hint_outcome(hint), "italic")]
    return Content.assemble(*parts)


def fact_lines(facts: list[Fact], revealed: int) -> Content:
    """The facts the customer revealed (`revealed` in all) that no reply picked up."""
    parts: list[Part] = [("Facts you never used", "bold")]
    if not revealed:
        parts += ["\n", "none: the customer had not told you any facts yet"]
    elif not facts:
        parts += ["\n", "none: you used everything the customer told you"]
    for fact in facts:
        parts += ["\n", f"• {fact.text}"]
    return Content.assemble(*parts)


def ask_lines(facts: list[Fact]) -> Content:
    """Gated facts the customer kept back: what a question (or trust) would have found."""
    parts: list[Part] = [("What you could have learned by asking", "bold")]
    for fact in facts:
        parts += ["\n", f"• {fact.text}"]
    return Content.assemble(*parts)
