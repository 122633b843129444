# Shared set-up for every stage: config validation, input paths, and the list of final targets.
import json
import shlex
import sys
from pathlib import Path

from snakemake.utils import validate

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
