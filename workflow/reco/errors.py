"""The project's typed errors: every one names the file, the line or row, what went wrong and what to do.

The CLI turns a :class:`RecoError` into a one-paragraph message on stderr and exit code 2; any other
exception is a bug in reco and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class RecoError(Exception):
    """Base class: a problem with the user's input, config or environment (not a bug in reco)."""

    def __init__(
        self,
        what: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        row: int | None = None,
        column: str | None = None,
        sheet: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.what = what
        self.file = str(file) if file is not None else None
        self.line = line
        self.row = row
        self.column = column
        self.sheet = sheet
        self.fix = fix
        super().__init__(self.message())

    def location(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def message(self) -> str:
        loc = self.location()
        text = f"{loc}: {self.what}" if loc else self.what
        if self.fix:
            text += f"\n  What to do: {self.fix}"
        return text


class InputError(RecoError):
    """An input file is missing, unreadable, empty, in an unknown format or wrong encoding."""


class ParseError(InputError):
    """A record or line inside an otherwise readable input cannot be parsed."""


class SchemaError(RecoError):
    """A table lacks a required column, has a wrong type, or holds a value outside its allowed codes."""


class ConfigError(RecoError):
    """The configuration is invalid (unknown key, wrong value, missing file)."""


class ConservationError(RecoError):
    """Records were lost or invented between two stages."""


class TransitionError(RecoError):
    """A record status change that the status model does not allow."""
