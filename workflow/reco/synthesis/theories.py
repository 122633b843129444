"""The programme theories as data: drafts, refinement trail, final PTs, substantive theories.

Files in the theories folder (one row each; every row has a ``provenance``):

* ``draft_pts.csv`` - draft_id, number, title, statement;
* ``trail.csv`` - draft_id, action (kept/merged/split/dropped), final_pt, reason;
* ``final_pts.csv`` - pt, title, selfie_level, selfie_label, context, mechanism_resource,
  mechanism_reasoning, outcome;
* ``substantive_theories.csv`` - theory_id, name, shortlisted, selected, use, pts, level.

Checks: known codes, every trail row names an existing draft and final PT, every draft has a trail
row, every final PT is reached from a draft, a dropped draft has no final PT.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from reco.errors import SchemaError
from reco.mapping.sheet import check_code, read_csv_rows

#: SELFIE components used to group the PTs (Lancet paper: leadership, workforce, service delivery).
SELFIE_LEVELS = ("Leadership", "Workforce", "Service delivery")
ACTIONS = ("kept", "merged", "split", "dropped")
CMO_FIELDS = ("context", "mechanism_resource", "mechanism_reasoning", "outcome")


@dataclass
class Theories:
    drafts: pl.DataFrame
    trail: pl.DataFrame
    final: pl.DataFrame
    substantive: pl.DataFrame

    @property
    def pts(self) -> list[str]:
        return self.final["pt"].to_list()


def _frame(path: Path, cols: tuple[str, ...]) -> pl.DataFrame:
    rows = read_csv_rows(path, cols)
    return pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String()))


def load(folder: str | Path) -> Theories:
    """Read and check the four theory files."""
    d = Path(folder)
    drafts = _frame(d / "draft_pts.csv", ("draft_id", "title", "statement", "provenance"))
    trail = _frame(d / "trail.csv", ("draft_id", "action", "final_pt", "reason", "provenance"))
    final = _frame(d / "final_pts.csv", ("pt", "title", "selfie_level", *CMO_FIELDS, "provenance"))
    subst = _frame(
        d / "substantive_theories.csv",
        ("theory_id", "name", "shortlisted", "selected", "use", "pts", "provenance"),
    )
    pts = final["pt"].to_list()
    for i, r in enumerate(final.iter_rows(named=True), start=1):
        check_code(
            r["selfie_level"], SELFIE_LEVELS, file=d / "final_pts.csv", row=i, column="selfie_level"
        )
        for col in CMO_FIELDS:
            if not r[col]:
                raise SchemaError(
                    f"{r['pt']} has no {col}",
                    file=d / "final_pts.csv",
                    row=i,
                    column=col,
                    fix="state each PT as context, mechanism (resource, reasoning) and outcome",
                )
    if len(set(pts)) != len(pts):
        raise SchemaError(
            "duplicate pt", file=d / "final_pts.csv", column="pt", fix="one row per PT"
        )
    draft_ids = drafts["draft_id"].to_list()
    tf = d / "trail.csv"
    for i, r in enumerate(trail.iter_rows(named=True), start=1):
        check_code(r["draft_id"], draft_ids, file=tf, row=i, column="draft_id")
        check_code(r["action"], ACTIONS, file=tf, row=i, column="action")
        if r["action"] == "dropped":
            if r["final_pt"]:
                raise SchemaError(
                    "a dropped draft names a final PT",
                    file=tf,
                    row=i,
                    column="final_pt",
                    fix="clear final_pt or change the action",
                )
        else:
            check_code(r["final_pt"], pts, file=tf, row=i, column="final_pt")
    no_trail = sorted(set(draft_ids) - set(trail["draft_id"]))
    if no_trail:
        raise SchemaError(
            f"draft(s) without a trail row: {', '.join(no_trail)}",
            file=tf,
            column="draft_id",
            fix="say what became of every draft PT",
        )
    unreached = [p for p in pts if p not in set(trail["final_pt"])]
    if unreached:
        raise SchemaError(
            f"final PT(s) reached from no draft: {', '.join(unreached)}",
            file=tf,
            column="final_pt",
            fix="add the trail row(s) leading to them",
        )
    sf = d / "substantive_theories.csv"
    for i, r in enumerate(subst.iter_rows(named=True), start=1):
        check_code(r["shortlisted"], ("yes", "no"), file=sf, row=i, column="shortlisted")
        check_code(r["selected"], ("yes", "no"), file=sf, row=i, column="selected")
        for pt in (p.strip() for p in r["pts"].split(";")):
            if pt and pt != "all":
                check_code(pt, pts, file=sf, row=i, column="pts")
    return Theories(drafts, trail, final, subst)


def is_placeholder(provenance: pl.Expr) -> pl.Expr:
    return provenance.str.contains("placeholder")


def trail_table(th: Theories) -> pl.DataFrame:
    """Draft -> final, with both titles (one row per trail row)."""
    trail = th.trail.with_columns(
        pl.when(pl.col("final_pt") == "").then(None).otherwise(pl.col("final_pt")).alias("final_pt")
    )
    return (
        trail.join(
            th.drafts.select(
                "draft_id",
                pl.col("title").alias("draft_title"),
                pl.col("provenance").alias("draft_provenance"),
            ),
            on="draft_id",
            how="left",
        )
        .join(
            th.final.select(
                pl.col("pt").alias("final_pt"), pl.col("title").alias("final_title"), "selfie_level"
            ),
            on="final_pt",
            how="left",
        )
        .select(
            "draft_id",
            "draft_title",
            "draft_provenance",
            "action",
            "final_pt",
            "final_title",
            "selfie_level",
            "reason",
            "provenance",
        )
    )


def theory_table(th: Theories) -> pl.DataFrame:
    """The substantive theories with a status column (selected / shortlisted / other)."""
    return th.substantive.with_columns(
        pl.when(pl.col("selected") == "yes")
        .then(pl.lit("selected"))
        .when(pl.col("shortlisted") == "yes")
        .then(pl.lit("shortlisted, not selected"))
        .otherwise(pl.lit("not in the shortlist"))
        .alias("status"),
        is_placeholder(pl.col("provenance")).alias("placeholder"),
    )


def counts(th: Theories) -> dict[str, object]:
    placeholder = th.drafts.filter(is_placeholder(pl.col("provenance"))).height
    sub = th.substantive
    return {
        "draft_pts": th.drafts.height,
        "draft_pts_published": th.drafts.height - placeholder,
        "draft_pts_placeholder": placeholder,
        "initial_pts": th.trail.filter(pl.col("final_pt") != "")["final_pt"].n_unique(),
        "final_pts": th.final.height,
        "pts_by_selfie": {
            lvl: th.final.filter(pl.col("selfie_level") == lvl).height for lvl in SELFIE_LEVELS
        },
        "selfie_grouping": {
            lvl: th.final.filter(pl.col("selfie_level") == lvl)["pt"].to_list()
            for lvl in SELFIE_LEVELS
        },
        "trail_actions": {
            a: th.trail.filter(pl.col("action") == a)["draft_id"].n_unique() for a in ACTIONS
        },
        "substantive_theories_shortlisted": sub.filter(pl.col("shortlisted") == "yes").height,
        "substantive_theories_selected": sub.filter(pl.col("selected") == "yes").height,
        "substantive_theories_placeholders": sub.filter(
            is_placeholder(pl.col("provenance"))
        ).height,
        "frameworks_outside_shortlist": sub.filter(pl.col("shortlisted") == "no")["name"].to_list(),
    }
