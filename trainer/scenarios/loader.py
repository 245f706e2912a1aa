"""A YAML loader for scenario files whose errors read `path:line:col: message`."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from trainer.errors import TrainerError
from trainer.scenarios.schema import (
    MAX_FILE_BYTES,
    Scenario,
)


@dataclass(frozen=True)
class ScenarioError:
    """A problem in a scenario file, located for editors and humans."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class ScenarioLoadError(TrainerError):
    """Raised when a scenario a command needs cannot be used."""

    def __init__(self, errors: Sequence[ScenarioError | str]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


# --- YAML with positions -------------------------------------------------------------


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def _position(node: Any, loc: Sequence[Any]) -> tuple[int, int]:
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
                ln, cl = lc.value(key) if not isinstance(current[key], dict | list) else lc.key(key)
                if isinstance(current[key], dict | list):
                    ln, cl = lc.key(key)
                current = current[key]
            else:
                break
        except (KeyError, IndexError, TypeError):
            break
        line, col = ln + 1, cl + 1
    return line, col


def _key_position(node: Any, loc: Sequence[Any]) -> tuple[int, int]:
    """Position of the last key in `loc` itself (for unknown-key errors)."""
    parent_loc, key = list(loc[:-1]), loc[-1]
    parent = node
    for k in parent_loc:
        try:
            parent = parent[k]
        except (KeyError, IndexError, TypeError):
            return _position(node, parent_loc)
    lc = getattr(parent, "lc", None)
    if lc is not None and isinstance(parent, dict) and key in parent:
        ln, cl = lc.key(key)
        return ln + 1, cl + 1
    return _position(node, parent_loc)


def _model_at(loc: Sequence[Any]) -> type[BaseModel] | None:
    """The pydantic model class that owns the field at `loc` (to suggest field names)."""
    model: Any = Scenario
    for key in loc:
        if isinstance(key, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(str(key))
        if field is None:
            return None
        ann = field.annotation
        while get_origin(ann) in (list, dict) or get_origin(ann) is not None:
            args = [a for a in get_args(ann) if a is not type(None)]
            if not args:
                break
            ann = args[-1]
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                break
        model = ann
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _message(err: dict[str, Any]) -> str:
    raw = list(err["loc"])
    # A list item is named by its field and index: `keywords[2]`, not just `2`.
    while len(raw) >= 2 and isinstance(raw[-1], int):
        raw = [*raw[:-2], f"{raw[-2]}[{raw[-1]}]"]
    loc = [str(p) for p in raw]
    field = loc[-1] if loc else "scenario"
    kind = err["type"]
    if kind == "string_type" and isinstance(err.get("input"), dict):
        return f"{field}: expected text but found a mapping; quote text that contains ': '"
    if kind == "extra_forbidden":
        owner = _model_at(err["loc"][:-1])
        names = list(owner.model_fields) if owner else []
        near = difflib.get_close_matches(field, names, n=1, cutoff=0.6)
        hint = f"; did you mean '{near[0]}'?" if near else f"; allowed: {', '.join(names)}"
        return f"unknown field '{field}'{hint}"
    if kind == "missing":
        return f"missing required field '{field}'"
    ctx = err.get("ctx") or {}
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        owner = _model_at(err["loc"][:-1])
        f = owner.model_fields.get(field) if owner else None
        lo = hi = None
        for m in getattr(f, "metadata", []) or []:
            lo = getattr(m, "ge", lo)
            hi = getattr(m, "le", hi)
        if lo is not None and hi is not None:
            return f"{field} must be {lo}-{hi}"
        return f"{field}: {err['msg'].lower()}"
    if kind == "literal_error":
        return f"{field}: {err['msg'].lower()} (got {err.get('input')!r})"
    if kind == "string_pattern_mismatch":
        return f"{field} must be lowercase letters, digits, '-' or '_' (got {err.get('input')!r})"
    if ctx and "min_length" in ctx and kind == "too_short":
        return f"{field} needs at least {ctx['min_length']} item(s)"
    return f"{field}: {err['msg']}"


def _semantic_errors(scenario: Scenario, tree: Any, path: str) -> list[ScenarioError]:
    errors: list[ScenarioError] = []

    def err(loc: Sequence[Any], msg: str) -> None:
        line, col = _position(tree, loc)
        errors.append(ScenarioError(path, line, col, msg))

    fact_ids = [f.id for f in scenario.facts]
    seen: set[str] = set()
    for i, fid in enumerate(fact_ids):
        if fid in seen:
            err(["facts", i, "id"], f"duplicate fact id '{fid}'")
        seen.add(fid)
    stage_ids: set[str] = set()
    for si, stage in enumerate(scenario.stages):
        if stage.id in stage_ids:
            err(["stages", si, "id"], f"duplicate stage id '{stage.id}'")
        stage_ids.add(stage.id)
        for ri, ref in enumerate(stage.reveals):
            if ref not in seen:
                near = difflib.get_close_matches(ref, fact_ids, n=1, cutoff=0.6)
                hint = f"; did you mean '{near[0]}'?" if near else ""
                err(["stages", si, "reveals", ri], f"reveals unknown fact id '{ref}'{hint}")
    if scenario.ending.resolve_at >= scenario.ending.walkout_at:
        err(["ending", "resolve_at"], "resolve_at must be below walkout_at")
    if scenario.customer.mood >= scenario.ending.walkout_at:
        err(["customer", "mood"], "starting mood is already at walkout_at")
    return errors


MAX_NESTING = 40


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


def parse_scenario(
    text: str, path: str = "<string>"
) -> tuple[Scenario | None, list[ScenarioError]]:
    """Parse one scenario document; returns the scenario or located errors, never raises."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if not text.strip():
        return None, [
            ScenarioError(path, 1, 1, "file is empty; run `empathy-trainer scenarios new`")
        ]
    depth = _max_nesting(text)
    if depth > MAX_NESTING:
        return None, [ScenarioError(path, 1, 1, f"YAML is nested too deeply ({depth} levels)")]
    try:
        tree = _yaml().load(text)
    except RecursionError:
        return None, [ScenarioError(path, 1, 1, "YAML is nested too deeply")]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        return None, [ScenarioError(path, line, col, f"YAML syntax error: {problem}")]
    except YAMLError as exc:
        return None, [ScenarioError(path, 1, 1, f"YAML error: {exc}")]
    if tree is None:
        return None, [ScenarioError(path, 1, 1, "file has no content (only comments)")]
    if not isinstance(tree, dict):
        return None, [ScenarioError(path, 1, 1, "a scenario must be a YAML mapping of fields")]
    try:
        data = json.loads(json.dumps(tree, default=str))
    except (TypeError, ValueError, RecursionError):
        return None, [ScenarioError(path, 1, 1, "keys must be plain names, not lists or maps")]
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        errors = []
        for e in exc.errors():
            loc = list(e["loc"])
            if e["type"] == "extra_forbidden":
                line, col = _key_position(tree, loc)
            elif e["type"] == "missing":
                line, col = _position(tree, loc[:-1])
            else:
                line, col = _position(tree, loc)
            errors.append(ScenarioError(path, line, col, _message(dict(e))))
        return None, sorted(errors, key=lambda x: (x.line, x.col))
    errors = _semantic_errors(scenario, tree, path)
    if errors:
        return None, errors
    return scenario, []


def load_scenario_file(path: Path) -> tuple[Scenario | None, list[ScenarioError]]:
    """Read and parse one file, refusing empty, huge, binary and non-UTF-8 files."""
    shown = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [
                ScenarioError(
                    shown,
                    1,
                    1,
                    f"file is {size // 1024} KB; scenario files are limited to "
                    f"{MAX_FILE_BYTES // 1024} KB",
                )
            ]
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [ScenarioError(shown, 1, 1, "no such file")]
    except IsADirectoryError:
        return None, [ScenarioError(shown, 1, 1, "is a directory, expected a .yaml file")]
    except OSError as exc:
        return None, [ScenarioError(shown, 1, 1, f"cannot read: {exc.strerror}")]
    if b"\x00" in raw:
        return None, [ScenarioError(shown, 1, 1, "binary file; a scenario is UTF-8 YAML text")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [ScenarioError(shown, line, col, "not UTF-8 text; save the file as UTF-8")]
    scenario, errors = parse_scenario(text, shown)
    if scenario is not None:
        scenario._path = path
    return scenario, errors


def scenario_files(paths: Iterable[Path]) -> list[Path]:
    """Expand directories to their *.yaml / *.yml files, sorted; files pass through."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml")))
        else:
            out.append(p)
    return out


