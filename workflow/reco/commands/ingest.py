"""``reco ingest``: parse search exports into results/ingest/{records.parquet,rejected.csv,counts.json}."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest",
        help="parse search exports (RIS dialects, MEDLINE, WoS, Ovid, EndNote XML, CSV) into one table",
        description="Read every export into records.parquet (one row per record, file order); "
        "records that cannot be parsed go to rejected.csv with file, lines and reason; "
        "counts.json has records in = kept + rejected per file.",
    )
    p.add_argument("files", nargs="*", type=Path, help="export files (or use --spec)")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument(
        "--database", default=None, help="database searched, for FILE arguments (default unknown)"
    )
    p.add_argument("--dialect", default="auto", help="export dialect for FILE arguments (auto)")
    p.add_argument(
        "--origin",
        default="database",
        choices=["database", "other"],
        help="'database' search or 'other' methods (citation tracking ...)",
    )
    p.add_argument(
        "--spec",
        default=None,
        help="JSON list of exports: [{file, database, dialect, origin, search_date, column_map}]",
    )
    p.add_argument("--counts", type=Path, default=None, help="write the stage counts JSON here")
    p.add_argument(
        "--fail-on-rejected",
        action="store_true",
        help="exit with an error when any record is rejected",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from reco import fileio
    from reco.errors import ConfigError, InputError
    from reco.ingest import ExportSpec, ingest_files
    from reco.progress import step
    from reco.records import UNKNOWN_DATABASE

    specs: list[ExportSpec] = []
    if args.spec:
        try:
            entries = json.loads(args.spec)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"--spec is not valid JSON: {exc.msg} at character {exc.pos}",
                fix='pass a JSON list such as \'[{"file": "a.ris", "database": "Medline"}]\'.',
            ) from None
        if not isinstance(entries, list):
            raise ConfigError("--spec must be a JSON list of exports", fix="wrap it in [ ].")
        specs += [ExportSpec.from_dict(e) for e in entries]
    for f in args.files:
        specs.append(
            ExportSpec(
                file=f,
                database=args.database or UNKNOWN_DATABASE,
                dialect=args.dialect,
                origin=args.origin,
            )
        )
    if not specs:
        raise ConfigError("no exports given", fix="pass export files or --spec.")
    result = ingest_files(specs)
    out: Path = args.out
    fileio.write_parquet(result.records, out / "records.parquet")
    fileio.write_csv(result.rejected, out / "rejected.csv")
    files = {
        c["file"]: {k: c[k] for k in ("records_in", "kept", "rejected", "dialect", "database")}
        for c in result.counts["files"]
    }
    fileio.write_json(
        out / "counts.json", {"files": files, "checked": "records_in == kept + rejected"}
    )
    if args.counts:
        fileio.write_json(args.counts, {k: v for k, v in result.counts.items() if k != "files"})
    c = result.counts
    step(
        f"ingested {c['records_in']} records from {len(c['files'])} export(s): "
        f"{c['total']} kept, {c['rejected']} rejected -> {out}"
    )
    if args.fail_on_rejected and c["rejected"]:
        raise InputError(
            f"{c['rejected']} record(s) rejected; see {out / 'rejected.csv'}",
            file=out / "rejected.csv",
            fix="fix or re-export the files named there, or drop --fail-on-rejected.",
        )
    return 0
