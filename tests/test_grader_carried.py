"""Evidence quotes the clause whose removal lowers the final score the most."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest

from trainer.grader.carried import MIN_DROP, with_carrying_clause, without
from trainer.grader.encoder import Doc
from trainer.grader.text import Clause


def _doc(texts: list[str]) -> Doc:
    vecs = np.eye(len(texts), 4, dtype=np.float32)
    clauses, pos = [], 0
    for t in texts:
        clauses.append(Clause(t, pos, pos + len(t)))
        pos += len(t) + 1
    return Doc(" ".join(texts), vecs.mean(axis=0), clauses, vecs)


def test_taking_a_clause_out_keeps_the_others_spans_true() -> None:
    doc = _doc(["I hear you", "thirteen hours in A&E", "I'll sort it now"])
    rest = without(doc, 1)
    assert rest.text == "I hear you I'll sort it now"
    assert [rest.text[c.start : c.end] for c in rest.clauses] == ["I hear you", "I'll sort it now"]
    assert rest.clause_vecs.shape == (2, 4)
    assert abs(float(np.linalg.norm(rest.vec)) - 1.0) < 1e-5


def test_the_clause_that_costs_most_when_removed_is_quoted() -> None:
    doc = _doc(["Okay", "thirteen hours in A&E, you must be shattered", "I'll sort it"])
    full = {"listening": 70, "acknowledgement": 80, "apology": 20, "personalization": 45}

    def rescore(d: Doc) -> Mapping[str, int]:
        out = dict(full)
        if "shattered" not in d.text:
            out.update(acknowledgement=10, listening=40)
        if "sort" not in d.text:
            out["personalization"] = 45 - MIN_DROP + 1  # too small a drop to be the reason
        return out

    evidence = {"listening": "carried back 'hours'", "acknowledgement": "names 'shattered'",
                "apology": "no apology", "personalization": "about them"}  # fmt: skip
    out = with_carrying_clause(doc, full, evidence, rescore)
    quote = "most from “thirteen hours in A&E, you must be shattered”"
    assert out["acknowledgement"] == f"{quote}; names 'shattered'"
    assert out["listening"].startswith(quote)
    assert out["apology"] == "no apology"  # below fair: nothing carried it
    assert out["personalization"] == "about them"


def test_a_one_clause_reply_keeps_the_heuristic_evidence() -> None:
    doc = _doc(["thirteen hours, you must be shattered"])
    full = dict.fromkeys(("listening", "acknowledgement", "apology", "personalization"), 80)
    out = with_carrying_clause(doc, full, {"listening": "x"}, lambda _d: {})
    assert out == {"listening": "x"}


@pytest.mark.slow
def test_the_real_grader_quotes_the_clause_that_carried_the_feeling(grader: Any) -> None:
    from trainer.types import GradeRequest, Turn

    customer = "I was in A&E for thirteen hours with my son and the prescription isn't ready."
    reply = (
        "Thirteen hours in A&E and then this, you must be shattered. "
        "I'll get the prescription made up for you right now."
    )
    r = grader.grade(GradeRequest(reply=reply, history=[Turn("customer", customer)]))
    assert r.scores["acknowledgement"] >= 40
    assert r.evidence["acknowledgement"].startswith("most from “Thirteen hours in A&E")
    assert "shattered" in r.evidence["acknowledgement"].split("”")[0]


def test_a_filler_clause_is_never_the_evidence() -> None:
    doc = _doc(["Right okay", "I hear how frustrating the flicker is"])
    full = dict.fromkeys(("listening", "acknowledgement", "apology", "personalization"), 60)

    def rescore(d: Doc) -> Mapping[str, int]:  # "Right okay" would cost most if it were tried
        return dict.fromkeys(full, 0 if "Right" not in d.text else 50)

    out = with_carrying_clause(doc, full, {}, rescore)
    assert all(v.startswith("most from “I hear how frustrating") for v in out.values()), out
