"""The audit explorer: one static HTML page where every PRISMA count links to the records behind it.

``results/report/explorer.html`` holds the PRISMA diagram (each box's count is a link), a list of
every count, and one searchable, sortable table of all records (itables, i.e. DataTables, embedded
offline: no server, no network). Each record row shows its id, title, source export and database,
its duplicate cluster and why it was merged (the cluster's matching rules), and its screening
decisions (stage, reviewer, decision, reason). Following a count (``explorer.html#set=duplicates``)
filters the table to exactly the records that count counts:

* ``identified_databases``/``identified_other`` and ``db:<database>``: every ingested record;
* ``duplicates``/``unique``: records removed as duplicates / kept (one per cluster);
* ``screened:<stage>``, ``included:<stage>``, ``excluded:<stage>``, ``excluded:<stage>:<reason>``:
  screening counts are of works (clusters), so they tag the kept record of each work.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from reco.fileio import atomic_open

SETS_COLUMN = "Sets"


def slug(text: str) -> str:
    """A tag-safe form of a name: no spaces (they separate tags)."""
    return re.sub(r"\s+", "_", str(text).strip())


def _read_optional(path: Path, reader: Any) -> pl.DataFrame | None:
    return reader(path) if path.is_file() else None


def record_table(results: Path) -> pl.DataFrame:
    """One row per ingested record with its dedup and screening trail and its set tags."""
    records = pl.read_parquet(
        results / "ingest" / "records.parquet",
        columns=["record_id", "title", "year", "database", "origin", "source_file"],
    )
    tags = [
        pl.when(pl.col("origin") == "other")
        .then(pl.lit("identified_other"))
        .otherwise(pl.lit("identified_databases")),
        pl.lit("db:") + pl.col("database").str.replace_all(r"\s+", "_"),
    ]
    df = records.with_columns(pl.concat_list(tags).alias("_tags"))
    dedup_map = _read_optional(
        results / "dedup" / "dedup_map.csv",
        lambda p: pl.read_csv(
            p, columns=["record_id", "cluster_id", "kept"], infer_schema_length=0
        ),
    )
    if dedup_map is not None:
        dedup_map = dedup_map.with_columns(pl.col("kept").cast(pl.Int8))
        clusters = _read_optional(
            results / "dedup" / "clusters.csv",
            lambda p: pl.read_csv(p, infer_schema_length=0),
        )
        df = df.join(dedup_map, on="record_id", how="left")
        if clusters is not None and {"cluster_id", "kept_record_id"} <= set(clusters.columns):
            keep = ["cluster_id", "kept_record_id"] + (
                ["rules"] if "rules" in clusters.columns else []
            )
            df = df.join(clusters.select(keep), on="cluster_id", how="left")
        else:
            df = df.with_columns(pl.lit(None, pl.String).alias("kept_record_id"))
        if "rules" not in df.columns:
            df = df.with_columns(pl.lit(None, pl.String).alias("rules"))
        df = df.with_columns(
            pl.when(pl.col("kept") == 1)
            .then(pl.lit("kept"))
            .when(pl.col("kept") == 0)
            .then(pl.lit("duplicate of ") + pl.col("kept_record_id").fill_null("?"))
            .otherwise(pl.lit(""))
            .alias("Deduplication"),
            pl.col("_tags").list.concat(
                pl.when(pl.col("kept") == 1)
                .then(pl.lit(["unique"]))
                .when(pl.col("kept") == 0)
                .then(pl.lit(["duplicates"]))
                .otherwise(pl.lit([], dtype=pl.List(pl.String)))
            ),
        )
    else:
        df = df.with_columns(
            pl.lit(None, pl.String).alias("cluster_id"),
            pl.lit(None, pl.Int8).alias("kept"),
            pl.lit(None, pl.String).alias("rules"),
            pl.lit("").alias("Deduplication"),
        )
    df = _add_screening(df, results)
    return df.select(
        pl.col("record_id").alias("Record"),
        pl.col("title").alias("Title"),
        pl.col("year").alias("Year"),
        pl.col("database").alias("Database"),
        pl.col("source_file").str.split("/").list.last().alias("Export"),
        pl.col("cluster_id").alias("Cluster"),
        pl.col("Deduplication"),
        pl.col("rules").fill_null("").alias("Matching rules"),
        pl.col("Screening"),
        pl.col("Decisions"),
        pl.col("_tags").list.join(" ").alias(SETS_COLUMN),
    ).sort("Record")


def _add_screening(df: pl.DataFrame, results: Path) -> pl.DataFrame:
    path = results / "screening" / "status.parquet"
    if not path.is_file() or "cluster_id" not in df.columns:
        return df.with_columns(pl.lit("").alias("Screening"), pl.lit("").alias("Decisions"))
    status = pl.read_parquet(path)
    stages = [c for c in status.columns if f"{c}_reason" in status.columns and c != "work_id"]
    rows = []
    for rec in status.iter_rows(named=True):
        tags, text = [], []
        for st in stages:
            outcome = rec.get(st)
            if outcome is None:
                continue
            tags.append(f"screened:{st}")
            if outcome == "include":
                tags.append(f"included:{st}")
                text.append(f"{st}: include")
            else:
                reason = rec.get(f"{st}_reason") or "no reason given"
                tags += [f"excluded:{st}", f"excluded:{st}:{slug(reason)}"]
                text.append(f"{st}: exclude ({reason})")
        decisions = []
        for d in rec.get("decisions") or []:
            part = f"{d.get('stage')}/{d.get('reviewer')}: {d.get('decision')}"
            if d.get("reason"):
                part += f" ({d['reason']})"
            decisions.append(part)
        rows.append(
            {
                "cluster_id": rec["work_id"],
                "_screen_tags": tags,
                "Screening": "; ".join(text),
                "Decisions": "; ".join(decisions),
            }
        )
    screen = pl.DataFrame(
        rows,
        schema={
            "cluster_id": pl.String,
            "_screen_tags": pl.List(pl.String),
            "Screening": pl.String,
            "Decisions": pl.String,
        },
    )
    df = df.join(screen, on="cluster_id", how="left")
    kept = pl.col("kept") == 1  # a work's screening counts once: on its kept record
    return df.with_columns(
        pl.when(kept)
        .then(pl.col("_tags").list.concat(pl.col("_screen_tags").fill_null(pl.lit([]))))
        .otherwise(pl.col("_tags"))
        .alias("_tags"),
        pl.when(kept)
        .then(pl.col("Screening").fill_null(""))
        .otherwise(pl.lit(""))
        .alias("Screening"),
        pl.col("Decisions").fill_null(""),
    ).drop("_screen_tags")


def set_counts(table: pl.DataFrame) -> dict[str, int]:
    """How many rows carry each tag (these are the counts the page links from)."""
    counts: dict[str, int] = {}
    for tags in table[SETS_COLUMN].to_list():
        for tag in tags.split():
            counts[tag] = counts.get(tag, 0) + 1
    return dict(sorted(counts.items()))


def prisma_mismatches(counts: Mapping[str, int], prisma: Mapping[str, Any]) -> list[str]:
    """Counts of the PRISMA flow that the explorer's sets do not reproduce (should be none)."""
    expected: dict[str, Any] = {}
    ident = prisma.get("identification") or {}
    if ident.get("available"):
        expected["identified_databases"] = ident["databases_total"]
        expected["identified_other"] = ident["other_total"]
        for name, n in {**ident["databases"], **ident["other_methods"]}.items():
            expected[f"db:{slug(name)}"] = n
    dedup = prisma.get("dedup") or {}
    if dedup.get("available"):
        expected["duplicates"] = dedup["duplicates_removed"]
        expected["unique"] = dedup["unique"]
    for st in prisma.get("screening") or []:
        name = st["name"]
        expected[f"screened:{name}"] = st["screened"]
        expected[f"included:{name}"] = st["included"]
        expected[f"excluded:{name}"] = st["excluded"]
        for reason, n in st["reasons"].items():
            expected[f"excluded:{name}:{slug(reason)}"] = n
    return [
        f"{tag}: PRISMA {n}, records {counts.get(tag, 0)}"
        for tag, n in sorted(expected.items())
        if n and counts.get(tag, 0) != n
    ]


