"""Scenarios: the pydantic schema coaches write to, and the safe YAML loader with located errors."""

from trainer.scenarios.loader import (
    Library,
    ScenarioError,
    ScenarioLoadError,
    json_schema,
    load_library,
    load_scenario_file,
    parse_scenario,
    resolve_scenario,
    scenario_files,
)
from trainer.scenarios.schema import (
    MAX_FILE_BYTES,
    SCHEMA_URL_COMMENT,
    AdvanceWhen,
    Customer,
    Dimension,
    Ending,
    Fact,
    Reveal,
    Scenario,
    Sector,
    Stage,
)

__all__ = [
    "MAX_FILE_BYTES",
    "SCHEMA_URL_COMMENT",
    "AdvanceWhen",
    "Customer",
    "Dimension",
    "Ending",
    "Fact",
    "Library",
    "Reveal",
    "Scenario",
    "ScenarioError",
    "ScenarioLoadError",
    "Sector",
    "Stage",
    "json_schema",
    "load_library",
    "load_scenario_file",
    "parse_scenario",
    "resolve_scenario",
    "scenario_files",
]
