"""The learned heads and the regressions people caught ("Feedback people can trust")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from trainer.grader import GradeRequest, Turn
from trainer.grader.learned import load_heads

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
A_AND_E = "I was in A&E for thirteen hours last night with my son and the prescription isn't ready."
FUNERAL = (
    "My mother died last week and you cancelled my flight to her funeral in Accra on Saturday."
)
BILL = "You charged me four hundred and fifty euros twice for the same hotel night."


def grade(grader: Any, reply: str, customer: str) -> Any:
    return grader.grade(GradeRequest(reply=reply, history=[Turn("customer", customer)]))


def test_the_heads_are_shipped_and_used(grader: Any) -> None:
    heads = load_heads()
    assert heads is not None and heads.weights.shape[0] == 4
    assert grader.heads is not None, "the default grader scores with the learned heads"


def test_everyday_feeling_words_count(grader: Any) -> None:
    r = grade(grader, "Thirteen hours in A&E and then this - you must be shattered.", A_AND_E)
    assert r.scores["acknowledgement"] >= 40, r.evidence["acknowledgement"]


def test_condolence_is_not_an_apology(grader: Any) -> None:
    r = grade(grader, "I'm so sorry about your mother, sir.", FUNERAL)
    assert r.scores["apology"] <= 30, r.evidence["apology"]
    assert not r.signals["apologized"]


def test_sorry_for_any_inconvenience_is_weak(grader: Any) -> None:
    r = grade(grader, "Sorry for any inconvenience. Let me go and check.", A_AND_E)
    assert r.scores["apology"] <= 30


def test_numbers_in_words_or_digits_are_heard(grader: Any) -> None:
    r = grade(grader, "You were charged 450 euros twice for one night; I'm refunding it.", BILL)
    assert r.scores["listening"] >= 60, r.evidence["listening"]
    assert "four hundred" not in r.evidence["listening"]  # not "missed" when said as digits
    assert "450 euros" in r.evidence["listening"]


def test_a_word_that_starts_like_a_feeling_is_not_one(grader: Any) -> None:
    """ "made" is not "mad": the evidence names only the feeling the reply named."""
    reply = "Thirteen hours in A&E, you must be shattered. I've made up the prescription now."
    r = grade(grader, reply, A_AND_E)
    assert "'shattered'" in r.evidence["acknowledgement"]
    assert "'made'" not in r.evidence["acknowledgement"]


def test_a_kind_specific_reply_without_stock_phrases_scores_well(grader: Any) -> None:
    r = grade(
        grader,
        "Billed twice for one night - that's infuriating. The second 450 goes back on your card "
        "this afternoon, and I've flagged the booking so it can't happen again.",
        BILL,
    )
    assert r.scores["acknowledgement"] >= 40 and r.scores["listening"] >= 40, r.scores


def test_blame_scores_low_and_carries_the_signal(grader: Any) -> None:
    r = grade(grader, "That's your own fault for not checking the statement.", BILL)
    assert max(r.scores.values()) <= 20 and r.signals["blamed"]


@pytest.mark.parametrize(
    ("reply", "signal"),
    [
        ("Are you sure you didn't book the wrong night?", "doubt"),
        ("As I already explained, you should have read the terms.", "belittle"),
        ("It's policy. There's nothing I can do.", "policy"),
    ],
)
def test_trust_tact_and_conformity_signals(grader: Any, reply: str, signal: str) -> None:
    assert grade(grader, reply, BILL).signals[signal]


@pytest.mark.parametrize(
    "reply",
    [
        "Our policy lets me waive the second charge for you today.",
        "Our policy lets me waive this fee for you.",  # the policy head alone fired on this
        "The policy says refunds take five days, but I can push this one through today.",
    ],
)
def test_polite_look_alikes_raise_no_signal(grader: Any, reply: str) -> None:
    r = grade(grader, reply, BILL)
    assert not (r.signals["policy"] or r.signals["doubt"] or r.signals["belittle"]), reply


def test_committed_heads_reproduce_their_metrics() -> None:
    """Re-fitting from the committed data gives the committed dev-split numbers (±0.01)."""
    metrics = json.loads((ROOT / "evals/grader/heads_metrics.json").read_text())
    out = subprocess.run(
        [sys.executable, "evals/grader/evaluate.py", "--split", "corpus-dev"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    row = next(line for line in out.stdout.splitlines() if line.startswith("| corpus-dev"))
    got = [float(c) for c in row.strip("| \n").split("|")[2:]]
    want = [metrics["learned"]["corpus-dev"][d] for d in metrics["learned"]["corpus-dev"]]
    assert all(abs(a - b) <= 0.01 for a, b in zip(got, want, strict=True)), (got, want)


def test_training_script_runs_on_a_slice(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "evals/grader/train_heads.py", "--limit", "40",
         "--out", str(tmp_path / "heads.npz")],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    assert (tmp_path / "heads.npz").is_file()
    assert "| corpus-test |" in out.stdout and "kappa" in out.stdout


@pytest.mark.parametrize(
    ("reply", "signal"),
    [
        # No pattern in grader/moves.py catches these; the learned flag heads do.
        ("Honestly, most people would have noticed that on their statement sooner.", "belittle"),
        ("That's just how the system works, I can't override it.", "policy"),
    ],
)
def test_the_flag_heads_catch_what_no_pattern_does(grader: Any, reply: str, signal: str) -> None:
    from trainer.grader import moves

    assert signal not in moves.detect(reply)
    r = grade(grader, reply, BILL)
    assert r.signals[signal]
    assert r.signal_evidence[signal] and r.signal_evidence[signal] in reply
    assert set(r.evidence) == {"listening", "acknowledgement", "apology", "personalization"}


@pytest.mark.parametrize(
    "reply",
    [
        "Just so I get this right, was the second charge on the Tuesday?",
        "You've told us three times now, and that's on us. I'm refunding the duplicate now.",
        "I checked the terms so you don't have to: you're covered, and I'll refund it today.",
    ],
)
def test_the_flag_heads_stay_quiet_on_kind_replies(grader: Any, reply: str) -> None:
    r = grade(grader, reply, BILL)
    assert not any(r.signals.get(s) for s in ("doubt", "belittle", "policy")), r.signal_evidence


def test_the_flag_script_runs_on_a_slice(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "evals/grader/train_flags.py", "--limit", "60",
         "--out", str(tmp_path / "flags.npz")],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    assert (tmp_path / "flags.npz").is_file()
    assert "| corpus-test | belittle |" in out.stdout


def test_evidence_never_quotes_a_filler_word(grader: Any) -> None:
    """ "missed 'Finally'" or "carried back 'Okay'" tells the trainee nothing."""
    said = (
        "Finally. Alright. So you cancelled my flight and my mother's funeral is on Saturday. "
        "Thirty dollars for a sandwich voucher?"
    )
    for reply in ("Thirty dollars, yes. That's the standard voucher.", "Okay."):
        r = grade(grader, reply, said)
        for quoted in ("'Finally'", "'Alright'", "'Okay'"):
            assert quoted not in r.evidence["listening"], r.evidence["listening"]
            assert quoted not in r.tip


def test_reassurance_aimed_at_the_named_feeling_acknowledges_it(grader: Any) -> None:
    """The overdraft customer says it is embarrassing; "that's not embarrassing at all" is
    what the scenario asks for, not a reply that names no feeling."""
    said = "Hi. Um, this is a bit embarrassing. I went overdrawn and there's a lot of fees."
    r = grade(grader, "That's not embarrassing at all - thanks for coming in.", said)
    assert r.scores["acknowledgement"] >= 40, r.evidence["acknowledgement"]
    cold = grade(grader, "This is embarrassing for us, the fees are automatic.", said)
    assert cold.scores["acknowledgement"] < r.scores["acknowledgement"]