def _label(tag: str) -> str:
    kind, _, rest = tag.partition(":")
    names = {
        "identified_databases": "Records identified from databases",
        "identified_other": "Records identified from other methods",
        "duplicates": "Duplicate records removed",
        "unique": "Records after duplicates removed",
    }
    if tag in names:
        return names[tag]
    if kind == "db":
        return f"Identified in {rest.replace('_', ' ')}"
    stage, _, reason = rest.partition(":")
    word = {"screened": "screened", "included": "included", "excluded": "excluded"}.get(kind, kind)
    text = f"{stage.replace('_', ' ')}: {word}"
    return f"{text}, {reason.replace('_', ' ')}" if reason else text


SCRIPT = """
<script type="module">
const version = Object.keys(window).find(k => k.startsWith("_itables_"));
async function table() {
  const mod = await window[version];
  const $ = mod.jQuery;
  for (let i = 0; i < 200; i++) {
    const el = document.querySelector("#records.dataTable");
    if (el) return $(el).DataTable();
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error("records table did not initialise");
}
async function applyHash() {
  const m = location.hash.match(/set=([^&]+)/);
  const tag = m ? decodeURIComponent(m[1]) : "";
  const dt = await table();
  const col = dt.columns().header().toArray().findIndex(h => h.textContent.trim() === "Sets");
  const esc = tag.replace(/[.*+?^${}()|[\\]\\\\]/g, "\\\\$&");
  dt.column(col).search(tag ? "(^| )" + esc + "( |$)" : "", true, false).draw();
  const shown = dt.page.info().recordsDisplay;
  const status = document.getElementById("filter-status");
  status.textContent = tag ? `Records in set "${tag}": ${shown}` : `All records: ${shown}`;
  status.dataset.set = tag;
  status.dataset.rows = shown;
  if (tag) status.scrollIntoView();
}
window.addEventListener("hashchange", applyHash);
applyHash();
</script>
"""


