"""The ledger audit: every published figure beside the value the pipeline regenerated.

Inputs: the ledger of published figures (``resources/<review>/sources/published_figures.yaml``:
``figures``, ``tables`` and ``inconsistencies``), ``numbers.json``, and a mapping file
(``resources/<review>/ledger_map.yaml``) linking each ledger key to a numbers.json key path.

Each ledger entry gets one status:

* ``match`` — the regenerated value equals the published one (numbers compared at the published
  precision: 39.2 matches 39.17);
* ``differs`` — it does not; ``difference`` says by how much (regenerated − published, and %);
* ``not derivable yet`` — the mapping names a key, but its stage has not run or the key is absent;
* ``not derivable`` — the pipeline does not compute this figure (no mapping; e.g. a software
  version quoted in the methods), with the reason from the mapping file when it gives one.

The ledger's recorded inconsistencies (published numbers that contradict each other) are attached to
every entry they name, so a ``differs`` can be read against them.

Mapping file format (YAML)::

    figures:
      dedup.records_after_dedup: prisma.dedup.unique      # a numbers.json key path
      search.database_names: {path: prisma.identification.databases, compare: keys}
      synthesis.nvivo_version: {none: "software version, not a count"}
    tables:
      table7_service_users_and_carers:
        file: survey/table7_service_users_carers.csv    # under results/
        key: case_study_site                            # ledger column matched to rows
        columns: {service_users: service_users, carers: carers, total: total}
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from reco.errors import InputError
from reco.report.numbers import lookup

STATUSES = ("match", "differs", "not derivable yet", "not derivable")
COLUMNS = [
    "key",
    "kind",
    "stage",
    "published",
    "regenerated",
    "status",
    "difference",
    "numbers_key",
    "source",
    "where",
    "quote",
    "inconsistency",
]


@dataclass
class Ledger:
    figures: list[dict[str, Any]]
    tables: list[dict[str, Any]]
    inconsistencies: list[dict[str, Any]]


def _read_yaml(path: Path, what: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle) or {}
    except FileNotFoundError as exc:
        raise InputError(
            f"{what} not found", file=path, fix="check the path in config/config.yaml"
        ) from exc
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputError(
            f"{what} is not valid YAML: {exc}",
            file=path,
            line=None if line is None else line + 1,
            fix="fix the YAML syntax at the line named",
        ) from exc


def read_ledger(path: str | Path) -> Ledger:
    data = _read_yaml(Path(path), "ledger of published figures")
    return Ledger(
        figures=list(data.get("figures") or []),
        tables=list(data.get("tables") or []),
        inconsistencies=list(data.get("inconsistencies") or []),
    )


def read_map(path: str | Path) -> dict[str, dict[str, Any]]:
    data = _read_yaml(Path(path), "ledger map")
    out: dict[str, dict[str, Any]] = {"figures": {}, "tables": {}}
    for section in ("figures", "tables"):
        for key, spec in (data.get(section) or {}).items():
            if isinstance(spec, str):
                spec = {"path": spec}
            if not isinstance(spec, Mapping):
                raise InputError(
                    f"mapping for {key!r} must be a key path or a mapping",
                    file=path,
                    fix="write `ledger.key: numbers.key.path`",
                )
            out[section][str(key)] = dict(spec)
    return out


def decimals(value: Any) -> int:
    text = str(value)
    return len(text.split(".", 1)[1]) if "." in text else 0


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip().replace(",", "")):
        return float(value.strip().replace(",", ""))
    return None


def _norm_text(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value)).strip().casefold()


def _norm_name(value: Any) -> str:
    """A name without parenthetical qualifiers: 'Web of Science (all databases)' -> 'web of science'."""
    return _norm_text(re.sub(r"\s*\([^)]*\)", "", str(value)))


def compare(published: Any, regenerated: Any, how: str = "value") -> tuple[str, str]:
    """(status, difference) for one figure."""
    if how == "keys":
        if isinstance(regenerated, Mapping):
            regenerated = list(regenerated)
        want = {_norm_name(v) for v in re.split(r"[;,]\s*", str(published)) if v.strip()}
        have = {_norm_name(v) for v in regenerated}
        if want == have:
            return "match", ""
        extra, lacking = sorted(have - want), sorted(want - have)
        parts = []
        if lacking:
            parts.append("not regenerated: " + ", ".join(lacking))
        if extra:
            parts.append("not published: " + ", ".join(extra))
        return "differs", "; ".join(parts)
    p, r = _number(published), _number(regenerated)
    if p is not None and r is not None:
        places = decimals(published)
        if round(r, places) == round(p, places):
            return "match", ""
        delta = r - p
        pct = f" ({delta / p * 100:+.1f}%)" if p else ""
        shown = f"{delta:+.{max(places, 0 if float(delta).is_integer() else 2)}f}"
        return "differs", f"{shown}{pct}"
    if _norm_text(published) == _norm_text(regenerated):
        return "match", ""
    return "differs", f"published {published!r}, regenerated {regenerated!r}"


def _inconsistency_index(ledger: Ledger) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for inc in ledger.inconsistencies:
        text = f"[{inc.get('severity', 'info')}] {inc.get('description', '').strip()}"
        for key in inc.get("keys") or []:
            index.setdefault(str(key), []).append(text)
    return index


def _regenerate(numbers: Mapping[str, Any], spec: Mapping[str, Any]) -> tuple[str, Any, str]:
    """(state, value, reason) where state is 'ok', 'yet' (stage/key absent) or 'none'."""
    if "none" in spec or "path" not in spec:
        return "none", None, str(spec.get("none", "no mapping to a regenerated number"))
    path = str(spec["path"])
    stage = path.split(".", 1)[0]
    if stage not in numbers:
        return "yet", None, f"stage {stage!r} has not run (no results/counts/{stage}.json)"
    try:
        value = lookup(numbers, path)
    except KeyError as exc:
        return "yet", None, f"{exc.args[0]!r} not in numbers.json"
    if isinstance(value, Mapping) and value.get("available") is False:
        return "yet", None, f"{path} not available"
    if value is None:
        return "yet", None, f"{path} is null"
    scale = spec.get("scale")
    if scale is not None and _number(value) is not None:
        value = _number(value) * float(scale)
    return "ok", value, ""


def audit_figures(
    ledger: Ledger, mapping: Mapping[str, Any], numbers: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """One row per ledger figure (ledger order)."""
    incons = _inconsistency_index(ledger)
    rows = []
    fig_map = mapping.get("figures", {})
    for fig in ledger.figures:
        key = str(fig["key"])
        spec = fig_map.get(key, {})
        state, value, reason = _regenerate(numbers, spec)
        if state == "ok":
            status, diff = compare(fig.get("value"), value, spec.get("compare", "value"))
            shown = ", ".join(map(str, value)) if isinstance(value, (list, Mapping)) else value
        else:
            status = "not derivable yet" if state == "yet" else "not derivable"
            diff, shown = reason, None
        rows.append(
            {
                "key": key,
                "kind": "figure",
                "stage": str(fig.get("stage", key.split(".", 1)[0])),
                "published": _cell(fig.get("value")),
                "regenerated": _cell(shown),
                "status": status,
                "difference": diff,
                "numbers_key": str(spec.get("path", "")),
                "source": str(fig.get("source", "")),
                "where": str(fig.get("where", "")),
                "quote": str(fig.get("quote", "")),
                "inconsistency": " | ".join(incons.get(key, [])),
            }
        )
    return rows


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def audit_tables(ledger: Ledger, mapping: Mapping[str, Any], results: Path) -> list[dict[str, Any]]:
    """One row per ledger table: cells compared where the mapping names a regenerated CSV."""
    import polars as pl

    incons = _inconsistency_index(ledger)
    rows = []
    for table in ledger.tables:
        key = str(table["key"])
        spec = mapping.get("tables", {}).get(key)
        row = {
            "key": key,
            "kind": "table",
            "stage": str(spec.get("stage", "")) if spec else "",
            "published": f"{len(table.get('rows') or [])} rows × {len(table.get('columns') or [])} columns",
            "regenerated": None,
            "status": "not derivable",
            "difference": "no mapping to a regenerated table",
            "numbers_key": "",
            "source": str(table.get("source", "")),
            "where": str(table.get("where", "")),
            "quote": str(table.get("note", ""))[:300],
            "inconsistency": " | ".join(incons.get(key, [])),
        }
        if spec and "file" in spec:
            path = results / spec["file"]
            row["numbers_key"] = f"results/{spec['file']}"
            if not path.is_file():
                row["status"], row["difference"] = (
                    "not derivable yet",
                    f"results/{spec['file']} not built",
                )
            else:
                df = pl.read_csv(path, infer_schema_length=None)
                row.update(_compare_table(table, spec, df))
        rows.append(row)
    return rows


def _compare_table(table: Mapping[str, Any], spec: Mapping[str, Any], df: Any) -> dict[str, Any]:
    columns = list(table.get("columns") or [])
    key_col = spec.get("key", columns[0])
    res_key = spec.get("result_key", key_col)
    colmap = spec.get("columns") or {c: c for c in columns if c != key_col}
    if res_key not in df.columns:
        return {
            "status": "not derivable yet",
            "difference": f"column {res_key!r} not in the regenerated table",
        }
    regen = {str(r[res_key]).strip().casefold(): r for r in df.iter_rows(named=True)}
    compared = differing = 0
    notes = []
    ki = columns.index(key_col)
    published_rows = table.get("rows") or []
    for prow in published_rows:
        label = str(prow[ki]).strip()
        r = regen.get(label.casefold())
        if r is None:
            notes.append(f"row {label!r} missing")
            differing += 1
            continue
        for lcol, rcol in colmap.items():
            if lcol not in columns or rcol not in r:
                continue
            pv = prow[columns.index(lcol)]
            if pv is None and _number(r[rcol]):
                # A blank published cell read as nothing: a non-zero regenerated count differs.
                compared += 1
                differing += 1
                notes.append(f"{label}/{lcol}: published blank, regenerated {_cell(r[rcol])}")
                continue
            if _number(pv) is None:
                continue
            compared += 1
            status, diff = compare(pv, r[rcol])
            if status != "match":
                differing += 1
                notes.append(f"{label}/{lcol}: {diff}")
    published_labels = {str(prow[ki]).strip().casefold() for prow in published_rows}
    extra = [
        f"row {str(r[res_key]).strip()!r} not in the published table"
        for label, r in regen.items()
        if label not in published_labels
    ]
    notes = extra + notes  # whole rows first, so that the cap on notes never hides them
    differing += len(extra)
    status = (
        "match" if differing == 0 and compared else "differs" if differing else "not derivable yet"
    )
    return {
        "status": status,
        "regenerated": f"{compared} cells compared, {differing} differ",
        "difference": "; ".join(notes[:12]) + (" …" if len(notes) > 12 else ""),
    }


def run_audit(
    ledger_path: str | Path | None,
    map_path: str | Path | None,
    numbers: Mapping[str, Any],
    results: str | Path,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """All audit rows and the summary (counts by status, for figures and tables).

    A review without a ledger of published figures (``ledger_path`` None) gets an empty audit.
    """
    if ledger_path is None:
        ledger, mapping = (
            Ledger(figures=[], tables=[], inconsistencies=[]),
            {"figures": {}, "tables": {}},
        )
    else:
        ledger = read_ledger(ledger_path)
        mapping = read_map(map_path) if map_path is not None else {"figures": {}, "tables": {}}
    unknown = sorted(set(mapping["figures"]) - {str(f["key"]) for f in ledger.figures})
    if unknown:
        raise InputError(
            f"ledger map names keys that are not in the ledger: {', '.join(unknown[:5])}",
            file=map_path,
            fix="fix the key spelling (keys are listed in the ledger's `figures`)",
        )
    rows = audit_figures(ledger, mapping, numbers) + audit_tables(ledger, mapping, Path(results))
    summary: dict[str, Any] = {"total": len(rows)}
    for kind in ("figure", "table"):
        sub = [r for r in rows if r["kind"] == kind]
        summary[f"{kind}s"] = {s: sum(r["status"] == s for r in sub) for s in STATUSES}
        summary[f"{kind}s"]["total"] = len(sub)
    summary["by_status"] = {s: sum(r["status"] == s for r in rows) for s in STATUSES}
    summary["inconsistencies"] = len(ledger.inconsistencies)
    summary["inconsistency_list"] = [
        {
            "keys": [str(k) for k in inc.get("keys") or []],
            "severity": str(inc.get("severity", "info")),
            "description": str(inc.get("description", "")).strip(),
        }
        for inc in ledger.inconsistencies
    ]
    derivable = summary["by_status"]["match"] + summary["by_status"]["differs"]
    summary["derivable"] = derivable
    return rows, summary


def empty_audit() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The audit of a review without a ledger of published figures: no rows, zero counts."""
    zero = {s: 0 for s in STATUSES}
    return [], {
        "total": 0,
        "figures": {**zero, "total": 0},
        "tables": {**zero, "total": 0},
        "by_status": dict(zero),
        "inconsistencies": 0,
        "inconsistency_list": [],
        "derivable": 0,
    }


def write_audit(
    rows: list[dict[str, Any]], summary: Mapping[str, Any], csv: Path, json_path: Path
) -> None:
    import polars as pl

    from reco.fileio import write_csv, write_json

    df = (
        pl.DataFrame(rows, schema={c: pl.String for c in COLUMNS}, orient="row")
        if rows
        else pl.DataFrame(schema={c: pl.String for c in COLUMNS})
    )
    write_csv(df.select(COLUMNS), csv)
    write_json(json_path, dict(summary))
