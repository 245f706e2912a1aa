"""The real grader (bundled MiniLM) on replies whose right answer is not in doubt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from trainer.grader import DIMENSIONS, FactRef, GradeRequest, Turn, load_grader
from trainer.grader.calibration import fit_curve, isotonic, spearman
from trainer.grader.text import clauses, clean, key_phrase

pytestmark = pytest.mark.slow

OPENING = (
    "I'm back. Again. The screen on my laptop is flickering exactly like it was before I paid "
    "you to fix it, and this is the third time I've been in here. I have a video interview on "
    "Friday and I need this laptop working."
)
HISTORY = [Turn("customer", OPENING)]
FACTS = [
    FactRef("third-visit", "This is her third visit for the same repair.", ("third",)),
    FactRef("interview", "She has a video job interview on Friday.", ("interview", "Friday")),
]


def grade(grader: Any, reply: str, **kw: Any) -> Any:
    kw.setdefault("history", HISTORY)
    kw.setdefault("customer_name", "Dana Reyes")
    return grader.grade(GradeRequest(reply=reply, **kw), raw=True)


def test_strong_reply_scores_high_everywhere_with_signals(grader: Any) -> None:
    r = grade(
        grader,
        "Dana, I'm so sorry. This is your third visit for the same flicker, and with your "
        "interview on Friday that's really stressful. That's on us. I'll have a technician "
        "replace the screen today and lend you a laptop until it's ready.",
        facts=FACTS,
    )
    assert all(r.scores[d] >= 60 for d in DIMENSIONS), r.scores
    assert r.signals["apologized"] and r.signals["offered_repair"]
    assert not r.signals["blamed"] and not r.signals["dismissive"]
    assert set(r.facts_used) == {"third-visit", "interview"}
    assert "carried back" in r.evidence["listening"] and "Friday" in r.evidence["listening"]


def test_evidence_names_what_was_missed(grader: Any) -> None:
    r = grade(grader, "So this is the third time the screen has flickered after our repair.")
    assert "third" in r.evidence["listening"]
    assert "missed" in r.evidence["listening"] and "interview" in r.evidence["listening"]
    assert r.tip


@pytest.mark.parametrize(
    "reply",
    [
        "You should have checked the screen before you left the shop last time.",
        "Calm down. There's nothing I can do about it.",
        "Wow, three whole visits. What a tragedy.",
    ],
)
def test_blame_dismissal_and_sarcasm_score_low_everywhere(grader: Any, reply: str) -> None:
    r = grade(grader, reply)
    assert all(r.scores[d] <= 20 for d in DIMENSIONS), r.scores
    assert r.signals["blamed"] or r.signals["dismissive"]


def test_apology_kinds_are_told_apart(grader: Any) -> None:
    sincere = grade(
        grader, "I'm sorry, we got your repair wrong twice. I'll replace the screen today."
    )
    formulaic = grade(grader, "We apologize for any inconvenience caused.")
    non_apology = grade(grader, "I'm sorry you feel that way.")
    assert sincere.scores["apology"] >= 75
    assert 15 <= formulaic.scores["apology"] <= 50
    assert "formulaic" in formulaic.evidence["apology"]
    assert non_apology.scores["apology"] <= 10 and "non-apology" in non_apology.evidence["apology"]
    assert not formulaic.signals["apologized"] and not non_apology.signals["apologized"]


def test_a_reply_that_does_one_thing_well_scores_high_on_that_only(grader: Any) -> None:
    paraphrase = grade(
        grader,
        "So the screen is flickering the same way as before the repair, this is your third "
        "visit, and you need the laptop for a video interview on Friday.",
    )
    feeling = grade(grader, "That sounds so stressful, I'd be upset too.")
    assert paraphrase.scores["listening"] >= 70
    assert paraphrase.scores["acknowledgement"] <= 25 and paraphrase.scores["apology"] <= 10
    assert feeling.scores["acknowledgement"] >= 60
    assert feeling.scores["listening"] <= 25 and feeling.scores["personalization"] <= 25


def test_name_and_boilerplate_alone_are_not_personal(grader: Any) -> None:
    r = grade(grader, "Thank you for contacting us, Dana. We value your business.")
    assert r.scores["personalization"] <= 15
    assert (
        "boilerplate" in r.evidence["personalization"]
        or "name only" in r.evidence["personalization"]
    )


def test_empty_long_and_odd_input(grader: Any) -> None:
    empty = grade(grader, "   \n")
    assert empty.scores == dict.fromkeys(DIMENSIONS, 0)
    assert set(empty.evidence.values()) == {"empty reply"}
    long = grade(grader, "I'm sorry about the third visit. " * 4000)
    assert long.truncated and all("4,000" in e for e in long.evidence.values())
    for odd in [
        "😡😡 sorry!!",
        "Lo siento mucho, Dana. Su pantalla parpadea.",
        "sorry\x00\x07\x1b[31m third",
    ]:
        r = grade(grader, odd)
        assert all(0 <= r.scores[d] <= 100 for d in DIMENSIONS)


def test_no_history_and_nearest_model_reply(grader: Any) -> None:
    strong = ["I'm sorry about the flicker; I'll fix it today.", "Let's book your flight home."]
    r = grade(grader, "Sorry the screen still flickers, we'll repair it now.", history=[],
              strong_replies=strong)  # fmt: skip
    assert r.model_reply == strong[0]


def test_customer_side_is_cached_so_later_replies_encode_only_themselves(grader: Any) -> None:
    grade(grader, "First reply about the third visit.")
    before, words_before = set(grader.encoder._phrases), set(grader.encoder._words)
    reply = "A quixotic zephyr reply. It mentions Friday."
    grade(grader, reply)
    new = set(grader.encoder._phrases) - before
    assert new == {c.text for c in clauses(reply)}
    # Single words are embedded for synonyms: only the reply's (days must match exactly).
    # Words other tests already embedded stay cached, so only the unusual ones must be new.
    added = set(grader.encoder._words) - words_before
    assert {"quixotic", "zephyr"} <= added <= {"quixotic", "zephyr", "reply", "mentions"}


def test_library_strong_replies_beat_weak_ones(grader: Any, library_dir: Path) -> None:
    """Coaches wrote these strong/weak replies, not the grader's author: a fair outside check."""
    from trainer.scenarios import load_scenario_file

    checked = 0
    for path in sorted(library_dir.glob("*.yaml")):
        scenario, _ = load_scenario_file(path)
        if scenario is None:
            continue
        facts = [FactRef(f.id, f.text, tuple(f.keywords)) for f in scenario.facts]
        history = [Turn("customer", scenario.opening)]
        name = scenario.customer.name
        for stage in scenario.stages:
            history.append(Turn("customer", stage.lines[0]))
            req = {"history": list(history), "facts": facts, "customer_name": name}
            strong = min(grade(grader, s, **req).mean() for s in stage.strong_replies)
            for weak in stage.weak_replies:
                assert grade(grader, weak, **req).mean() < strong, (path.name, weak)
                checked += 1
    assert checked >= 5