def build_page(
    table: pl.DataFrame,
    prisma_svg: str | None,
    numbers: Mapping[str, Any] | None = None,
    title: str = "Audit explorer",
) -> str:
    """The explorer page (HTML text): PRISMA diagram, count links and the records table."""
    import itables
    from itables.javascript import generate_init_offline_itables_html

    bundle = Path(itables.__file__).parent / "html" / "dt_bundle.js"
    counts = set_counts(table)
    items = "\n".join(
        f'<li><a href="#set={html.escape(tag)}" data-set="{html.escape(tag)}" '
        f'data-count="{n}">{html.escape(_label(tag))}: {n}</a></li>'
        for tag, n in counts.items()
    )
    grid = itables.to_html_datatable(
        table,
        table_id="records",
        connected=False,
        classes="display compact",
        maxBytes=0,
        lengthMenu=[10, 25, 100, 1000],
        showIndex=False,
        show_dtypes=False,
        layout={
            "topStart": "pageLength",
            "topEnd": "search",
            "bottomStart": "info",
            "bottomEnd": "paging",
        },
    )
    summary = ""
    if numbers is not None:
        summary = (
            '<script type="application/json" id="numbers-prisma">'
            + html.escape(json.dumps(numbers.get("prisma", {}), sort_keys=True), quote=False)
            + "</script>"
        )
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 1.5em; color: #111; }}
#prisma svg {{ max-width: 760px; height: auto; }}
#prisma a text, #counts a {{ fill: #003a80; color: #003a80; text-decoration: underline; }}
#counts {{ columns: 2; font-size: 0.9em; }}
#filter-status {{ font-weight: bold; margin: 0.8em 0; }}
td {{ white-space: normal !important; font-size: 0.85em; vertical-align: top; }}
#records td:nth-child(2) {{ min-width: 20em; }}
#records td:nth-child(9), #records td:nth-child(10) {{ min-width: 14em; }}
</style>
{generate_init_offline_itables_html(bundle)}
</head><body>
<h1>{html.escape(title)}</h1>
<p>Every count below links to the records behind it: follow a box of the PRISMA diagram or a count
in the list, and the table shows exactly those records, with their source export, duplicate cluster
(and the matching rules that merged it) and every screening decision with reviewer and reason.
Search and sort the table freely; this page works offline.</p>
<div id="prisma">{prisma_svg or "<p><em>PRISMA diagram not available.</em></p>"}</div>
<h2>Counts</h2>
<p><a href="#set=">Show all records</a></p>
<ul id="counts">
{items}
</ul>
<h2>Records</h2>
<p id="filter-status" data-set="" data-rows=""></p>
{grid}
{summary}
{SCRIPT}
</body></html>
"""


def write(
    results: str | Path, out: str | Path, numbers_path: str | Path | None = None
) -> dict[str, int]:
    """Build the explorer page from the stage outputs under ``results``; returns the set counts."""
    from reco.fileio import read_json
    from reco.report import prisma

    results = Path(results)
    if not (results / "ingest" / "records.parquet").is_file():
        with atomic_open(out) as handle:
            handle.write(
                '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
                "<title>Audit explorer</title></head><body><h1>Audit explorer</h1>"
                "<p>Not yet available: the ingest stage has not run "
                "(no results/ingest/records.parquet).</p></body></html>\n"
            )
        return {}
    table = record_table(results)
    numbers = read_json(numbers_path) if numbers_path and Path(numbers_path).is_file() else None
    svg = None
    if numbers is not None:
        counts = set_counts(table)
        links = {tag: f"#set={tag}" for tag in counts}
        svg = prisma.svg_text(numbers["prisma"], links)
    with atomic_open(out) as handle:
        handle.write(build_page(table, svg, numbers))
    return set_counts(table)
