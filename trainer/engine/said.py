"""What the trainee can know at a reply, so coaching never puts an unsaid detail in their mouth.

A coach writes a scenario with everything the customer knows (persona, facts, lines for later
stages); the trainee knows only what the customer has said so far. `Known` holds both sides and
answers one question: may this clause be said now? `second_person` turns a fact as the coach
wrote it ("He booked a sea-view suite") into words said to the customer ("you booked...").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from trainer.customer.reactions import facts_in, keyword_in
from trainer.grader.banks import load_banks
from trainer.grader.text import STOPWORDS, stem, words
from trainer.scenarios import Fact, Scenario
from trainer.store import TurnRow

# Words a reply may use at any time: they name no detail of this customer's story, and the
# apologies, feelings and offers coaching adds are made of them.
_GENERIC = """sorry apologise apologize apology mistake mistakes wrong fault error failure fail
failed right fix fixed sort sorted today tonight tomorrow now soon minute minutes hour hours
week morning afternoon evening time help understand see hear know want need make put get take
look check sure really completely whole properly personally straight away happened happen
happening should never again feel felt must sound sounds thank thanks please okay fine good
real real lot deal matter thing things anyone everyone someone nobody person people way point
even just still only also already tell told said say asked ask wait waiting waited"""
GENERIC_STEMS = frozenset(stem(w) for w in _GENERIC.split())


def fold(text: str) -> str:
    """Lower case without accents, so 'Lucía' and 'lucia' are one word."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _stems(text: str) -> set[str]:
    return {
        stem(w)
        for w, _, _ in words(fold(text))
        if w not in STOPWORDS and (len(w) >= 3 or w.isdigit())
    }


def _feeling(word_stem: str) -> bool:
    return any(word_stem.startswith(f[:6]) or f.startswith(word_stem) for f in _feelings())


def _feelings() -> tuple[str, ...]:
    return load_banks().feeling_words


def customer_side(scenario: Scenario) -> list[str]:
    """Everything the coach wrote about the customer and in their voice: what they may say."""
    texts = [scenario.summary, scenario.customer.persona, scenario.customer.voice, scenario.opening]
    for fact in scenario.facts:
        texts += [fact.text, fact.says or "", *fact.keywords]
    for stage in scenario.stages:
        texts += [stage.goal, *stage.lines, *stage.calmer_lines, *stage.angrier_lines]
    ending = scenario.ending
    texts += [ending.resolved_line, ending.walkout_line, ending.out_of_turns_line]
    for lines in scenario.reactions.values():
        texts += lines
    return texts


@dataclass
class Context:
    """What the trainee had heard before one reply: the customer's lines and their facts."""

    heard: list[str]
    said_ids: list[str]
    recent_ids: list[str]
    """Facts said in the customer's line just before the reply."""


def context_of(scenario: Scenario, turn: TurnRow, live: Sequence[TurnRow]) -> Context:
    """The customer's lines before `turn` (live ones: a line taken back was never heard by a
    reply written after it) and the facts they said, as the engine recorded them."""
    heard = [t for t in live if t.role == "customer" and t.idx < turn.idx and not t.retracted]
    said: list[str] = []
    recent: list[str] = []
    for line in heard:
        ids = (
            line.facts_said if line.facts_said is not None else facts_in(line.text, scenario.facts)
        )
        said += [fid for fid in ids if fid not in said]
        recent = list(ids)
    return Context([t.text for t in heard], said, recent)


class Known:
    """What the customer has said before one reply, against what the scenario holds back."""

    def __init__(
        self,
        scenario: Scenario,
        heard: Sequence[str],
        said_ids: Iterable[str],
        reply: str = "",
    ) -> None:
        said = set(said_ids)
        self.said_facts = [f for f in scenario.facts if f.id in said]
        self.unsaid_facts = [f for f in scenario.facts if f.id not in said]
        # A fact counts as said in the coach's words too: saying it back in them is fair.
        fact_words = [f"{f.text} {f.says or ''} {' '.join(f.keywords)}" for f in self.said_facts]
        known = " ".join([*heard, reply, scenario.customer.name, *fact_words])
        self._known_low = fold(known)
        known_stems = _stems(known)
        held = set().union(*(_stems(t) for t in customer_side(scenario)))
        self.secret = {s for s in held - known_stems if s not in GENERIC_STEMS and not _feeling(s)}
        """Stems of details the customer has not said yet (names, numbers, things)."""

    def unsaid_in(self, text: str) -> list[str]:
        """The details in `text` the customer has not said yet (empty: safe to say)."""
        low = fold(text)
        found = sorted(_stems(text) & self.secret)
        for fact in self.unsaid_facts:
            for keyword in fact.keywords:
                k = fold(keyword)
                if keyword_in(k, low) and not keyword_in(k, self._known_low):
                    found.append(keyword)
        return found

    def safe(self, text: str) -> bool:
        return not self.unsaid_in(text)


# --- the coach's third person, said to the customer -------------------------------------------

