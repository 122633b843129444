"""What a review's input folder holds: the review's own data, or a reconstruction.

A folder written by ``reco reconstruct`` carries ``DATASET.yaml`` (``kind: reconstruction``, a
description and the provenance file). A review's own folder needs none (``kind: review``). The
reports read the kind from ``numbers.json`` (``meta.dataset``) and say so wherever a reader could
take a reconstructed figure for the study's own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from reco.errors import InputError

#: The marker file's name inside a review's input folder.
MARKER = "DATASET.yaml"
KINDS = ("review", "reconstruction")


def describe(inputs: str | Path) -> dict[str, Any]:
    """``{kind, title, description, provenance}`` of the input folder ``inputs``."""
    folder = Path(inputs)
    path = folder / MARKER
    if not path.is_file():
        return {"kind": "review", "title": None, "description": None, "provenance": None}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(
            f"not readable YAML ({exc})", file=path, fix="correct the file or delete it."
        ) from exc
    if not isinstance(data, dict) or data.get("kind") not in KINDS:
        raise InputError(
            f"'kind' must be one of {', '.join(KINDS)}",
            file=path,
            fix="write 'kind: review' (your own data) or delete the file.",
        )
    provenance = data.get("provenance")
    return {
        "kind": data["kind"],
        "title": data.get("title"),
        "description": " ".join(str(data.get("description") or "").split()) or None,
        "provenance": str(folder / provenance) if provenance else None,
    }


def marker_text(seed: int) -> str:
    """The ``DATASET.yaml`` that ``reco reconstruct`` writes beside the inputs it generates."""
    return (
        "# What the inputs in this folder are. Written by `reco reconstruct`; the reports read it\n"
        "# (numbers.json meta.dataset). A review's own input folder needs no such file.\n"
        "kind: reconstruction\n"
        "title: RECO reconstruction dataset\n"
        "description: >-\n"
        f"  Record-level inputs generated deterministically (seed {seed}) to agree with the\n"
        "  published aggregates of the RECO study; they are not the study's raw data.\n"
        "provenance: PROVENANCE.md\n"
    )
