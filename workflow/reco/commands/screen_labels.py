"""``reco screen labels``: the review's own title/abstract decisions as a labelled CSV for simulation."""

from __future__ import annotations

import argparse
from pathlib import Path


def register_screen(screen_sub: argparse._SubParsersAction) -> None:
    p = screen_sub.add_parser(
        "labels",
        help="write record_id,title,abstract,label_included from the tally (for `screen simulate`)",
    )
    p.add_argument(
        "--unique", type=Path, required=True, help="unique_records.parquet from `reco dedup`"
    )
    p.add_argument(
        "--status", type=Path, required=True, help="status.parquet from `reco screen tally`"
    )
    p.add_argument("--stage", default="title_abstract", help="stage whose decisions are the labels")
    p.add_argument("--out", type=Path, required=True, help="CSV to write")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import polars as pl

    from reco import fileio
    from reco.errors import InputError
    from reco.progress import step
    from reco.screening.labels import labelled_records

    for path in (args.unique, args.status):
        if not path.is_file():
            raise InputError(
                "input not found", file=path, fix="run dedup and the screening tally first."
            )
    df = labelled_records(pl.read_parquet(args.unique), pl.read_parquet(args.status), args.stage)
    fileio.write_csv(df, args.out)
    step(f"{df.height} labelled works ({int(df['label_included'].sum())} included) -> {args.out}")
    return 0
