"""Bytes to text for search exports: BOM-aware UTF-8/UTF-16, cp1252 fallback, one line-end style.

Order of attempts: a byte-order mark (UTF-8, UTF-16 LE/BE) wins; then strict UTF-8; then UTF-16
without a BOM when every other byte is NUL; then, if the bytes look like text, Windows-1252 (a
superset of Latin-1 for printable characters) with a warning. Bytes that are not text (NULs,
control characters) raise :class:`reco.errors.InputError`. Line ends (CRLF, CR) become ``\\n``,
so line numbers count CRLF and CR-only line ends as one line each.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

from reco.errors import InputError

_CONTROL = set(range(0, 9)) | {11} | set(range(14, 27)) | set(range(28, 32))


@dataclass
class Decoded:
    """Decoded text of one file, the encoding used and any warnings about it."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def _cp1252(data: bytes) -> str:
    # cp1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined; map them as Latin-1 does.
    return data.decode("cp1252", errors="latin1fallback")


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    if isinstance(exc, UnicodeDecodeError):
        bad = exc.object[exc.start : exc.end]
        return bad.decode("latin-1"), exc.end
    raise exc


codecs.register_error("latin1fallback", _latin1_fallback)


def _looks_binary(data: bytes) -> tuple[bool, int]:
    """True (and the offset of the first offending byte) when ``data`` is not plausibly text."""
    sample = data[:65536]
    if not sample:
        return False, 0
    nul = sample.find(b"\x00")
    if nul >= 0:
        return True, nul
    bad = [i for i, b in enumerate(sample) if b in _CONTROL]
    if len(bad) > max(2, len(sample) // 1000):
        return True, bad[0]
    return False, 0


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_bytes(data: bytes, file: str | Path = "<bytes>") -> Decoded:
    """Decode an export's bytes to text with ``\\n`` line ends (see the module docstring)."""
    warnings: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data[3:], "utf-8", file), "utf-8-sig"
    elif data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        text, encoding = _strict(data, "utf-16", file), "utf-16"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            if _utf16_without_bom(data):
                le = data[1::2].count(0) > data[0::2].count(0)
                encoding = "utf-16-le" if le else "utf-16-be"
                try:  # no byte-order mark to vouch for it: bytes that do not decode are binary
                    text = data.decode(encoding)
                except UnicodeDecodeError as bad:
                    raise _binary_error(data, bad.start, file) from None
            else:
                binary, offset = _looks_binary(data)
                if binary:
                    raise _binary_error(data, offset, file) from None
                text, encoding = _cp1252(data), "cp1252"
                warnings.append(
                    f"{file}: not valid UTF-8 (first bad byte 0x{data[exc.start]:02x} on line "
                    f"{_line_of(data, exc.start)}); read as Windows-1252/Latin-1. If accented "
                    "characters look wrong, re-export the file as UTF-8."
                )
    if "\x00" in text[:65536] or _looks_binary(text[:65536].encode("utf-8", "replace"))[0]:
        offset = text.find("\x00")
        raise _binary_error(data, max(offset, 0), file)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Decoded(text=text, encoding=encoding, warnings=warnings)


def _utf16_without_bom(data: bytes) -> bool:
    sample = data[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return odd.count(0) > 0.4 * len(odd) or even.count(0) > 0.4 * len(even)


def _strict(data: bytes, encoding: str, file: str | Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid {encoding.upper()} at byte {exc.start} although the file starts with a "
            f"{encoding.upper()} byte-order mark",
            file=file,
            line=_line_of(data, exc.start),
            fix="re-export the file from the database (UTF-8 preferred); it may be damaged.",
        ) from None


def _binary_error(data: bytes, offset: int, file: str | Path) -> InputError:
    return InputError(
        f"binary data, not a text export (byte 0x{data[offset]:02x} at offset {offset})"
        if offset < len(data)
        else "binary data, not a text export",
        file=file,
        line=_line_of(data, offset),
        fix="check that this is the exported RIS/text/CSV/XML file and not a zip, PDF or "
        "database file; re-export it as text.",
    )


def utf8_head(data: bytes, size: int = 262144) -> str | None:
    """The first ``size`` bytes as text if they are UTF-8 (BOM dropped, line ends normalised)."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return None
    head = data[3:size] if data.startswith(codecs.BOM_UTF8) else data[:size]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if len(data) >= size and exc.reason == "unexpected end of data":  # cut at the edge
            text = head[: exc.start].decode("utf-8", errors="strict")
        else:
            return None
    if "\x00" in text:
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_bytes(path: str | Path, limit: int | None = None) -> bytes:
    """Read an export's bytes (the first ``limit`` only, if given); a missing, unreadable or
    empty file is an :class:`InputError`."""
    p = Path(path)
    try:
        if limit is None:
            data = p.read_bytes()
        else:
            with open(p, "rb") as handle:
                data = handle.read(limit)
    except FileNotFoundError:
        raise InputError(
            "export not found",
            file=p,
            fix="check the path in config/config.yaml (exports: file:) or on the command line.",
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot read export: {exc.strerror}",
            file=p,
            fix="check that the file exists and is readable.",
        ) from None
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe") and (limit is None or len(data) < limit):
        raise InputError(
            "empty export (no records)" if data else "empty export (0 bytes)",
            file=p,
            fix="re-export the search results; if the search really found nothing, remove the "
            "file from the exports list in the config.",
        )
    return data


def read_text(path: str | Path) -> Decoded:
    """Read and decode an export; an empty or unreadable file is an :class:`InputError`."""
    return decode_bytes(read_bytes(path), Path(path))
