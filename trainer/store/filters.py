"""How the read filters (`sessions list`, `export`, `report`, review) match what a lead types.

A lead types part of a name, in any case: `tom` finds "Tom Becker" but not "Tomas", and
`laptop` finds the scenario `retail-laptop-repair`. The words must appear whole and in order.
`--trainee` on `practice` and `run` is an identity, not a filter, and stays exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def words_match(query: str, value: str) -> bool:
    """Whether `query` appears in `value` as whole words, ignoring case and spacing."""
    words = query.casefold().split()
    if not words:
        return True
    pattern = r"(?<!\w)" + r"\W+".join(re.escape(w) for w in words) + r"(?!\w)"
    return re.search(pattern, value.casefold()) is not None


def matching(query: str | None, values: Iterable[str]) -> list[str] | None:
    """The values `query` matches, or None when there is no query (everything passes)."""
    if query is None or not query.strip():
        return None
    return sorted({v for v in values if words_match(query, v)})
