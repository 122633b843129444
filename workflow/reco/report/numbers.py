"""``results/report/numbers.json``: every number a report quotes, merged from the stages' counts.

Top-level keys are stage names, one per ``results/counts/<stage>.json`` (the file's content,
unchanged). Two more keys are derived here from stage outputs, never typed:

* ``prisma``: the PRISMA 2020 flow (records per database and per other method, duplicates removed,
  each screening stage's screened/excluded/included with exclusion reasons). Identification and
  duplicates are recomputed from the record tables (``results/ingest/records.parquet``,
  ``results/dedup/dedup_map.csv``) when present, else read from the counts files.
* ``agreement``: reviewer agreement per screening stage and reviewer pair, from
  ``results/screening/agreement.json``.
* ``meta``: which stages are present, the review name, the report date and search dates.

Reports read the file through :func:`load_numbers`, which returns a :class:`Numbers` view: a stage
whose counts file is absent reads as ``n/a`` (its section says it has not run) instead of failing,
and every key looked up but not found is recorded in ``Numbers.missing``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from reco.errors import InputError
from reco.fileio import read_json, write_json

#: Keys this module adds beside the stage names.
DERIVED_KEYS = ("prisma", "agreement", "meta")
#: The default location of the merged file, relative to the repository root.
DEFAULT_PATH = Path("results/report/numbers.json")


def read_counts(counts_dir: str | Path) -> dict[str, Any]:
    """Every ``<stage>.json`` in ``counts_dir``, keyed by stage name (sorted)."""
    counts_dir = Path(counts_dir)
    out: dict[str, Any] = {}
    for path in sorted(counts_dir.glob("*.json")):
        if path.stem in DERIVED_KEYS:
            raise InputError(
                f"a stage may not be called {path.stem!r} (reserved for derived numbers)",
                file=path,
                fix="rename the stage's counts file",
            )
        try:
            out[path.stem] = read_json(path)
        except ValueError as exc:
            raise InputError(
                f"counts file is not valid JSON: {exc}",
                file=path,
                fix="re-run the stage that writes it (snakemake --forcerun <rule>)",
            ) from exc
    return out


def collect(
    counts_dir: str | Path = "results/counts",
    results_dir: str | Path = "results",
    *,
    review: str | None = None,
    date: str | None = None,
) -> dict[str, Any]:
    """Merge the counts files and add the derived ``prisma`` and ``meta`` sections."""
    numbers = read_counts(counts_dir)
    stages = sorted(numbers)
    numbers["prisma"] = derive_prisma(numbers, Path(results_dir))
    numbers["agreement"] = derive_agreement(Path(results_dir))
    numbers["meta"] = {"stages": stages, "review": review, "date": date}
    return numbers


def search_meta(exports: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Search facts from the configured exports (dates as given in config; none typed here)."""
    by_origin: dict[str, list[str]] = {}
    for spec in exports:
        origin = str(spec.get("origin", "database"))
        if spec.get("search_date"):
            by_origin.setdefault(origin, []).append(str(spec["search_date"]))
    return {
        "last_database_search": max(by_origin.get("database", []), default=None),
        "last_other_search": max(by_origin.get("other", []), default=None),
        "exports": len(exports),
        "databases_configured": len(
            {str(s.get("database")) for s in exports if s.get("origin", "database") == "database"}
        ),
    }


def write(path: str | Path, numbers: Mapping[str, Any]) -> None:
    write_json(path, numbers)


# --- PRISMA -------------------------------------------------------------------------------------


def _first(d: Any, *names: str) -> Any:
    """The first of ``names`` present in mapping ``d`` (counts files may name things differently)."""
    if not isinstance(d, Mapping):
        return None
    for name in names:
        if name in d and d[name] is not None:
            return d[name]
    return None


