"""The extraction part of the reconstruction is byte-deterministic and matches the committed files."""

from __future__ import annotations

from pathlib import Path

from reco.reconstruct import Context, build

FILES = (
    "extraction/mapping.csv",
    "extraction/cmo.csv",
    "theories/draft_pts.csv",
    "theories/trail.csv",
    "theories/final_pts.csv",
    "theories/substantive_theories.csv",
)


def test_regenerated_extraction_equals_committed(synth_up: dict, repo: Path) -> None:
    out = synth_up["out"]  # a copy of sources and truth (screening truth regenerated if absent)
    written = build(Context(out=out, sources=out / "sources"), ["extraction"])
    assert written[-1] == out / "DATASET.yaml"  # every build says what the folder holds
    assert sorted(str(p.relative_to(out)) for p in written[:-1]) == sorted(FILES)
    for rel in FILES:
        assert (out / rel).read_bytes() == (repo / "resources/reco" / rel).read_bytes(), rel


def test_reconstructed_rows_are_labelled(repo: Path) -> None:
    cmo = (repo / "resources/reco/extraction/cmo.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert all(
        line.endswith(",reconstructed") or "real: Lancet Results citation" in line for line in cmo
    )
    mapping = (repo / "resources/reco/extraction/mapping.csv").read_text(encoding="utf-8")
    assert all(line.endswith(",reconstructed") for line in mapping.splitlines()[1:])