def test_load_grader_is_cached(grader: Any) -> None:
    assert load_grader() is grader


def test_text_helpers() -> None:
    assert clean("a\x00b\u200b  c\r\n") == "a b c"
    assert [c.text for c in clauses("Hi. It broke again, and I need it Friday!")] == [
        "Hi.", "It broke again", "and I need it Friday!"
    ]  # fmt: skip
    assert key_phrase("I have a video interview on Friday") == "video interview on Friday"


def test_isotonic_and_spearman() -> None:
    import numpy as np

    _kx, ky = isotonic(np.array([10, 20, 30, 40]), np.array([0, 2, 1, 2]))
    assert list(ky) == sorted(ky)
    curve = fit_curve([5, 20, 40, 60, 90], [0, 0, 1, 2, 2])
    mapped = [curve.apply(s) for s in (0, 5, 40, 90, 100)]
    assert mapped == sorted(mapped) and mapped[0] == 0 and mapped[-1] == 100
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 1], [1, 2, 3]) is None


@pytest.mark.parametrize(
    "reply",
    [
        "I'm sorry, Dana: we told you it was fixed twice and it wasn't. I'll have our senior "
        "technician replace the display today, refund the 180 dollars, and lend you a laptop.",
        "I've sent the replacement screen to the shop by courier.",
        "I've closed the old ticket and opened a priority repair for the display.",
        "The display has already been replaced and it's ready to collect.",
        "Let me get you a loan laptop while we fix it.",
        "We can swap the screen today.",
        "I'm going to put a new display in this afternoon.",
        "What I can do is give you a loan laptop until Friday.",
        "You'll get a brand new screen fitted tomorrow morning.",
    ],
)
def test_offers_in_many_wordings_are_found(grader: Any, reply: str) -> None:
    r = grade(grader, reply)
    assert r.signals["offered_repair"], r.evidence["apology"]
    assert "offers no repair" not in r.evidence["apology"]


