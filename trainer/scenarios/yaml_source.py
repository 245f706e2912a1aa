"""YAML text to a tree with positions, safely: bounded time, plain-word errors.

A scenario repository is shared, so one file must not be able to hang every trainee's home
screen. Anchors and aliases are refused from the token stream before anything is composed
(the alias "billion laughs" only explodes when the tree is built), nesting is capped before
parsing, and the file size is capped by the caller: every step is linear in the file's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

MAX_NESTING = 40
"""Deeper than any scenario needs (the schema nests six levels) and far below the recursion
limit, so pathological files fail fast with a message instead of a RecursionError."""


class YamlProblem(Exception):
    """Why the text is not usable YAML, with its 1-based position."""

    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def _max_nesting(text: str) -> int:
    """A cheap upper bound on bracket nesting, so pathological files fail fast."""
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    return deepest


def _plain(problem: str, text: str, line: int, col: int) -> str:
    """ruamel's message in words a coach can act on."""
    low = problem.lower()
    row = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
    if "\t" in row[: max(col, 1)] or "'\\t'" in problem:
        return "a tab here; indent with spaces, not tabs"
    if "mapping values are not allowed" in low:
        return "text containing ': ' must be quoted; put this text in double quotes"
    if "found duplicate key" in low or "duplicate key" in low:
        return f"{problem}; each field may appear once"
    if "could not find expected ':'" in low:
        return "a line without 'key: value' (or quote text that runs over several lines)"
    if "found character '%'" in low or "found character '@'" in low or "'`'" in problem:
        return f"{problem}; quote text that starts with this character"
    return problem


def _refuse_anchors(text: str) -> None:
    """Anchors (&a) and aliases (*a) are refused: coaches don't need them, and expanding
    aliases is how a 9-line file becomes gigabytes."""
    from ruamel.yaml.error import MarkedYAMLError
    from ruamel.yaml.tokens import AliasToken, AnchorToken

    try:
        for token in _yaml().scan(text):
            if isinstance(token, AnchorToken | AliasToken):
                mark = token.start_mark
                kind = "anchor" if isinstance(token, AnchorToken) else "alias"
                raise YamlProblem(
                    mark.line + 1,
                    mark.column + 1,
                    f"YAML {kind} '{token.value}' is not allowed in scenarios; write the text out",
                )
    except MarkedYAMLError:
        return  # the parse below reports it with its position


def load_tree(text: str) -> Any:
    """The round-trip tree (mappings keep `.lc` positions); raises YamlProblem."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    depth = _max_nesting(text)
    if depth > MAX_NESTING:
        raise YamlProblem(1, 1, f"YAML is nested too deeply ({depth} levels)")
    _refuse_anchors(text)
    try:
        return _yaml().load(text)
    except RecursionError:
        raise YamlProblem(1, 1, "YAML is nested too deeply") from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        message = f"YAML syntax error: {_plain(problem, text, line, col)}"
        raise YamlProblem(line, col, message) from None
    except YAMLError as exc:
        raise YamlProblem(1, 1, f"YAML error: {exc}") from None


def position(node: Any, loc: Sequence[Any]) -> tuple[int, int]:
    """1-based line/col of the deepest YAML node on `loc` that exists."""
    line, col = 1, 1
    current = node
    for key in loc:
        lc = getattr(current, "lc", None)
        if lc is None:
            break
        try:
            if isinstance(key, int) and isinstance(current, list):
                if key >= len(current):
                    break
                ln, cl = lc.item(key)
                current = current[key]
            elif isinstance(current, dict) and key in current:
                child = current[key]
                # Containers and empty values are located at their key: an empty value's
                # own position is wherever the next line starts.
                if isinstance(child, dict | list) or child is None:
                    ln, cl = lc.key(key)
                else:
                    ln, cl = lc.value(key)
                current = child
            else:
                break
        except (KeyError, IndexError, TypeError):
            break
        line, col = ln + 1, cl + 1
    return line, col


def key_position(node: Any, loc: Sequence[Any]) -> tuple[int, int]:
    """Position of the last key in `loc` itself (for unknown-key errors)."""
    parent_loc, key = list(loc[:-1]), loc[-1]
    parent = node
    for k in parent_loc:
        try:
            parent = parent[k]
        except (KeyError, IndexError, TypeError):
            return position(node, parent_loc)
    lc = getattr(parent, "lc", None)
    if lc is not None and isinstance(parent, dict) and key in parent:
        ln, cl = lc.key(key)
        return ln + 1, cl + 1
    return position(node, parent_loc)
