"""``reco reconstruct``: regenerate the RECO reconstruction dataset (resources/reco/) from its sources."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "reconstruct",
        help="regenerate the reconstructed RECO inputs (deterministic, seeded)",
        description="Write the reconstruction dataset: database exports, screening logs, extraction "
        "sheets, survey trackers and costing pro formas, all marked as reconstructed.",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("resources/reco"),
        help="folder to write (default resources/reco)",
    )
    p.add_argument(
        "--sources",
        type=Path,
        default=Path("resources/reco/sources"),
        help="published tables the generator reads (default resources/reco/sources)",
    )
    p.add_argument(
        "--seed", type=int, default=None, help="random seed (default: the committed dataset's)"
    )
    p.add_argument(
        "--part", action="append", help="only this part (repeatable): search, screening, ..."
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from reco.errors import InputError
    from reco.progress import step
    from reco.reconstruct import DEFAULT_SEED, Context, available_parts, build

    if not args.sources.is_dir():
        raise InputError(
            "sources folder not found",
            file=args.sources,
            fix="run from the repository root or pass --sources resources/reco/sources.",
        )
    parts = args.part or available_parts()
    unknown = sorted(set(parts) - set(available_parts()))
    if unknown:
        raise InputError(
            f"unknown part(s) {', '.join(unknown)}; available: {', '.join(available_parts())}"
        )
    ctx = Context(
        out=args.out, sources=args.sources, seed=DEFAULT_SEED if args.seed is None else args.seed
    )
    written = build(ctx, parts)
    step(f"wrote {len(written)} files under {args.out}")
    return 0