@dataclass
class Library:
    """Every scenario found in a set of directories, with the problems found on the way."""

    scenarios: list[Scenario]
    errors: list[ScenarioError]

    def get(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)


def load_library(paths: Iterable[Path]) -> Library:
    """Load every scenario under `paths`; duplicate ids across files are errors."""
    scenarios: list[Scenario] = []
    errors: list[ScenarioError] = []
    first_seen: dict[str, Path] = {}
    for file in scenario_files(paths):
        scenario, errs = load_scenario_file(file)
        errors.extend(errs)
        if scenario is None:
            continue
        if scenario.id in first_seen:
            tree = _yaml().load(file.read_text(encoding="utf-8-sig"))
            line, col = _position(tree, ["id"])
            errors.append(
                ScenarioError(
                    str(file),
                    line,
                    col,
                    f"duplicate scenario id '{scenario.id}' (also in {first_seen[scenario.id]})",
                )
            )
            continue
        first_seen[scenario.id] = file
        scenarios.append(scenario)
    return Library(scenarios, errors)


def resolve_scenario(ref: str, dirs: Sequence[Path]) -> Scenario:
    """An id from the library or a path to a draft file; raises ScenarioLoadError with a reason."""
    candidate = Path(ref).expanduser()
    if candidate.suffix in (".yaml", ".yml") or candidate.exists() or "/" in ref:
        scenario, errors = load_scenario_file(candidate)
        if scenario is None:
            raise ScenarioLoadError(errors)
        return scenario
    library = load_library(dirs)
    found = library.get(ref)
    if found is None:
        ids = [s.id for s in library.scenarios]
        near = difflib.get_close_matches(ref, ids, n=1, cutoff=0.5)
        hint = f"; did you mean '{near[0]}'?" if near else "; see `empathy-trainer scenarios list`"
        raise ScenarioLoadError([f"unknown scenario '{ref}'{hint}"])
    return found


def json_schema() -> dict[str, Any]:
    """The JSON Schema editors use to complete and check scenario files."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "empathy-trainer scenario"
    return schema
