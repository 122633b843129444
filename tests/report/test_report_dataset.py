"""The dataset marker: reconstructed inputs are labelled in numbers.json and in both reports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from reco.dataset import MARKER, describe, marker_text
from reco.errors import InputError
from reco.report.helpers import dataset_note, reconstructed
from reco_paths import REPO
from report_fixture_paths import COUNTS


def test_committed_reconstruction_says_what_it_is() -> None:
    info = describe(REPO / "resources" / "reco")
    assert info["kind"] == "reconstruction"
    assert "not the study's raw data" in info["description"]
    assert info["provenance"].endswith("PROVENANCE.md")
    assert (REPO / "resources" / "reco" / "PROVENANCE.md").is_file()


def test_a_folder_without_marker_is_the_reviews_own(tmp_path) -> None:
    assert describe(tmp_path)["kind"] == "review"


@pytest.mark.parametrize(
    "text, says",
    [("kind: synthetic\n", "'kind' must be one of"), ("kind: [review\n", "not readable YAML")],
)
def test_a_bad_marker_names_the_file(tmp_path, text, says) -> None:
    (tmp_path / MARKER).write_text(text)
    with pytest.raises(InputError) as err:
        describe(tmp_path)
    assert says in str(err.value) and MARKER in str(err.value)


def test_numbers_carry_the_kind_and_the_reports_label_it(tmp_path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    out = tmp_path / "numbers.json"
    cmd = [sys.executable, "-m", "reco", "report", "numbers", "--counts-dir", str(COUNTS)]
    cmd += ["--results", str(tmp_path), "--out", str(out), "--inputs", str(inputs)]
    subprocess.run(cmd, check=True, capture_output=True)
    own = json.loads(out.read_text())
    assert own["meta"]["dataset"]["kind"] == "review"
    assert not reconstructed(own) and dataset_note(own, "why") == ""

    (inputs / MARKER).write_text(marker_text(seed=7))
    subprocess.run(cmd, check=True, capture_output=True)
    rebuilt = json.loads(out.read_text())
    assert reconstructed(rebuilt)
    note = dataset_note(rebuilt, "Read the audit with that in mind.")
    assert note.startswith("::: {.callout-warning}")
    assert "(seed 7)" in note and "Read the audit with that in mind." in note
