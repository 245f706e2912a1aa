"""The in-character filter: which sampled lines a customer could actually say.

About two of three raw SmolLM2 lines speak as the employee ("I'll fix it tomorrow"), so this
filter decides whether the customer is a simulation or a script. Each rule names its reason
so rejections can be counted and shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

MAX_CHARS = 220
MAX_WORDS = 45

_EMPLOYEE = [
    (
        r"\b(i'?ll|i will|we'?ll|we will|i'?m going to|we'?re going to|i can|we can)\s+(personally\s+)?"
        r"(fix|repair|help|check|look|get it|get you|give you|lend you|sort|refund|replace|take care|make sure|order|arrange|"
        r"escalate|do my best|assist)\b",
        "promises like the employee",
    ),
    (
        r"\b(i'?ll|i will|we'?ll|we will) (get|have) (the|it|your|a|that) ?(\w+ )?"
        r"(replaced|fixed|repaired|sorted|done)\b(?! (somewhere|elsewhere|by someone))",
        "promises like the employee",
    ),
    (r"\blet me\b", "offers help like the employee"),
    (r"^\W*(yes,? )?(i|we) (can|will|'ll) do (that|it|this)\b", "promises like the employee"),
    (r"\bwe('ll|'ve| will| have| need| can|'re| are going)\b", "speaks for the store"),
    (r"\bhow (can|may|could) (i|we) help\b", "asks how to help"),
    (r"\b(can|may|could|shall) i (help|assist|offer|get you)\b", "offers help like the employee"),
    (r"\b(happy|glad) to help\b", "offers help like the employee"),
    (r"\bis there anything else\b", "talks like the employee"),
    (
        r"\bthank you for (your patience|contacting|your business|choosing|coming|bringing)\b",
        "talks like the employee",
    ),
    (r"\b(i'?m|i am|we'?re|we are) (so |very |really |truly |terribly )?sorry\b", "apologises"),
    (r"\b(my|our) apolog", "apologises"),
    (r"\bi apologi[sz]e\b", "apologises"),
    (r"\b(sir|ma'?am)\b", "talks like the employee"),
    (
        r"\byour (laptop|screen|repair|computer|receipt|interview|order)\b",
        "talks about the customer's things as the employee",
    ),
    (r"\bas an ai\b|\blanguage model\b|\bassistant\b|\bchatbot\b", "speaks as an AI"),
    (
        r"\bour (team|technicians?|staff|store|shop|policy|company|service desk|engineers?|"
        r"colleagues?|manager|department|customers)\b",
        "speaks for the store",
    ),
]
# Reassurance and instructions aimed at the other person are the employee's job: the customer
# is the one being told to wait, not the one telling.
_REASSURE = [
    (
        r"\b(it'?s|that'?s|it is|that is|this is) not (a|an|any) (problem|issue)\b|"
        r"\bno (problem|problems|worries|worry)\b",
        "reassures like the employee",
    ),
    (
        r"\bdon'?t (you )?worry\b|\b(no need|nothing) to worry\b|\brest assured\b|"
        r"\bnot to worry\b|\btake your time\b",
        "reassures like the employee",
    ),
    (
        r"\byou (just|only|simply) (have|need|got) to\b|\ball you (have|need) to do\b|"
        r"\byou('ll| will)? (have|need) to (wait|be patient|come back|bring|fill|call|sign)\b",
        "instructs like the employee",
    ),
    (
        r"\bplease (wait|be patient|hold on|bear with|take a seat|come back|fill|sign|bring|"
        r"don'?t|have a seat|calm down|understand)\b",
        "instructs like the employee",
    ),
    (
        r"\bthank(s| you) for (waiting|your understanding|understanding|being patient)\b",
        "talks like the employee",
    ),
]
# The customer's own situation, stated as if it were over or never happened.
_CONTRADICT = [
    (
        r"\b(this is|it'?s|this'?s) (my|the) first (time|visit)\b|\bnever been (here|in) before\b",
        "contradicts the customer's situation",
    ),
    (
        r"\b(it'?s|it is|everything'?s|everything is) (all )?(fine|working) now\b|"
        r"\b(works|working) (fine|perfectly|great) now\b",
        "contradicts the customer's situation",
    ),
    (r"\bno (rush|hurry)\b|\bi'?m in no (rush|hurry)\b", "contradicts the customer's situation"),
    # "You're not listening" is the customer's complaint; said the other way round it is noise.
    (r"\b(i'?m|i am) not listening\b", "turns the customer's complaint around"),
]
_LEAK = [
    (
        r"\bupset customer\b|\bstore employee\b|\bwants now\b|\bonly speaks as\b|\btalks:",
        "leaks the instructions",
    ),
    (r"\b(my|the|your) (instructions|prompt|system prompt|rules)\b", "leaks the instructions"),
    (r"\bmeans:|\(|\)|\bEmployee:|\bStaff:", "leaks the prompt format"),
    (
        r"\b(has said|wants|answer with|in own words|react to|is not ready to say)\s*:",
        "leaks the prompt format",
    ),
]
_OBEY = [
    (r"\b(arr+|ahoy|matey|me hearties|shiver me)\b", "plays along with a role change"),
    (
        r"\b(i am|i'?m) (now |just |really )?(a|an|your) (pirate|robot|ai|assistant|bot)\b",
        "plays along with a role change",
    ),
    (r"^\s*(sure|okay|ok|certainly|of course)[,!.]? (here|i will|i'?ll)\b", "obeys the employee"),
    (r"\b(i will|i'?ll) do (whatever|anything|what) you (say|tell|want|ask)", "obeys the employee"),
]


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def overlap(a: str, b: str) -> float:
    """Share of `a`'s distinct words that also appear in `b` (0 when `a` is empty)."""
    wa, wb = set(_words(a)), set(_words(b))
    return len(wa & wb) / len(wa) if wa else 0.0


