"""The ``reco`` command line: one subcommand per stage, each defined in ``reco/commands/<stage>.py``.

A command module exposes ``register(subparsers)``, which adds its parser and sets ``func`` to a
callable taking the parsed arguments and returning an exit code. Modules are discovered, so a new
stage adds a file and touches nothing here. Input problems (:class:`reco.errors.RecoError`) print
a message naming the file and line and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import signal
import sys
import threading
from collections.abc import Sequence

import reco.commands
from reco import __version__
from reco.errors import RecoError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reco",
        description="Rebuild every count, table and figure of a systematic/realist review from raw exports.",
    )
    parser.add_argument("--version", action="version", version=f"reco {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for info in sorted(pkgutil.iter_modules(reco.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"reco.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="reco %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    _interrupt_on_sigterm()
    try:
        return int(args.func(args) or 0)
    except RecoError as exc:
        print(f"reco: error: {exc.message()}", file=sys.stderr)
        return 2
    except OSError as exc:  # a path the command was given cannot be read or written
        if exc.filename is None:
            raise
        what = exc.strerror or type(exc).__name__
        print(
            f"reco: error: {exc.filename}: {what}\n  What to do: check the path (and that its "
            "folder exists and is writable, for an output)",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print("reco: interrupted", file=sys.stderr)
        return 130


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _interrupt_on_sigterm() -> None:
    """SIGTERM (a killed Snakemake run, a scheduler) unwinds like Ctrl-C, so that the atomic
    writers of reco.fileio delete their temporary files instead of leaving them in results/."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_interrupt)


if __name__ == "__main__":
    raise SystemExit(main())
