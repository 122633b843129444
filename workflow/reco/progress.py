"""Progress reporting for long commands: a live counter on a terminal, periodic log lines otherwise."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger("reco")


def track(
    items: Iterable[T], label: str, total: int | None = None, every: float = 0.5
) -> Iterator[T]:
    """Yield ``items``, showing ``label: n/total`` on stderr when it is a terminal."""
    interactive = sys.stderr.isatty()
    start = last = time.monotonic()
    n = 0
    for n, item in enumerate(items, 1):
        yield item
        now = time.monotonic()
        if interactive and now - last >= every:
            last = now
            suffix = f"/{total}" if total else ""
            sys.stderr.write(f"\r{label}: {n}{suffix}")
            sys.stderr.flush()
    if interactive and time.monotonic() - start >= every:
        sys.stderr.write("\r" + " " * 60 + "\r")
        sys.stderr.flush()


def step(message: str) -> None:
    """Log one step of a stage (shown on the terminal and in the rule's log file)."""
    log.info(message)
