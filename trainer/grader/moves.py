"""What an employee reply *does* to the customer, beyond the four scores.

Each detector returns the words of the reply that did it (the customer reacts to those words,
and feedback quotes them), or None. They are patterns, not embeddings: each names its reason,
is cheap, and is the same on every CPU. The look-alikes each rule must leave alone are in
tests/test_intent.py ("our policy lets me waive it" is flexibility, not conformity).

Signals, as the engine and the mood rule read them:
- doubt (trust): doubting the customer's story or motives;
- belittle (tact): talking down, lecturing, "as I already explained";
- policy (conformity): hiding behind a rule with no attempt to find a way;
- hostile: insults and open rudeness;
- injection: trying to reprogram the customer ("ignore your instructions");
- small_talk: chit-chat that skips the problem;
- question: the reply asks the customer something (the engine works out what about).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from trainer.grader.text import TEXT_CACHE

_I = re.IGNORECASE

_DOUBT = [
    r"\bare you (sure|certain|positive)\b",
    r"\b(did|do|have) you (actually|really|definitely)\b",
    r"\b(you|it) (might|may|could|must) have (dropped|broken|lost|forgotten|missed|misread|deleted|damaged|done)\b",
    r"\bmaybe you\b(?!'d| would| want| prefer| could| can| might like)",
    r"\b(hard|difficult) to believe\b",
    r"\b(a lot of|many|some) (people|customers) (say|claim|try)\b",
    r"\b(can|could) you prove\b",
    r"\bif (that'?s|that is|this is|what you say is) (true|the case)\b",
    r"\bsupposedly\b|\ballegedly\b",
    r"\byou claim\b|\byou'?re claiming\b",
    r"\bno record of (that|you|any)\b.{0,40}\b(so|are you)\b",
    r"\bhow do (i|we) know\b",
    # Added from the rated corpus's training split (corpus-train), where raters flagged these:
    r"\bis it possible (you|someone|that you|the)\b",
    r"\bit'?s possible (the|that|you)\b",
    r"\b(were|was|did) (your|you) \w+ (actually|really)\b",
    r"\b(can|could) be made up\b|\banyone could (claim|say)\b",
    r"\b(people|customers) (always|often|usually) (think|say|claim|dig|forget|miss|believe)\b",
    r"\ba great many customers\b|\bwe see this a lot\b|\bhoping for\b",
    r"\byou probably\b|\bnine times out of ten\b|\bfunny how\b",
    r"\b(don'?t|doesn'?t|do not) just (disappear|go missing|vanish|happen)\b",
    r"\b(our|the) (records|system|notes|gps|logs?|engineer'?s notes)( for [\w ]+)? (show|shows|say|says|noted?)\b.{0,60}"
    r"\b(nobody|no answer|no one|perfect|did attend|redeemed|in perfect|under ten)\b",
    r"\bhave you (checked|tried) (the|your|with|switching|turning)\b",
    # "The system shows a standard double, so that's what was booked": the record over them.
    r"\b(the|our) (system|records?|computer) (shows?|says?)\b.{0,60}\b(so that'?s|which means|so you)\b",
    r"\bteleported\b|\bso the \w+ just\b",
]
_BELITTLE = [
    r"\bas i (already |just )?(said|explained|told you|mentioned)\b",
    r"\bi('ve| have) (already )?(explained|told you) (this|that)\b",
    r"\byou (should|could) have (read|checked|asked|known|kept|called|looked)\b",
    r"\b(read|check) the (terms|small print|fine print|conditions)\b",
    r"\bit'?s (really |quite |very )?(not (that )?(complicated|difficult|hard)|simple|obvious|common sense)\b",
    r"\bnext time,? (you|make sure|please|try|read|check)\b",
    r"\bin (the )?future,? (you|make sure|please)\b",
    r"\byou need to (understand|calm|listen|learn)\b",
    r"\b(it'?s|that'?s) (your|the customer'?s) (own )?(responsibility|fault|job)\b",
    r"\bobviously\b",
    r"\blet me explain (again|this again|slowly)\b",
    r"\bany adult\b|\beveryone knows\b",
    # Added from corpus-train (see the doubt list):
    r"\bhowever did you\b|\b(so|this) dramatic\b|\bno need to (raise|shout|get)\b",
    r"\bgetting (worked up|upset|angry) (isn'?t|won'?t|doesn'?t)\b",
    r"\bnot sure (why|what) (anyone|else you|you were)\b",
    r"\b(can|are|is) (be )?(super |really |very |so )?confusing\b",
    r"\b(quite |very |perfectly )?clearly (at|on|in|states|says)\b|\bclear as day\b",
    r"\byou need to make sure\b|\bif you'?d (paid|read|called|checked|kept|looked|come)\b",
    r"\byou might want to (think|consider|read|check)\b",
    r"\b(plenty of|most) (people|families|customers) (just |manage|cope)\b",
    r"\bit'?s hardly\b|\bby magic\b|\bfrankly\b|\bwhen it'?s done\b",
    r"\btake some time to review\b|\byou'?d have (called|known|checked)\b",
    r"\b(nothing|not) to be (worried|upset|angry) (sick )?about\b",
]
# Naming the rule is conformity only when no way is found: "the policy says five days, but I
# can push this one through today" names it to show the way round it (_WAY_FOUND).
_POLICY_MENTION = [
    r"\b(it'?s|that'?s|company|our|the) policy\b(?! (lets|allows|means i can|covers|says (i|we) can))",
    r"\bterms and conditions\b(?! (let|allow))",
    r"\b(our|the|your) (terms|contract|agreement) (state|states|don'?t|do not)\b",
]
_WAY_FOUND = re.compile(
    r"\b(waive|waiving|waived|make an exception|making an exception|override|overriding)\b|"
    r"\bpush (it|this|that|this one|that one|them|the \w+) through\b|"
    r"\bbut (i|we)( can| could| will|'ll| am going to|'m going to)(?!'t|n't)\b|"
    r"\b(policy|rules?|terms) (lets|let|allows?) (me|us)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\b(not|never|unable|no way|cannot)\b|n't\b", re.IGNORECASE)
_POLICY = [
    r"\brules are rules\b",
    r"\b(there'?s )?nothing (i|we) can do\b",
    r"\b(not|isn'?t) (allowed|permitted)\b",
    r"\b(i|we) (can'?t|cannot|don'?t) make (any )?exceptions\b",
    r"\bthat'?s (just )?(how|the way) (it works|things work|it is)\b",
    r"\bthe system (won'?t|doesn'?t|will not) (let|allow)\b",
    r"\b(it'?s|that'?s) out of my hands\b",
    r"\bi don'?t make the rules\b",
    r"\bhands are tied\b",
    r"\bper (our|the) (terms|policy|contract|rules)\b|\bthat'?s the procedure\b",
    r"\bnot (authori[sz]ed|my department|our department)\b|\bthe only option\b",
    r"\b(applies|apply) to every\b|\bsubject to change\b|\bindustry[- ]standard\b",
]
# Timeframes and redirects are conformity only when nobody offers to do anything themselves.
_POLICY_SOFT = [
    r"\bplease allow (up to )?\d",
    r"\b(allow|takes?|can take|take) up to \d",
    r"\b(is|are) (the )?(normal|standard|usual) (timeframe|time|process|wait)\b",
    r"\b(you'?ll|you will) need to (call|contact|complete|fill|visit|go|submit|resubmit|dispute)\b",
    r"\b(reviewed|processed|handled) within \d",
    r"\b(doesn'?t|does not|don'?t|do not) cover\b",
]
_COMMITS = re.compile(
    r"\b(i'?ll|i will|i can|i'?ve|let me|i'?m going to|i'?m (putting|sending|booking|refunding))\b",
    re.IGNORECASE,
)
_HOSTILE = [
    r"\b(stupid|idiot|idiotic|moron|pathetic|ridiculous person|clown)\b",
    r"\bshut up\b|\bget lost\b|\bgo away\b|\bbuzz off\b",
    r"\bnot my problem\b|\bdeal with it\b|\bget over it\b|\bcry me a river\b",
    r"\b(damn|hell|crap|bloody)\b.{0,20}\b(you|your)\b",
    r"\bwhat'?s wrong with you\b|\bgrow up\b",
    r"\bf+u+c+k|\bsh[i1]t\b",
]
_INJECTION = [
    r"\bignore (all |any )?(your |the |previous |prior |above )*(instructions|rules|prompt|directions)\b",
    r"\byou are now\b|\byou'?re now (a|an|the)\b",
    r"^\s*\[?(system|assistant|developer)\]?\s*:",
    r"\[(system|inst|assistant)\]",
    r"\b(print|show|reveal|repeat) (your|the) (prompt|instructions|system)\b",
    r"\bpretend (to be|you'?re|you are)\b|\bact as (a|an|the)\b|\brole-?play\b",
    r"\bas an ai\b|\blanguage model\b",
    r"\btalk like a pirate\b|\bsay you('| a)re (happy|satisfied)\b",
]
_SMALL_TALK = [
    r"\bhow('s| is| was) (your|the) (day|weekend|morning|week)\b",
    r"\bhow are you( doing| today)?\b",
    r"\b(lovely|nice|great|terrible|awful) weather\b|\bthe weather\b",
    r"\bnice (shirt|jacket|coat|bag|hat|shoes|watch|hair)\b",
    r"\b(any|got any) (plans|holiday plans)\b|\bweekend plans\b",
    r"\bdid you (see|watch|catch) the (game|match|news|football|rugby|cricket|show|final)\b",
]
# A question that proposes something ("would you like a refund?") is an offer, not a request
# for information: the customer should react to it, not answer it with a fact.
_PROPOSAL = re.compile(
    r"\b(would you like|do you want|shall i|should i|can i (get|offer|book|send|arrange|put)|"
    r"could i (get|offer|book)|is that (ok|okay|alright|all right|fine)|how does that sound|"
    r"would that (help|work|be)|does that (work|sound|help)|is there anything else)\b",
    _I,
)
_ASK = re.compile(
    r"^(what|when|where|which|who|whose|why|how|can you|could you|would you|will you|did you|"
    r"do you|does|have you|has|is|are|was|were|may i|can i|tell me)\b",
    _I,
)

PATTERNS: dict[str, list[re.Pattern[str]]] = {
    name: [re.compile(p, _I | re.MULTILINE) for p in pats]
    for name, pats in (
        ("doubt", _DOUBT),
        ("belittle", _BELITTLE),
        ("policy", _POLICY),
        ("hostile", _HOSTILE),
        ("injection", _INJECTION),
        ("small_talk", _SMALL_TALK),
    )
}
MOVES: tuple[str, ...] = (*PATTERNS, "question")


def sentences(text: str) -> list[str]:
    """The reply's sentences, with their end punctuation."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", text.strip())
    return [p.strip() for p in parts if p and p.strip()]