def _identification(numbers: Mapping[str, Any], results: Path) -> dict[str, Any]:
    records = results / "ingest" / "records.parquet"
    by_db: dict[str, int] = {}
    by_other: dict[str, int] = {}
    source = None
    if records.is_file():
        import polars as pl

        df = pl.read_parquet(records, columns=["database", "origin"])
        grouped = df.group_by(["origin", "database"]).len().sort(["origin", "database"])
        for origin, database, n in grouped.iter_rows():
            (by_other if origin == "other" else by_db)[database] = int(n)
        source = records.as_posix()
    else:
        ingest = numbers.get("ingest")
        per_db = _first(ingest, "records_by_database", "by_database", "per_database", "databases")
        per_other = _first(
            ingest, "records_by_other_method", "by_other", "other_methods", "iterative_by_source"
        )
        if isinstance(per_db, Mapping):
            by_db = {str(k): int(v) for k, v in per_db.items() if isinstance(v, (int, float))}
            source = "results/counts/ingest.json"
        if isinstance(per_other, Mapping):
            by_other = {str(k): int(v) for k, v in per_other.items() if isinstance(v, (int, float))}
    if source is None:
        return {"available": False}
    return {
        "available": True,
        "source": source,
        "databases": by_db,
        "other_methods": by_other,
        "databases_total": sum(by_db.values()),
        "other_total": sum(by_other.values()),
        "databases_n": len(by_db),
        "total": sum(by_db.values()) + sum(by_other.values()),
    }


def _dedup(numbers: Mapping[str, Any], results: Path) -> dict[str, Any]:
    dedup_map = results / "dedup" / "dedup_map.csv"
    if dedup_map.is_file():
        import polars as pl

        df = pl.read_csv(
            dedup_map, columns=["record_id", "kept"], schema_overrides={"kept": pl.Int64}
        )
        unique = int(df["kept"].sum())
        return {
            "available": True,
            "source": dedup_map.as_posix(),
            "records_in": df.height,
            "duplicates_removed": df.height - unique,
            "unique": unique,
        }
    dedup = numbers.get("dedup")
    unique = _first(dedup, "unique", "unique_records", "records_after_dedup", "kept")
    removed = _first(dedup, "duplicates_removed", "duplicates", "removed")
    if unique is None:
        return {"available": False}
    return {
        "available": True,
        "source": "results/counts/dedup.json",
        "records_in": _first(dedup, "records_in", "input", "total") or (unique + (removed or 0)),
        "duplicates_removed": removed,
        "unique": unique,
    }


def _stage_order() -> dict[str, tuple[int, str | None, str]]:
    """Known stages: name -> (position, the stage it follows or None, label), from reco.status."""
    try:
        from reco.status import STAGES
    except ImportError:  # pragma: no cover - reco.status ships with reco
        return {}
    include_of = {s.include: s.name for s in STAGES}
    return {s.name: (i, include_of.get(s.requires), s.label) for i, s in enumerate(STAGES)}