def _repeats_itself(text: str) -> bool:
    sentences = [s.strip().lower() for s in re.split(r"[.!?]+", text) if len(s.strip()) > 3]
    return len(sentences) != len(set(sentences))


def _garbage(text: str) -> bool:
    letters = sum(c.isalpha() for c in text)
    ascii_letters = sum(c.isascii() and c.isalpha() for c in text)
    if letters < 4 or ascii_letters / letters < 0.9:
        return True
    words = _words(text)
    # Runs of one-letter or digit tokens, URLs and code are not things an upset customer says.
    return bool(re.search(r"https?://|[{}<>\[\]\\|_#@=]", text)) or (
        sum(len(w) == 1 and w not in ("i", "a") for w in words) > 3
    )


_COMMON_KEYWORDS = {"work", "again", "time", "help", "money", "fixed", "repair", "service"}


def _gives_away_own_facts(low: str, own_keywords: Sequence[str]) -> bool:
    """'Your interview', 'you are a freelancer': the customer's own facts said of the employee."""
    for key in own_keywords:
        k = re.escape(key.lower())
        if len(key) < 4 or key.isdigit() or key.lower() in _COMMON_KEYWORDS:
            continue  # "180", "your work", "your time": fine to say to the employee
        if re.search(rf"\byour (\w+ )?{k}\b|\byou('re| are) (a |an )?{k}", low):
            return True
    return False


def check_line(
    text: str,
    *,
    customer_name: str,
    previous_customer: str | None = None,
    last_employee: str | None = None,
    earlier_customer: Sequence[str] = (),
    own_keywords: Sequence[str] = (),
    may_repeat: bool = False,
) -> Verdict:
    """Whether `text` is something this customer could say next, with the reason if not.
    `may_repeat`: the line answers a question about something already said, so saying it
    again is the answer, not a loop."""
    line = text.strip()
    if not line:
        return Verdict(False, "empty")
    if len(line) > MAX_CHARS or len(_words(line)) > MAX_WORDS:
        return Verdict(False, "too long")
    if _garbage(line):
        return Verdict(False, "not readable English")
    if len(_words(line)) < 2:
        return Verdict(False, "too short")
    low = line.lower()
    for pattern, reason in (*_LEAK, *_EMPLOYEE, *_REASSURE, *_OBEY, *_CONTRADICT):
        if re.search(pattern, low if "Employee" not in pattern else line, re.IGNORECASE):
            return Verdict(False, reason)
    # "Do you have a video interview on Friday?" asks the employee about the customer's own life.
    if re.search(r"\b(do|did|will) you (have|want|need|get)\b", low) and any(
        re.search(rf"\b{re.escape(k.lower())}\b", low) for k in own_keywords
    ):
        return Verdict(False, "asks about the customer's own situation")
    if _gives_away_own_facts(low, own_keywords):
        return Verdict(False, "gives the customer's situation to the employee")
    first = customer_name.split()[0].lower()
    if re.search(rf"\b{re.escape(first)}\b", low):
        return Verdict(False, "talks about the customer in the third person")
    if _repeats_itself(line):
        return Verdict(False, "repeats itself")
    if not may_repeat and previous_customer and overlap(line, previous_customer) >= 0.8:
        return Verdict(False, "repeats the previous customer line")
    if not may_repeat and any(overlap(line, old) >= 0.8 for old in earlier_customer):
        return Verdict(False, "repeats an earlier customer line")
    if last_employee and len(_words(line)) >= 4 and overlap(line, last_employee) >= 0.8:
        return Verdict(False, "parrots the employee")
    return Verdict(True)


def trim_to_sentence(text: str) -> str:
    """Drop a trailing half sentence left by the token limit, keeping at least one sentence."""
    line = text.strip()
    if not line or line[-1] in ".!?":
        return line
    cut = max(line.rfind(". "), line.rfind("! "), line.rfind("? "))
    return line[: cut + 1] if cut > 0 else line


_DAYS_MONTHS = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|june|july|august|september|october|november|december|tomorrow|yesterday|"
    r"tonight|last night|next week|last week)\b",
    re.IGNORECASE,
)
# Capitalised mid-sentence words that are not names a line could invent.
_NOT_NAMES = {
    "i",
    "i'm",
    "i've",
    "i'll",
    "i'd",
    "ok",
    "okay",
    "mr",
    "mrs",
    "ms",
    "dr",
    "tv",
    "uk",
    "us",
    "eu",
}


def invented(sentence: str, context: str) -> str | None:
    """Why `sentence` states something nobody said (a number, a day, a name), or None.

    `context` is everything the customer may draw on: persona, what they have said, this
    turn's answer and stage line, and the conversation. A 135M model happily adds "it cost
    ten dollars" or "she died last night"; a customer who contradicts the scenario breaks the
    exercise, so such a sentence is cut.
    """
    from trainer.numbers import numbers_in

    allowed = numbers_in(context)
    extra = numbers_in(sentence) - allowed - {"1"}  # "one of them", "once": not a claim
    if extra:
        return f"invents a number ({', '.join(sorted(extra))})"
    low_context = context.lower()
    for m in _DAYS_MONTHS.finditer(sentence):
        if m.group(0).lower() not in low_context:
            return f"invents a time ({m.group(0)})"
    words = re.findall(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+)\b", sentence.strip())
    for word in words:
        if word.lower() not in _NOT_NAMES and word.lower() not in low_context:
            return f"invents a name ({word})"
    return None