@pytest.mark.parametrize(
    "reply",
    [
        "I'm sorry. We've already replaced the screen twice and it still flickers.",
        "Sorry, I can't replace it today.",
        "Not much we can do, screens just do that.",
        "I'm sorry, I'll look into it and get back to you.",
        "I'm sorry this happened again, that's on us.",
    ],
)
def test_non_offers_are_not_offers(grader: Any, reply: str) -> None:
    assert not grade(grader, reply).signals["offered_repair"]


def test_offer_of_choice_is_not_blame_but_real_blame_is(grader: Any) -> None:
    choice = grade(
        grader,
        "I'm sorry about the flicker. We can fix it today, or, if you'd rather, I'll book you "
        "in for tomorrow morning.",
    )
    assert not choice.signals["blamed"] and choice.signals["offered_repair"]
    assert choice.scores["apology"] >= 60 and "blames" not in choice.evidence["apology"]
    reported = grade(
        grader,
        "I'm so sorry - we seated you by the kitchen and asked if you'd dined with us before.",
    )
    assert not reported.signals["blamed"], "reported speech is not blame"
    for blame in [
        "If you had read the terms you'd know the warranty doesn't cover this.",
        "You should have brought it back sooner.",
        "That's your responsibility, not ours.",
    ]:
        r = grade(grader, blame)
        assert r.signals["blamed"] and max(r.scores.values()) <= 15, blame


def test_listening_weighs_the_latest_customer_turn_most(grader: Any) -> None:
    """Picking up what the customer just said is listening, even when an earlier reply
    already carried back the opening; re-saying only the opening is the weaker reply."""
    history = [
        Turn("customer", OPENING),
        Turn("employee", "Dana, this is your third visit for the same flicker, I'd be angry too."),
        Turn(
            "customer",
            "The thing is, my freelance clients pay me through that laptop, so every day "
            "without it costs me money.",
        ),
    ]
    latest = grade(
        grader,
        "So every day without the laptop is money lost from your freelance clients; "
        "that's a lot of pressure.",
        history=history,
    )
    opening_only = grade(
        grader,
        "So the screen is flickering again, this is your third time in, and you have a video "
        "interview on Friday.",
        history=history,
    )
    assert latest.scores["listening"] >= 60, latest.evidence["listening"]
    assert latest.scores["listening"] > opening_only.scores["listening"]
    assert "freelance" in latest.evidence["listening"]


def test_torch_threads_is_shared_and_blocks_a_grader_encode(grader: Any) -> None:
    """While the customer runs inside torch_threads(n), the grader cannot switch the
    process-wide thread count: its encode waits, and the count stays n throughout."""
    import threading
    import time

    import torch

    from trainer.cpu import torch_threads

    grader.encoder.clear_cache()
    done = threading.Event()
    seen: list[int] = []

    def encode() -> None:
        grader.encoder.phrases(["A clause nobody has encoded yet, about a flickering screen."])
        done.set()

    start = torch.get_num_threads()
    with torch_threads(2):
        worker = threading.Thread(target=encode)
        worker.start()
        for _ in range(20):
            seen.append(torch.get_num_threads())
            time.sleep(0.01)
        assert not done.is_set()  # the grader waits for the customer's block
    worker.join(timeout=30)
    assert done.is_set() and set(seen) == {2}
    assert torch.get_num_threads() == start


