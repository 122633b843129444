# Shared set-up for every stage: config validation, input paths, and the list of final targets.
import json
import shlex
import sys
from pathlib import Path

import jsonschema
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

#: Beside this rule file's folder (as validate() below finds it), wherever the Snakefile is.
CONFIG_SCHEMA = Path(workflow.current_basedir).parent / "schemas" / "config.schema.yaml"


def check_config(cfg):
    """Every schema violation of the merged config, one line each (key path: what is wrong), as a
    WorkflowError; Snakemake's own message would dump the whole schema and config."""
    schema = yaml.safe_load(CONFIG_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(
        validator.iter_errors(cfg), key=lambda e: list(map(str, e.absolute_path))
    )
    if not errors:
        return
    lines = [
        f"  - {'.'.join(map(str, e.absolute_path)) or '(top level)'}: {e.message}"
        for e in errors[:10]
    ]
    more = [f"  ... and {len(errors) - 10} more"] if len(errors) > 10 else []
    files = ", ".join(str(f) for f in workflow.configfiles) or "config/config.yaml"
    raise WorkflowError(
        "Error validating config file(s) "
        + files
        + " (later files override earlier ones):\n"
        + "\n".join(lines + more)
        + "\nWhat to do: correct the key(s) above; each key is described in "
        "workflow/schemas/config.schema.yaml and commented in config/config.yaml."
    )


check_config(config)
# Valid by now: Snakemake's validate() only fills in the schema's defaults.
validate(config, schema="../schemas/config.schema.yaml")


def _resources_dir():
    """resources_dir if given, else resources/<review>; a relative path is taken from the working
    directory if it exists there, else from the repository (so --directory runs work too).
    """
    p = Path(config.get("resources_dir") or f"resources/{config['review']}")
    if p.is_absolute() or p.exists():
        return p
    return Path(workflow.basedir) / p


#: Where the review's inputs live.
RESOURCES = _resources_dir()

#: results/ holds one review's outputs; a real run records which (a dry run records nothing).
REVIEW_STAMP = Path("results/.review")
REVIEW_ID = (
    f"review: {config['review']}\n"
    f"inputs: {config.get('resources_dir') or 'resources/' + config['review']}\n"
)
STAMPED = (
    REVIEW_STAMP.read_text(encoding="utf-8") if REVIEW_STAMP.is_file() else REVIEW_ID
)
if STAMPED != REVIEW_ID:
    # Snakemake would keep the other review's outputs wherever an input of ours is missing.
    raise WorkflowError(
        f"results/ holds the outputs of another review ({REVIEW_STAMP}: "
        + STAMPED.strip().replace("\n", ", ")
        + f"), not of review '{config['review']}'.\nWhat to do: run each review in its own "
        "working directory (python -m snakemake --directory DIR ...), or move results/ away."
    )


onstart:
    REVIEW_STAMP.parent.mkdir(parents=True, exist_ok=True)
    REVIEW_STAMP.write_text(REVIEW_ID, encoding="utf-8")


#: The reco CLI, run with the interpreter running Snakemake (no PATH or shim surprises).
RECO = f"{shlex.quote(sys.executable)} -m reco"
#: Final targets; each stage's rule file appends what `rule all` must build.
TARGETS = []


def resource(path):
    """A path from config: absolute as given, else relative to the review's resources folder."""
    p = Path(path)
    return str(p if p.is_absolute() else RESOURCES / p)


def repo_path(path):
    """A path of the repository's own data (e.g. reference tables): as given if it exists from the
    working directory, else relative to the repository (so --directory runs work too).
    """
    p = Path(path)
    return p if p.is_absolute() or p.exists() else Path(workflow.basedir) / p


def export_specs():
    """The search exports from config, with their paths resolved (one dict per export)."""
    specs = []
    for entry in config["exports"]:
        spec = dict(entry)
        spec["file"] = resource(entry["file"])
        specs.append(spec)
    return specs


def all_targets(wildcards):
    return TARGETS