_HE = {"he": "you", "him": "you", "his": "your", "himself": "yourself", "he's": "you're"}
_SHE = {"she": "you", "her": "you", "hers": "yours", "herself": "yourself", "she's": "you're"}
_THEY_START = {"they": "you", "their": "your", "them": "you", "they're": "you're"}
_AGREE = {
    "is": "are", "was": "were", "has": "have", "does": "do", "doesn't": "don't",
    "isn't": "aren't", "wasn't": "weren't", "hasn't": "haven't",
}  # fmt: skip
_ADVERBS = {"just", "also", "still", "only", "never", "always", "already", "really", "now", "often"}
# "She's been waiting" is "you've been", "she's worried" is "you're".
_PERFECT = {"been", "got", "had", "done", "gone", "seen", "made", "lost", "paid", "called", "told"}
_NOT_S_VERBS = {"this", "thus", "us", "always", "across", "yes", "was", "has", "is", "less"}
_TOKEN = re.compile(r"[\w']+|[^\w\s']+|\s+", re.UNICODE)


def pronouns(scenario: Scenario) -> dict[str, str]:
    """The customer's pronouns as the coach used them ('he' or 'she' words), to swap for 'you'."""
    text = " ".join(
        [scenario.customer.persona, scenario.summary, *(f.text for f in scenario.facts)]
    )
    low = [w for w, _, _ in words(text)]
    he = sum(low.count(w) for w in ("he", "his", "him"))
    she = sum(low.count(w) for w in ("she", "her", "hers"))
    if he == she == 0:
        return {}
    return _HE if he > she else _SHE


def _verb(word: str) -> str:
    low = word.lower()
    if low in _AGREE:
        return _AGREE[low]
    if not low.isalpha() or len(low) <= 3 or not low.endswith("s") or low.endswith("ss"):
        return word
    if low in _NOT_S_VERBS:
        return word
    if low.endswith("ies"):
        return word[:-3] + "y"
    if low.endswith(("ches", "shes", "xes", "zes", "oes")):
        return word[:-2]
    return word[:-1]


def _names(scenario: Scenario) -> set[str]:
    parts = scenario.customer.name.split()
    return {fold(scenario.customer.name), fold(parts[0])} | (
        {fold(parts[-1])} if len(parts) > 1 else set()
    )


def second_person(text: str, scenario: Scenario) -> str:
    """`text` (a fact in the coach's third person) as said to the customer: 'you', 'your'."""
    swap = pronouns(scenario)
    names = _names(scenario)
    tokens = _TOKEN.findall(text.strip().rstrip("."))
    out: list[str] = []
    words_seen = 0
    subject = False  # the last word was a subject turned into "you": the verb must agree
    in_clause = False  # this clause's subject is "you": "...and needs" is "...and need"
    for i, tok in enumerate(tokens):
        low = fold(tok)
        if tok.isspace() or not re.match(r"[\w']", tok):
            if not tok.isspace():
                in_clause = False
            out.append(tok)
            continue
        words_seen += 1
        new = tok
        if subject and low not in _ADVERBS:
            new = _verb(tok)
            subject = False
        elif low in names or (low.endswith("'s") and low[:-2] in names):
            new = "your" if low.endswith("'s") else "you"
            subject = not low.endswith("'s")
        elif low in swap:
            new = swap[low]
            if low in ("her",):
                new = _her(tokens, i)
            if low.endswith("'s"):
                nxt = _next_word(tokens, i)
                new = "you've" if nxt in _PERFECT else "you're"
            subject = low in ("he", "she")
        elif in_clause and low in ("and", "but", "or"):
            subject = True
        elif words_seen <= 3 and low in _THEY_START:
            new = _THEY_START[low]
        in_clause = in_clause or subject
        if tok[:1].isupper() and new[:1].islower() and not out_has_words(out):
            new = new[:1].upper() + new[1:]
        out.append(new)
    return "".join(out)


def out_has_words(out: list[str]) -> bool:
    return any(re.match(r"\w", t) for t in out)


def _next_word(tokens: list[str], i: int) -> str:
    for tok in tokens[i + 1 :]:
        if re.match(r"\w", tok):
            return tok.lower()
        if not tok.isspace():
            return ""
    return ""


def _her(tokens: list[str], i: int) -> str:
    """'her' before a noun is 'your' (her pay), before anything else 'you' (call her, then)."""
    nxt = _next_word(tokens, i)
    return "your" if nxt and nxt not in STOPWORDS else "you"


def said_back(facts: Sequence[Fact], scenario: Scenario) -> str:
    """One sentence that says `facts` back to the customer: 'So you ..., and ...'."""
    names = proper_names(scenario)
    parts = [_lower_first(second_person(f.text, scenario), names) for f in facts]
    parts = [p.replace(";", ",") for p in parts if p]
    if not parts:
        return ""
    # Facts with commas of their own are kept apart by semicolons, or the list blurs.
    sep = "; " if any("," in p for p in parts) else ", "
    body = parts[0] if len(parts) == 1 else sep.join(parts[:-1]) + sep + "and " + parts[-1]
    return f"So {body}."


def proper_names(scenario: Scenario) -> set[str]:
    """Words the coach capitalises mid-sentence (names, places): they keep their capital."""
    found: set[str] = set()
    for text in customer_side(scenario):
        for match in re.finditer(r"(?<=[\w,;:] )([A-Z][\w']*)", text):
            found.add(fold(match.group(1)).split("'")[0])
    return found


def _lower_first(text: str, names: set[str]) -> str:
    first = text.split(" ", 1)[0]
    bare = fold(first).split("'")[0]
    if first == "I" or first.startswith("I'") or first[1:2].isupper() or bare in names:
        return text
    return text[:1].lower() + text[1:]
