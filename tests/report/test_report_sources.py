"""The report sources: every numeral >= 20 in prose comes from numbers.json; every inline key exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from reco.report import qmd
from reco.report.numbers import lookup

SOURCES = sorted((Path(__file__).resolve().parents[2] / "reports").glob("*.qmd"))
#: Inline code, links' targets and cross-references are not prose numerals.
NOT_PROSE = re.compile(r"`[^`]*`|\]\([^)]*\)|@(?:fig|tbl)-[\w-]+|\{#[^}]*\}")
NUMERAL = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)(?![\w])")
#: Allowed standalone numerals: years (1900-2099) and the numbers of tables and figures.
YEAR = re.compile(r"^(19|20)\d\d$")
TABLE_OR_FIGURE = re.compile(r"(Table|Tables|Figure|Figures|table|figure)\s+$")


def stray_numerals(text: str) -> list[tuple[int, str]]:
    """(line, numeral) for each numeral >= 20 in the prose that is not a year or a table number."""
    found = []
    for line_no, line in qmd.prose_text(text):
        prose = NOT_PROSE.sub(" ", line)
        for m in NUMERAL.finditer(prose):
            raw = m.group(1).rstrip(",")
            value = float(raw.replace(",", ""))
            if value < 20 or YEAR.match(raw) or TABLE_OR_FIGURE.search(prose[: m.start()]):
                continue
            found.append((line_no, raw))
    return found


def test_the_checker_catches_a_typed_number():
    text = "---\ntitle: t\n---\n\nAfter removing duplicates, 5,099 records remained in 2020 (Table 23).\n"
    assert stray_numerals(text) == [(5, "5,099")]
    ok = "Text `{python} n['dedup']['unique']` records, 12 reviewers, in 2020; see Table 23.\n"
    assert stray_numerals(ok) == []


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_no_typed_numbers_in_prose(source):
    assert stray_numerals(source.read_text(encoding="utf-8")) == []


CHAIN = re.compile(r"^(?P<root>[A-Za-z_]\w*)(?P<keys>(?:\[\s*(?:\"[^\"]*\"|'[^']*')\s*\])+)")
KEY = re.compile(r"\[\s*(?:\"([^\"]*)\"|'([^']*)')\s*\]")
ALIAS = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<expr>[A-Za-z_]\w*(?:\[[^\]]+\])+)\s*$")


def key_paths(text: str) -> dict[str, set[str]]:
    """Dotted key paths used by inline expressions, per root object (aliases resolved)."""
    doc = qmd.parse(text)
    aliases: dict[str, tuple[str, list[str]]] = {}
    for part in doc.parts:
        if isinstance(part, qmd.Chunk):
            for line in part.code.splitlines():
                m = ALIAS.match(line.strip())
                if m:
                    chain = CHAIN.match(m.group("expr"))
                    if chain:
                        keys = [a or b for a, b in KEY.findall(chain.group("keys"))]
                        aliases[m.group("name")] = (chain.group("root"), keys)
    paths: dict[str, set[str]] = {}
    for _, expr in qmd.inline_expressions(text):
        for start in re.finditer(r"(?<![\w\]])[A-Za-z_]\w*\[", expr):
            chain = CHAIN.match(expr[start.start() :])
            if not chain:
                continue
            root = chain.group("root")
            keys = [a or b for a, b in KEY.findall(chain.group("keys"))]
            while root in aliases:
                root, prefix = aliases[root]
                keys = prefix + keys
            paths.setdefault(root, set()).add(".".join(keys))
    return paths


def test_key_paths_resolve_aliases():
    text = '```{python}\nflow = n["prisma"]\nst = flow["stage"]\n```\n\nA `{python} st["x"]["included"]` and `{python} f"{n[\'costing\'][\'total\']:,}"`.\n'
    assert key_paths(text) == {"n": {"prisma.stage.x.included", "costing.total"}}


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_every_inline_key_exists(source, fixture_results):
    """Against numbers.json (and audit.json) built from the fixture counts of every stage."""
    n = json.loads((fixture_results / "report" / "numbers.json").read_text())
    summary = json.loads((fixture_results / "report" / "audit.json").read_text())
    roots = {"n": n, "summary": summary}
    paths = key_paths(source.read_text(encoding="utf-8"))
    assert paths, "no inline references found: the checker is not reading the source"
    missing = []
    for root, keys in paths.items():
        assert root in roots, (
            f"inline values must come from numbers.json (n) or audit.json, not {root!r}"
        )
        for key in sorted(keys):
            try:
                lookup(roots[root], key)
            except KeyError:
                missing.append(f"{root}: {key}")
    assert missing == []
