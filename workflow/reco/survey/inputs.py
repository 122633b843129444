"""Reading and checking the survey team's CSV inputs: register, request log, coding sheet, recruitment log.

Each reader returns the rows as dictionaries of strings (plus ``_line``, the line of the row in the
file, header = line 1) after checking every row against the input's schema. A missing column, an
unknown code, a bad date, a response dated before its request, a response or coding row for an
organisation that was never contacted: each is a :class:`reco.errors.SchemaError` (or
:class:`reco.errors.InputError` for an unreadable file) naming the file, the line and the column,
and saying what to do. Nothing is dropped: a row that fails stops the run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from reco.errors import InputError, ParseError, SchemaError
from reco.survey import codes

Row = dict[str, str]

#: Columns holding personal data: read for checks only, never copied to any output.
PERSONAL_COLUMNS: tuple[str, ...] = ("contact_name", "contact_email", "contact_phone")


@dataclass(frozen=True)
class Spec:
    """The columns of one input: required ones must be present (and non-empty unless ``optional``)."""

    name: str  # what the file is, for messages
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        """Every column, in the order the files are written (required, then optional)."""
        return [*self.required, *self.optional]


REGISTER = Spec("organisation register", ("org_id", "name", "org_type", "nation"), ("region",))
REQUESTS = Spec(
    "request log",
    ("request_id", "org_id", "wave", "channel", "date_sent", "date_responded", "outcome"),
    (*PERSONAL_COLUMNS, "notes"),
)
CODING = Spec(
    "response coding sheet",
    (
        "request_id",
        "org_id",
        "services_described",
        "category",
        "integrated",
        "other_models",
        "commissioned_specific",
    ),
    ("coder", "notes"),
)
RECRUITMENT = Spec(
    "recruitment log",
    ("participant_id", "site", "participant_type", "staff_setting", "staff_role", "mode"),
    ("date_recruited", *PERSONAL_COLUMNS, "notes"),
)


def read_rows(path: str | Path, spec: Spec) -> list[Row]:
    """Read a UTF-8 CSV with a header row; check the required columns exist. Values are stripped."""
    p = Path(path)
    if not p.is_file():
        raise InputError(
            f"{spec.name} not found",
            file=p,
            fix=f"put the {spec.name} at this path or set its path in the survey section of the config.",
        )
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{spec.name} is not UTF-8 text (byte {exc.start})",
            file=p,
            fix="save the file as CSV UTF-8 from your spreadsheet program.",
        ) from exc
    if not text.strip():
        raise InputError(
            f"{spec.name} is empty", file=p, fix="export the sheet again with its header row."
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise SchemaError(
            f"{spec.name} repeats column(s) {', '.join(repeated)}",
            file=p,
            line=1,
            fix="give every column its own header.",
        )
    missing = [c for c in spec.required if c not in header]
    if missing:
        raise SchemaError(
            f"{spec.name} lacks column(s) {', '.join(missing)}; found {', '.join(header)}",
            file=p,
            line=1,
            fix=f"add the column(s); the {spec.name} needs {', '.join(spec.required)}.",
        )
    rows: list[Row] = []
    line = reader.line_num + 1  # first line of the next record (quoted fields may span lines)
    for values in _records(reader, p):
        start, line = line, reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise SchemaError(
                f"row has {len(values)} fields but the header has {len(header)}",
                file=p,
                line=start,
                fix="check for an unquoted comma or a missing field on this line.",
            )
        row = {h: v.strip() for h, v in zip(header, values, strict=True)}
        row["_line"] = str(start)
        rows.append(row)
    if not rows:
        raise InputError(f"{spec.name} has a header but no rows", file=p, fix="add the rows.")
    return rows


def _records(reader: Iterable[list[str]], path: Path) -> Iterable[list[str]]:
    """The reader's records; a malformed one (e.g. a NUL byte) is a ParseError with its line."""
    it = iter(reader)
    while True:
        try:
            yield next(it)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ParseError(
                f"malformed CSV: {exc}",
                file=path,
                line=getattr(reader, "line_num", None),
                fix="export the sheet again as CSV UTF-8.",
            ) from exc


def _err(path: Path, row: Row, column: str, what: str, fix: str) -> SchemaError:
    return SchemaError(what, file=path, line=int(row["_line"]), column=column, fix=fix)


def need(path: Path, row: Row, column: str) -> str:
    value = row.get(column, "")
    if not value:
        raise _err(path, row, column, f"{column} is empty", f"fill in {column} on this row.")
    return value


def code(path: Path, row: Row, column: str, allowed: Iterable[str]) -> str:
    """The value of ``column`` if it is one of ``allowed``; else an error listing the allowed codes."""
    allowed = tuple(allowed)
    value = row.get(column, "")
    if value not in allowed:
        raise _err(
            path,
            row,
            column,
            f"unknown code {value!r} in {column}",
            f"use one of: {', '.join(allowed)}.",
        )
    return value


def date(path: Path, row: Row, column: str, *, optional: bool = False) -> dt.date | None:
    value = row.get(column, "")
    if not value and optional:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _err(
            path,
            row,
            column,
            f"{column} {value!r} is not a date",
            "write dates as YYYY-MM-DD (e.g. 2020-03-16).",
        ) from None