def _screening_stages(numbers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each screening stage as {name, label, follows, screened, excluded, included, reasons}.

    Order: the order the screening stage ran them (``stages_run``), else the status model's order,
    else widest first. ``follows`` names the stage whose included records this stage screens
    (stages following the same stage are parallel branches, as RECO's mapping and synthesis).
    """
    screening = numbers.get("screening")
    if not isinstance(screening, Mapping):
        return []
    candidates: list[tuple[str, Mapping[str, Any]]] = []
    containers = [screening]
    nested = _first(screening, "stages", "per_stage")
    if isinstance(nested, Mapping):
        containers.insert(0, nested)
    for container in containers:
        for name, value in container.items():
            if isinstance(value, Mapping) and "screened" in value and "included" in value:
                candidates.append((str(name), value))
        if candidates:
            break
    known = _stage_order()
    run = [str(x) for x in (screening.get("stages_run") or [])]
    stages = []
    for name, value in candidates:
        reasons = _first(value, "excluded_by_reason", "exclusion_reasons", "reasons")
        excluded = _first(value, "excluded")
        if isinstance(excluded, Mapping):
            reasons = reasons or excluded
            excluded = sum(int(v) for v in excluded.values())
        if excluded is None:
            excluded = int(value["screened"]) - int(value["included"])
        stages.append(
            {
                "name": name,
                "label": str(value.get("label") or known.get(name, (0, None, name))[2]),
                "screened": int(value["screened"]),
                "excluded": int(excluded),
                "included": int(value["included"]),
                "reasons": {str(k): int(v) for k, v in (reasons or {}).items()}
                if isinstance(reasons, Mapping)
                else {},
            }
        )

    def order(stage: dict[str, Any]) -> tuple[int, int, str]:
        if stage["name"] in run:
            return (0, run.index(stage["name"]), "")
        if stage["name"] in known:
            return (1, known[stage["name"]][0], "")
        return (2, -stage["screened"], stage["name"])

    stages.sort(key=order)
    names = {s["name"] for s in stages}
    previous = None
    for stage in stages:
        follows = known[stage["name"]][1] if stage["name"] in known else previous
        stage["follows"] = follows if follows in names else None
        if stage["follows"] is None and previous is not None and stage["name"] not in known:
            stage["follows"] = previous
        previous = stage["name"]
    return stages


def branches(stages: list[dict[str, Any]]) -> tuple[str | None, list[list[str]]]:
    """The root stage and the chains of stages that follow it (one chain per branch)."""
    if not stages:
        return None, []
    root = stages[0]["name"]
    children: dict[str | None, list[str]] = {}
    for s in stages[1:]:
        children.setdefault(s["follows"] or root, []).append(s["name"])
    chains = []
    for first in children.get(root, []):
        chain = [first]
        while children.get(chain[-1]):
            chain.append(children[chain[-1]][0])
        chains.append(chain)
    return root, chains


def derive_prisma(numbers: Mapping[str, Any], results: Path) -> dict[str, Any]:
    """The PRISMA 2020 flow from whatever stages exist (absent parts: ``available: false``)."""
    ident = _identification(numbers, results)
    dedup = _dedup(numbers, results)
    stages = _screening_stages(numbers)
    root, chains = branches(stages)
    by_name = {s["name"]: s for s in stages}
    included = {chain[-1]: by_name[chain[-1]]["included"] for chain in chains}
    if root and not chains:
        included = {root: by_name[root]["included"]}
    return {
        "identification": ident,
        "dedup": dedup,
        "screening": stages,
        "stage": by_name,
        "root": root,
        "branches": chains,
        "included_by_branch": included,
        "included": list(included.values())[-1] if included else None,
    }


def derive_agreement(results: Path) -> dict[str, Any]:
    """Reviewer agreement per screening stage and reviewer pair (results/screening/agreement.json)."""
    path = results / "screening" / "agreement.json"
    if not path.is_file():
        return {"available": False}
    data = read_json(path)
    return {"available": True, "source": path.as_posix(), "stages": data}


# --- reading from reports -----------------------------------------------------------------------


class Missing:
    """What a lookup under an absent stage returns: prints as ``n/a`` and absorbs further lookups."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __getitem__(self, key: Any) -> Missing:
        return Missing(f"{self.path}.{key}")

    def get(self, key: Any, default: Any = None) -> Any:
        return default

    def __str__(self) -> str:
        return "n/a"

    __format__ = lambda self, spec: "n/a"  # noqa: E731 - f-strings with a format spec

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"Missing({self.path!r})"

    def __iter__(self) -> Iterator[Any]:
        return iter(())


class Numbers(Mapping[str, Any]):
    """A read-only view of numbers.json that records every key looked up but not found."""

    def __init__(self, data: Mapping[str, Any], path: str = "", missing: list[str] | None = None):
        self._data = data
        self._path = path
        self.missing: list[str] = [] if missing is None else missing

    def __getitem__(self, key: str) -> Any:
        where = f"{self._path}.{key}" if self._path else str(key)
        if key not in self._data:
            self.missing.append(where)
            return Missing(where)
        value = self._data[key]
        if isinstance(value, Mapping):
            return Numbers(value, where, self.missing)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:
        """Like dict.get: a default for an absent key, not recorded as missing."""
        if key not in self._data:
            return default
        return self[key]

    def has(self, *path: str) -> bool:
        """True when the key path exists (no recording as missing)."""
        node: Any = self._data
        for key in path:
            if not isinstance(node, Mapping) or key not in node:
                return False
            node = node[key]
        return True

    def raw(self) -> Mapping[str, Any]:
        return self._data


def load_numbers(path: str | Path | None = None) -> Numbers:
    """Read numbers.json: ``path``, else ``$RECO_NUMBERS``, else ``../results/report/numbers.json``.

    The last default is right for a ``.qmd`` in ``reports/`` run by Quarto (chunks run beside it).
    """
    path = Path(path or os.environ.get("RECO_NUMBERS") or Path("..") / DEFAULT_PATH)
    if not path.is_file():
        raise InputError(
            "numbers.json not found",
            file=path,
            fix="run `python -m snakemake results/report/numbers.json` (or `reco report numbers`) first",
        )
    return Numbers(read_json(path))


def lookup(numbers: Mapping[str, Any], dotted: str) -> Any:
    """The value at a dotted key path (``"dedup.unique"``); raises KeyError naming the missing part."""
    node: Any = numbers
    walked = []
    for part in dotted.split("."):
        walked.append(part)
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(".".join(walked))
    return node
