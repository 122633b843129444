"""``reco report numbers|prisma|audit|render|manifest``: the reports and the reviewer's audit pack."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report", help="numbers.json, PRISMA diagram, ledger audit, reports, manifest"
    )
    rs = p.add_subparsers(dest="report_command", metavar="STEP", required=True)

    n = rs.add_parser("numbers", help="merge results/counts/*.json into numbers.json")
    n.add_argument("--counts-dir", type=Path, default=Path("results/counts"))
    n.add_argument("--results", type=Path, default=Path("results"))
    n.add_argument("--out", type=Path, default=Path("results/report/numbers.json"))
    n.add_argument("--review", default=None)
    n.add_argument("--date", default=None, help="report date (YYYY-MM-DD), from config")
    n.add_argument("--exports", default=None, help="JSON list of the configured exports")
    n.add_argument(
        "--inputs",
        type=Path,
        default=None,
        help="the review's input folder: its DATASET.yaml, if any, says the inputs are reconstructed",
    )
    n.set_defaults(func=run_numbers)

    g = rs.add_parser("prisma", help="draw the PRISMA 2020 flow diagram (SVG and PNG)")
    g.add_argument("--numbers", type=Path, default=Path("results/report/numbers.json"))
    g.add_argument("--svg", type=Path, default=Path("results/report/prisma.svg"))
    g.add_argument("--png", type=Path, default=Path("results/report/prisma.png"))
    g.set_defaults(func=run_prisma)

    a = rs.add_parser("audit", help="published figures vs regenerated values")
    a.add_argument("--ledger", type=Path, help="published figures (YAML); none: an empty audit")
    a.add_argument("--map", type=Path, dest="map_path", help="ledger key -> numbers.json key")
    a.add_argument("--numbers", type=Path, default=Path("results/report/numbers.json"))
    a.add_argument("--results", type=Path, default=Path("results"))
    a.add_argument("--csv", type=Path, default=Path("results/report/audit.csv"))
    a.add_argument("--json", type=Path, default=Path("results/report/audit.json"))
    a.set_defaults(func=run_audit)

    r = rs.add_parser("render", help="render a report .qmd to HTML/PDF/DOCX")
    r.add_argument("qmd", type=Path, nargs="+")
    r.add_argument("--out-dir", type=Path, default=Path("results/report"))
    r.add_argument("--formats", default="html,pdf,docx", help="comma-separated: html,pdf,docx")
    r.add_argument("--engine", default="auto", choices=["auto", "quarto", "builtin"])
    r.add_argument("--date", required=True, help="document date (YYYY-MM-DD), from config")
    r.add_argument(
        "--title",
        action="append",
        default=[],
        metavar="STEM=TITLE",
        help="replace the title of the document STEM (e.g. reco=...), from config report.titles",
    )
    r.add_argument("--numbers", type=Path, default=Path("results/report/numbers.json"))
    r.add_argument("--results", type=Path, default=Path("results"))
    r.set_defaults(func=run_render)

    e = rs.add_parser("explorer", help="the audit explorer: counts linked to their records (HTML)")
    e.add_argument("--results", type=Path, default=Path("results"))
    e.add_argument("--numbers", type=Path, default=Path("results/report/numbers.json"))
    e.add_argument("--out", type=Path, default=Path("results/report/explorer.html"))
    e.set_defaults(func=run_explorer)

    m = rs.add_parser("manifest", help="write results/MANIFEST.tsv")
    m.add_argument("--results", type=Path, default=Path("results"))
    m.add_argument("--workdir", type=Path, default=Path("."))
    m.add_argument("--out", type=Path, default=Path("results/MANIFEST.tsv"))
    m.set_defaults(func=run_manifest)


def run_numbers(args: argparse.Namespace) -> int:
    from reco.report import numbers

    data = numbers.collect(args.counts_dir, args.results, review=args.review, date=args.date)
    if args.exports:
        data["meta"]["search"] = numbers.search_meta(json.loads(args.exports))
    if args.inputs is not None:
        from reco.dataset import describe

        data["meta"]["dataset"] = describe(args.inputs)
    numbers.write(args.out, data)
    return 0


def run_prisma(args: argparse.Namespace) -> int:
    from reco.fileio import read_json
    from reco.report import prisma

    prisma.draw(read_json(args.numbers)["prisma"], args.svg, args.png)
    return 0


def run_audit(args: argparse.Namespace) -> int:
    from reco.fileio import read_json
    from reco.progress import step
    from reco.report import audit

    rows, summary = audit.run_audit(
        args.ledger, args.map_path, read_json(args.numbers), args.results
    )
    audit.write_audit(rows, summary, args.csv, args.json)
    by = summary["by_status"]
    step(
        f"audit: {summary['total']} ledger entries: {by['match']} match, {by['differs']} differ, "
        f"{by['not derivable yet']} not derivable yet, {by['not derivable']} not derivable"
    )
    return 0


def run_render(args: argparse.Namespace) -> int:
    from reco.report import render

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    titles = dict(t.split("=", 1) for t in args.title if "=" in t)
    for qmd in args.qmd:
        render.render(
            qmd,
            args.out_dir,
            formats=formats,
            engine=args.engine,
            date=args.date,
            numbers=args.numbers,
            results=args.results,
            title=titles.get(Path(qmd).stem),
        )
    return 0


def run_explorer(args: argparse.Namespace) -> int:
    from reco.progress import step
    from reco.report import explorer

    counts = explorer.write(args.results, args.out, args.numbers)
    step(f"explorer: {len(counts)} counts linked to their records in {args.out}")
    if args.numbers.is_file():
        from reco.fileio import read_json

        for problem in explorer.prisma_mismatches(counts, read_json(args.numbers)["prisma"]):
            logging.getLogger("reco").warning("explorer: %s", problem)
    return 0


def run_manifest(args: argparse.Namespace) -> int:
    from reco.report import manifest

    rows = manifest.build(args.results, args.workdir, exclude=(args.out.name,))
    manifest.write(rows, args.out)
    return 0
