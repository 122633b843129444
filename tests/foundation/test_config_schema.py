"""The config schema accepts the shipped configs and rejects bad keys and values with a clear message."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

SCHEMA = str(Path(__file__).resolve().parents[2] / "workflow/schemas/config.schema.yaml")


@pytest.fixture()
def config(repo: Path) -> dict:
    return yaml.safe_load((repo / "config/config.yaml").read_text(encoding="utf-8"))


def test_shipped_config_is_valid(config: dict) -> None:
    validate(copy.deepcopy(config), SCHEMA)


def test_shipped_config_lists_existing_exports_or_reconstruction_pending(
    config: dict, repo: Path
) -> None:
    databases = [e for e in config["exports"] if e.get("origin", "database") == "database"]
    assert len({e["database"] for e in databases}) == 7  # the seven databases searched


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda c: c.update(unknown_key=1), "unknown_key"),
        (lambda c: c["exports"][0].update(dialect="bibtex"), "bibtex"),
        (lambda c: c["exports"][0].update(origin="handsearch"), "handsearch"),
        (lambda c: c["exports"][0].pop("database"), "database"),
        (lambda c: c["exports"][0].update(search_date="13/03/2020"), "13/03/2020"),
        (lambda c: c.update(exports=[]), "exports"),
        (lambda c: c.update(review="my review!"), "my review!"),
        (lambda c: c["screening"]["simulation"].update(stopping="kne"), "kne"),
    ],
)
def test_bad_config_is_rejected_naming_the_problem(config: dict, mutate, expected: str) -> None:
    bad = copy.deepcopy(config)
    mutate(bad)
    with pytest.raises(WorkflowError) as info:
        validate(bad, SCHEMA)
    assert expected in str(info.value)


def test_schema_offers_exactly_the_registered_stopping_rules() -> None:
    from reco.screening.stopping import DEFAULT_RULE, STOPPING_RULES

    schema = yaml.safe_load(Path(SCHEMA).read_text(encoding="utf-8"))
    simulation = schema["properties"]["screening"]["properties"]["simulation"]["properties"]
    assert sorted(simulation["stopping"]["enum"]) == sorted(STOPPING_RULES)
    assert simulation["stopping"]["default"] == DEFAULT_RULE
