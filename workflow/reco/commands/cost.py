"""``reco cost``: price case-study costing pro formas (``price``) or write a blank one (``template``)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "cost",
        help="case-study costing: price pro formas, sensitivity analysis, PSA, inflation",
        description="Price each site's costing pro forma (xlsx) with national unit costs or the "
        "site's actual costs, and write Table 5 costs, priced lines, one-way sensitivity with "
        "tornado plots, a Monte Carlo PSA and the counts.",
    )
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)

    price = verbs.add_parser("price", help="price every pro forma and write results/costing/")
    price.add_argument(
        "--proformas",
        nargs="+",
        type=Path,
        default=[Path("resources/reco/costing")],
        help="site_<ID>.xlsx workbooks, or folders holding them (default resources/reco/costing)",
    )
    price.add_argument(
        "--reference",
        type=Path,
        default=Path("resources/reference/costing"),
        help="unit-cost reference tables (default resources/reference/costing)",
    )
    price.add_argument(
        "--config",
        type=Path,
        help="a reco config file; its `costing` section sets the method (default: base case)",
    )
    price.add_argument(
        "--settings",
        help="the `costing` section as JSON (used by the Snakemake rule; overrides --config)",
    )
    price.add_argument("--out", type=Path, default=Path("results/costing"), help="output folder")
    price.add_argument("--counts", type=Path, help="write the stage counts JSON here")
    price.set_defaults(func=run_price)

    template = verbs.add_parser("template", help="write a blank pro forma workbook to fill in")
    template.add_argument("--site", required=True, help="site ID (the file is site_<ID>.xlsx)")
    template.add_argument("--out", type=Path, default=Path("."), help="folder to write to")
    template.set_defaults(func=run_template)


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    import json

    import yaml

    from reco.costing.methods import settings_from_config
    from reco.errors import ConfigError

    section: dict = {}
    if args.config is not None:
        if not args.config.is_file():
            raise ConfigError("config file not found", file=args.config, fix="check the path.")
        data = yaml.safe_load(args.config.read_text(encoding="utf-8")) or {}
        section = dict(data.get("costing") or {})
    if args.settings:
        try:
            section = json.loads(args.settings)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"--settings is not valid JSON: {exc}", fix="pass a JSON object."
            ) from exc
    for key in ("reference_dir", "proformas"):  # paths are given on the command line
        section.pop(key, None)
    return settings_from_config(section)


def _workbooks(items: list[Path]) -> list[Path]:
    from reco.errors import InputError

    paths: list[Path] = []
    for item in items:
        if item.is_dir():
            found = sorted(item.glob("site_*.xlsx"))
            if not found:
                raise InputError(
                    "no site_<ID>.xlsx workbooks in this folder",
                    file=item,
                    fix="put the pro formas there or list them with --proformas.",
                )
            paths.extend(found)
        else:
            paths.append(item)
    return paths


def run_price(args: argparse.Namespace) -> int:
    from reco.costing.run import run
    from reco.progress import step

    result = run(_workbooks(args.proformas), args.reference, _settings(args), args.out, args.counts)
    for site, total in result["annual_cost"].items():
        step(f"site {site} ({result['model_of_site'][site]}): GBP {total:,}")
    step(f"wrote {args.out}/table5_costs.csv and the other costing outputs")
    return 0


def run_template(args: argparse.Namespace) -> int:
    from reco.costing.proforma import SITE_FIELDS
    from reco.costing.workbook import write_proforma
    from reco.progress import step

    site = {name: "" for name in SITE_FIELDS}
    site.update(site_id=args.site, financial_year="2021/22", perspective="NHS")
    path = write_proforma(args.out / f"site_{args.site}.xlsx", site=site)
    step(f"wrote {path}")
    return 0
