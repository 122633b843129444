"""Privacy of the survey stage: keyed pseudonyms for participants and a guard against personal data.

Participant IDs are replaced by ``P-`` + the first 12 hex digits of HMAC-SHA256(key, id). The key
comes from the environment variable ``RECO_PSEUDONYM_KEY``. Only for the reconstruction dataset
(review ``reco``) may the documented demo key from the config be used instead; any other review
without the environment variable stops before anything is read. Contact names, e-mail addresses
and telephone numbers are never copied to an output, and :func:`guard` scans every output for
e-mail addresses and phone numbers before the stage reports success.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Iterable
from pathlib import Path

from reco.errors import ConfigError, RecoError

ENV_KEY = "RECO_PSEUDONYM_KEY"
#: The only review allowed to use the config's demo key (the committed reconstruction).
DEMO_REVIEW = "reco"

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
#: UK numbers (+44 / 0 prefix, spaces, hyphens or brackets) and other international numbers.
PHONE_RE = re.compile(
    r"(?<![\w.])(?:\+44\s?\(?0?\)?\s?\d{2,4}|\(?0\d{2,4}\)?)[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w.])"
    r"|(?<![\w.])\+\d{1,3}[\s-]?\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w.])"
)


def resolve_key(review: str, demo_key: str | None) -> tuple[bytes, str]:
    """The pseudonymisation key and where it came from ("environment" or "demo key")."""
    env = os.environ.get(ENV_KEY, "")
    if env:
        return env.encode("utf-8"), "environment"
    if review == DEMO_REVIEW and demo_key:
        return demo_key.encode("utf-8"), "demo key (reconstruction only)"
    raise ConfigError(
        f"no pseudonymisation key for review {review!r}: participant IDs cannot be pseudonymised",
        fix=f"set the environment variable {ENV_KEY} to a secret key kept by the team (the same "
        "key gives the same pseudonyms across runs); the config's demo key is accepted only for "
        f"the reconstruction dataset (review {DEMO_REVIEW!r}).",
    )


def pseudonym(key: bytes, participant_id: str) -> str:
    """A stable pseudonym for ``participant_id`` under ``key``."""
    digest = hmac.new(key, participant_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"P-{digest[:12]}"


def find_personal_data(text: str) -> list[str]:
    """E-mail addresses and phone numbers found in ``text``."""
    return EMAIL_RE.findall(text) + [m.group(0) for m in PHONE_RE.finditer(text)]


def guard(paths: Iterable[Path]) -> None:
    """Stop (and delete the offending output) if any output holds an e-mail or phone number."""
    for path in paths:
        found = find_personal_data(Path(path).read_text(encoding="utf-8"))
        if found:
            Path(path).unlink()
            raise RecoError(
                f"output would contain personal data ({len(found)} e-mail/phone value(s)); "
                "the file was removed",
                file=path,
                fix="remove contact details from free-text fields of the inputs (names, notes, "
                "service names) and run again.",
            )
