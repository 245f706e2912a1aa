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
from trainer.scenarios.yaml_source import YamlProblem, key_position, load_tree, position


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
    if err.get("input") is None and kind.endswith("_type"):
        return f"{field} is empty; write a value after '{field}:' or remove the line"
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
        line, col = position(tree, loc)
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


def parse_scenario(
    text: str, path: str = "<string>"
) -> tuple[Scenario | None, list[ScenarioError]]:
    """Parse one scenario document; returns the scenario or located errors, never raises."""
    if not text.strip():
        return None, [
            ScenarioError(path, 1, 1, "file is empty; run `empathy-trainer scenarios new`")
        ]
    try:
        tree = load_tree(text)
    except YamlProblem as problem:
        return None, [ScenarioError(path, problem.line, problem.col, problem.message)]
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
                line, col = key_position(tree, loc)
            elif e["type"] == "missing":
                line, col = position(tree, loc[:-1])
            else:
                line, col = position(tree, loc)
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


SUFFIXES = (".yaml", ".yml")


def is_scenario_file(path: Path) -> bool:
    """A .yaml or .yml file, in any case (`Hotel.YAML` too)."""
    return path.suffix.lower() in SUFFIXES


def scenario_files(paths: Iterable[Path]) -> list[Path]:
    """Expand directories to their scenario files, sorted; files pass through."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if is_scenario_file(q) and q.is_file()))
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


def _file_position(file: Path, loc: Sequence[str | int]) -> tuple[int, int]:
    """Where `loc` is in a file already loaded once (line 1 if it has gone or changed)."""
    try:
        return position(load_tree(file.read_text(encoding="utf-8-sig")), loc)
    except (YamlProblem, OSError, UnicodeDecodeError):
        return 1, 1


def load_library(paths: Iterable[Path]) -> Library:
    """Load every scenario under `paths`. A broken file is an error and is skipped, so the
    others stay usable; the same id in two files (in one folder or across folders) is an
    error and only the first is kept, so sessions of two scenarios never mix."""
    scenarios: list[Scenario] = []
    errors: list[ScenarioError] = []
    first_seen: dict[str, Path] = {}
    seen_files: set[Path] = set()
    for file in scenario_files(paths):
        if file.resolve() in seen_files:  # the same folder given twice
            continue
        seen_files.add(file.resolve())
        scenario, errs = load_scenario_file(file)
        errors.extend(errs)
        if scenario is None:
            continue
        if scenario.id in first_seen:
            line, col = _file_position(file, ["id"])
            errors.append(
                ScenarioError(
                    str(file),
                    line,
                    col,
                    f"duplicate scenario id '{scenario.id}' (also in {first_seen[scenario.id]}); "
                    "ids must be unique across the bundled library and every scenario folder",
                )
            )
            continue
        first_seen[scenario.id] = file
        scenarios.append(scenario)
    return Library(scenarios, errors)


def locate(scenario: Scenario, loc: Sequence[str | int]) -> ScenarioError:
    """A located finding about `scenario` at the YAML path `loc` (message filled in later
    with dataclasses.replace); line 1 when the file is gone or was not loaded from disk."""
    if scenario.path is None:
        return ScenarioError(scenario.id, 1, 1, "")
    return ScenarioError(str(scenario.path), *_file_position(scenario.path, loc), "")


def id_clash(scenario: Scenario, dirs: Sequence[Path]) -> ScenarioError | None:
    """A warning when a draft loaded by path reuses the id of another file in the library
    (fine while a coach edits a copy; its sessions would mix with the original's)."""
    if scenario.path is None:
        return None
    library = load_library(dirs)
    other = library.get(scenario.id)
    if other is None or other.path is None or other.path.resolve() == scenario.path.resolve():
        return None
    line, col = _file_position(scenario.path, ["id"])
    return ScenarioError(
        str(scenario.path),
        line,
        col,
        f"id '{scenario.id}' is also used by {other.path}; give the draft its own id before "
        "publishing, or its sessions mix with that scenario's",
    )


def resolve_scenario(ref: str, dirs: Sequence[Path]) -> Scenario:
    """An id from the library or a path to a draft file; raises ScenarioLoadError with a reason."""
    candidate = Path(ref).expanduser()
    if is_scenario_file(candidate) or candidate.exists() or "/" in ref:
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