HAROLD = (
    "Hello, yes. I'm ever so sorry, I think I've broken the app. It says I'm locked out, "
    "and I don't know what I've done."
)


def test_paraphrase_and_negated_restatement_count_as_listening(grader: Any) -> None:
    """Real use: 'you haven't broken anything' and 'it locks' carry back 'broken the app' and
    'locked out' (it scored 50 with 'missed broken the app'); 'please don't apologise' is
    not the employee apologising, 'that's on us' is."""
    r = grade(
        grader,
        "Oh Harold, please don't apologise - you haven't broken anything. The update asked you "
        "to re-verify and after three wrong codes it locks, that's on us. Let's sort it together.",
        history=[Turn("customer", HAROLD)],
        customer_name="Harold Finch",
    )
    # 60, not 70: half the score is the learned head, which the raters' corpus taught that a
    # short paraphrase is "one specific or the gist" more often than "most of them".
    assert r.scores["listening"] >= 60, r.evidence["listening"]
    assert "missed" not in r.evidence["listening"], r.evidence["listening"]
    assert "broken" in r.evidence["listening"] and "locks" in r.evidence["listening"]
    assert "apologise" not in r.evidence["apology"], r.evidence["apology"]
    assert "that's on us" in r.evidence["apology"] and r.scores["apology"] >= 55
    told_off = grade(grader, "Please don't apologise, these things happen.",
                     history=[Turn("customer", HAROLD)])  # fmt: skip
    assert "no apology" in told_off.evidence["apology"] and told_off.scores["apology"] <= 15


def test_stakes_in_the_customers_words_are_heard_through_their_specifics(grader: Any) -> None:
    """Real use: carrying back 'interview on Friday' hears 'so timing really matters' (53)."""
    r = grade(
        grader,
        "With your interview on Friday and your freelance work depending on this laptop, "
        "that's a lot of pressure",
        history=[
            Turn(
                "customer", "The thing is, I have an interview on Friday, so timing really matters."
            )
        ],
    )
    assert r.scores["listening"] >= 60, r.evidence["listening"]  # was 53 before the fix
    assert "interview on Friday" in r.evidence["listening"]


def test_close_words_carry_back_but_days_and_numbers_must_match(grader: Any) -> None:
    from trainer.grader.overlap import matches
    from trainer.grader.text import content_stems

    theirs = content_stems("My luggage froze on Saturday, two bags")
    ours = content_stems("your suitcase was frozen on Friday, three cases")
    words = sorted(set(theirs.values()) | set(ours.values()))
    vecs = dict(zip(words, grader.encoder.words(words), strict=True))
    found = {theirs[s]: hit for s, hit in matches(theirs, ours, vecs).items()}
    assert found["luggage"] and found["luggage"][0] == "suitcase"
    assert found["froze"] and found["froze"][0] == "frozen"
    assert found["saturday"] is None and found["2"] is None  # "two" reads as the digit 2
    lost = "My luggage never arrived and my medication is in it. I fly home on Saturday."
    r = grade(grader, "So your suitcase, with your medicine inside, hasn't turned up, and you "
              "fly Saturday.", history=[Turn("customer", lost)])  # fmt: skip
    assert r.scores["listening"] >= 70, r.evidence["listening"]  # strong
    assert "suitcase" in r.evidence["listening"] and "medicine" in r.evidence["listening"]


def test_owning_ones_own_unfair_words_with_a_way_forward_is_a_sincere_apology(
    grader: Any,
) -> None:
    """After a blaming reply: "I'm sorry, that was unfair of me" owns it, and "let's unlock it
    together now" is the repair (it read as owning nothing and offering nothing)."""
    history = [
        Turn("customer", "It says I'm locked out, and I don't know what I've done."),
        Turn("employee", "You must have typed the code wrong yourself."),
        Turn("customer", "Don't put this on me. Hang on, you've lost me."),
    ]
    r = grade(
        grader,
        "I'm sorry, Harold, that was unfair of me. Let's unlock it together now, one step at "
        "a time.",
        history=history,
    )
    assert r.scores["apology"] >= 70, r.evidence["apology"]
    assert "owns it" in r.evidence["apology"] and "offers" in r.evidence["apology"]