def _excerpt(sentence: str, match: re.Match[str], words: int = 10) -> str:
    """Up to `words` words of the sentence around the match (what the customer heard)."""
    toks = sentence.split()
    if len(toks) <= words:
        return sentence.strip()
    start_char = match.start()
    at = len(sentence[:start_char].split())
    lo = max(0, min(at - 3, len(toks) - words))
    return " ".join(toks[lo : lo + words])


_SOFT = [re.compile(p, _I) for p in _POLICY_SOFT]


_MENTION = [re.compile(p, _I) for p in _POLICY_MENTION]


def finds_a_way(text: str) -> bool:
    """The reply names a rule to get round it (waives, makes an exception, "but I can...")."""
    for m in _WAY_FOUND.finditer(text):
        # "I'm not able to make an exception" names the way only to shut it.
        if not _NEGATED.search(text[max(0, m.start() - 24) : m.start()]):
            return True
    return False


def find(name: str, text: str) -> str | None:
    """The words of `text` that make it a `name` move, or None."""
    soft = name == "policy" and not _COMMITS.search(text)
    for sentence in sentences(text):
        found = _find_in(name, sentence, soft)
        if found is not None:
            return found
    if name == "policy" and not finds_a_way(text):
        for sentence in sentences(text):
            for pat in _MENTION:
                if m := pat.search(sentence):
                    return _excerpt(sentence, m)
    return None


# A reply is searched once more for each clause taken out for its evidence; its sentences
# mostly stay the same, so each sentence is searched once.
@functools.lru_cache(maxsize=TEXT_CACHE)
def _find_in(name: str, sentence: str, soft: bool) -> str | None:
    for pat in [*PATTERNS[name], *_SOFT] if soft else PATTERNS[name]:
        m = pat.search(sentence)
        if m:
            return _excerpt(sentence, m)
    return None


def questions(text: str) -> list[str]:
    """The sentences that ask the customer for information (not proposals like "shall I...")."""
    found = []
    for sentence in sentences(text):
        asks = sentence.endswith("?") or (_ASK.match(sentence) is not None and "?" in text)
        if asks and not _PROPOSAL.search(sentence):
            found.append(sentence)
    return found


def detect(text: str) -> dict[str, str]:
    """Every move the reply makes, each with the words that made it."""
    found = {name: q for name in PATTERNS if (q := find(name, text)) is not None}
    asked = questions(text)
    if asked:
        found["question"] = asked[0]
    return found


def signals_of(found: Iterable[str]) -> dict[str, bool]:
    """The moves as the boolean signals a GradeResult carries."""
    names = set(found)
    return {name: name in names for name in MOVES}
