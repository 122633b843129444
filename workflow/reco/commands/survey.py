"""``reco survey``: check the survey trackers and tabulate Tables 2, 3, 4, 6, 7 and the audit."""

from __future__ import annotations

import argparse
from pathlib import Path

#: Default file names inside --inputs (each can be overridden by its own option).
DEFAULTS = {
    "organisations": "organisations.csv",
    "requests": "requests.csv",
    "coding": "response_coding.csv",
    "audit_returns": "audit_returns.xlsx",
    "recruitment": "recruitment_log.csv",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "survey",
        help="national mapping survey, service audit and case-study recruitment tables",
        description="Check the survey team's trackers against their schemas and compute Tables "
        "2, 3, 4, 6, 7 and the audit summary from their rows.",
    )
    verbs = p.add_subparsers(dest="survey_command", metavar="VERB", required=True)
    for verb, help_text in (
        ("validate", "check every input and report problems (writes nothing)"),
        ("tabulate", "check the inputs and write results/survey/* and the counts file"),
    ):
        v = verbs.add_parser(verb, help=help_text, description=help_text)
        v.add_argument(
            "--inputs",
            type=Path,
            default=Path("resources/reco/survey"),
            help="folder holding the five inputs under their default names",
        )
        for key, name in DEFAULTS.items():
            v.add_argument(
                f"--{key.replace('_', '-')}",
                type=Path,
                default=None,
                help=f"path of the {key.replace('_', ' ')} file (default <inputs>/{name})",
            )
        if verb == "tabulate":
            v.add_argument("--out", type=Path, default=Path("results/survey"))
            v.add_argument("--counts", type=Path, default=Path("results/counts/survey.json"))
            v.add_argument(
                "--review",
                required=True,
                help="review name; only 'reco' may use the demo pseudonymisation key",
            )
            v.add_argument(
                "--demo-key",
                default=None,
                help="the documented demo key (reconstruction only); real reviews set "
                "RECO_PSEUDONYM_KEY in the environment",
            )
        v.set_defaults(func=run)


def _paths(args: argparse.Namespace):  # noqa: ANN202
    from reco.survey.run import Inputs

    return Inputs(
        **{key: getattr(args, key) or args.inputs / name for key, name in DEFAULTS.items()}
    )


def run(args: argparse.Namespace) -> int:
    from reco.progress import step
    from reco.survey import run as survey

    paths = _paths(args)
    if args.survey_command == "validate":
        data = survey.load(paths)
        step(
            f"survey inputs valid: {len(data.register)} organisations, {len(data.requests)} "
            f"requests, {len(data.coding)} coded responses, {len(data.returns)} audit returns, "
            f"{len(data.recruitment)} participants"
        )
        return 0
    survey.run(paths, args.out, args.counts, review=args.review, demo_key=args.demo_key)
    return 0
