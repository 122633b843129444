"""The deterministic generator of the RECO reconstruction dataset (``reco reconstruct``).

The real record-level data of the RECO study are not public. This package writes, from a seed and
the published tables copied under ``resources/reco/sources/``, record-level inputs in the formats
real teams have (database exports, screening logs, survey trackers, costing pro formas), each
marked as reconstructed. The pipeline then has to *compute* every count from them.

Each part is a module ``reco.reconstruct.<part>`` with ``build(ctx: Context) -> list[Path]``.
Parts run in :data:`PART_ORDER` (later parts may read what earlier parts wrote under ``ctx.out``).
Planted answers go under ``ctx.out / "truth"``; no pipeline rule may read them.
"""

from __future__ import annotations

import hashlib
import importlib
import random
from dataclasses import dataclass
from pathlib import Path

#: Parts in the order they run; a part may read the output of the parts before it.
PART_ORDER: tuple[str, ...] = ("search", "screening", "extraction", "survey", "costing")

#: Default seed of the committed reconstruction.
DEFAULT_SEED = 20200313


@dataclass(frozen=True)
class Context:
    """Where a part reads its sources and writes its files, and its seed."""

    out: Path  # the review folder being written (resources/reco in the repo)
    sources: Path  # published tables the generator is built from (resources/reco/sources)
    seed: int = DEFAULT_SEED

    def rng(self, part: str) -> random.Random:
        """A random generator private to ``part``: parts do not disturb each other's streams."""
        digest = hashlib.sha256(f"{self.seed}:{part}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))


def available_parts() -> list[str]:
    """The parts of :data:`PART_ORDER` that exist as modules."""
    found = []
    for name in PART_ORDER:
        try:
            importlib.import_module(f"reco.reconstruct.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"reco.reconstruct.{name}":
                raise
            continue
        found.append(name)
    return found


def build(ctx: Context, parts: list[str] | None = None) -> list[Path]:
    """Run the named parts (all available ones by default) and return every file written."""
    written: list[Path] = []
    for name in parts or available_parts():
        module = importlib.import_module(f"reco.reconstruct.{name}")
        written.extend(module.build(ctx))
    from reco.dataset import MARKER, marker_text

    marker = ctx.out / MARKER  # says what the folder is; the reports label the build by it
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(marker_text(ctx.seed), encoding="utf-8")
    return [*written, marker]