def unique(path: Path, rows: list[Row], column: str) -> None:
    seen: dict[str, str] = {}
    for row in rows:
        key = need(path, row, column)
        if key in seen:
            raise _err(
                path,
                row,
                column,
                f"{column} {key!r} repeats line {seen[key]}",
                f"give every row its own {column} (or delete the duplicate row).",
            )
        seen[key] = row["_line"]


def read_register(path: str | Path) -> list[Row]:
    p = Path(path)
    rows = read_rows(p, REGISTER)
    unique(p, rows, "org_id")
    for row in rows:
        need(p, row, "name")
        code(p, row, "org_type", codes.ORG_TYPES)
        code(p, row, "nation", codes.NATIONS)
    return rows


def read_requests(path: str | Path, register: Mapping[str, Row]) -> list[Row]:
    """The request log: one row per request sent (wave, channel, dates, outcome)."""
    p = Path(path)
    rows = read_rows(p, REQUESTS)
    unique(p, rows, "request_id")
    for row in rows:
        org = need(p, row, "org_id")
        if org not in register:
            raise _err(
                p,
                row,
                "org_id",
                f"request to organisation {org!r}, which is not in the organisation register",
                "add the organisation to the register, or correct the org_id.",
            )
        code(p, row, "wave", codes.WAVES)
        code(p, row, "channel", codes.CHANNELS)
        outcome = code(p, row, "outcome", codes.OUTCOMES)
        sent = date(p, row, "date_sent")
        answered = date(p, row, "date_responded", optional=True)
        if outcome == "no_response" and answered is not None:
            raise _err(
                p,
                row,
                "date_responded",
                f"outcome is no_response but a response date ({answered}) is given",
                "set the outcome of the response, or clear the response date.",
            )
        if outcome != "no_response" and answered is None:
            raise _err(
                p,
                row,
                "date_responded",
                f"outcome {outcome!r} has no response date",
                "enter the date the response was received (YYYY-MM-DD).",
            )
        if answered is not None and sent is not None and answered < sent:
            raise _err(
                p,
                row,
                "date_responded",
                f"response dated {answered}, before its request was sent ({sent})",
                "check both dates; a response cannot precede its request.",
            )
    return rows


def read_coding(path: str | Path, requests: Mapping[str, Row]) -> list[Row]:
    """The response coding sheet: one row per response with service information."""
    p = Path(path)
    rows = read_rows(p, CODING)
    unique(p, rows, "request_id")
    contacted = {r["org_id"] for r in requests.values()}
    for row in rows:
        org = need(p, row, "org_id")
        if org not in contacted:
            raise _err(
                p,
                row,
                "org_id",
                f"coded response from organisation {org!r}, which was never contacted",
                "log the request in the request log first, or correct the org_id.",
            )
        rid = need(p, row, "request_id")
        request = requests.get(rid)
        if request is None:
            raise _err(
                p,
                row,
                "request_id",
                f"coded response to request {rid!r}, which is not in the request log",
                "correct the request_id (it must match the request log).",
            )
        if request["org_id"] != org:
            raise _err(
                p,
                row,
                "org_id",
                f"request {rid!r} went to {request['org_id']!r}, not {org!r}",
                "correct the org_id or the request_id so they match the request log.",
            )
        if request["outcome"] != "info_provided":
            raise _err(
                p,
                row,
                "request_id",
                f"request {rid!r} has outcome {request['outcome']!r}; only responses with "
                "outcome info_provided are coded",
                "correct the outcome in the request log or delete this coding row.",
            )
        n = row.get("services_described", "")
        if not n.isdigit():
            raise _err(
                p,
                row,
                "services_described",
                f"services_described {n!r} is not a whole number",
                "enter the number of services the response describes (0 or more).",
            )
        code(p, row, "category", codes.CATEGORIES)
        code(p, row, "integrated", codes.YES_NO_UNCLEAR)
        code(p, row, "other_models", codes.YES_NO)
        code(p, row, "commissioned_specific", codes.YES_NO_UNCLEAR)
    coded = {r["request_id"] for r in rows}
    for rid, request in requests.items():
        if request["outcome"] == "info_provided" and rid not in coded:
            raise SchemaError(
                f"response to request {rid!r} provided information but has no row in the coding sheet",
                file=p,
                fix=f"code the response (add a row for request {rid}) or correct its outcome "
                f"(request log line {request['_line']}).",
            )
    return rows


def read_recruitment(path: str | Path) -> list[Row]:
    """The recruitment log: one row per participant (staff, service user or carer)."""
    p = Path(path)
    rows = read_rows(p, RECRUITMENT)
    unique(p, rows, "participant_id")
    for row in rows:
        need(p, row, "site")
        kind = code(p, row, "participant_type", codes.PARTICIPANT_TYPES)
        code(p, row, "mode", codes.MODES)
        date(p, row, "date_recruited", optional=True)
        if kind == "staff":
            code(p, row, "staff_setting", codes.STAFF_SETTINGS)
            code(p, row, "staff_role", codes.STAFF_ROLES)
        else:
            for column in ("staff_setting", "staff_role"):
                if row.get(column):
                    raise _err(
                        p,
                        row,
                        column,
                        f"{column} is filled in for a {kind}",
                        "leave staff_setting and staff_role empty for service users and carers.",
                    )
    return rows


def by_key(rows: list[Row], key: str) -> dict[str, Row]:
    return {row[key]: row for row in rows}
