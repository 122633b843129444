"""Privacy: no contact detail reaches an output; participant IDs are keyed pseudonyms."""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from reco.errors import ConfigError, RecoError
from reco.survey import privacy
from reco.survey.run import Inputs, run

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?:\+44|\b0)[\d ()-]{9,14}\d")
KEY = "privacy-test-key"


def inputs_in(folder: Path) -> Inputs:
    return Inputs(
        organisations=folder / "organisations.csv",
        requests=folder / "requests.csv",
        coding=folder / "response_coding.csv",
        audit_returns=folder / "audit_returns.xlsx",
        recruitment=folder / "recruitment_log.csv",
    )


@pytest.fixture(scope="module")
def outputs(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("survey_privacy")
    run(
        inputs_in(repo / "resources/reco/survey"),
        out / "survey",
        out / "counts/survey.json",
        review="reco",
        demo_key=KEY,
    )
    return sorted(p for p in out.rglob("*") if p.is_file())


def test_inputs_do_hold_contact_details(repo: Path) -> None:
    """The scan below is meaningful: the logs it reads from are full of contact details."""
    text = (repo / "resources/reco/survey/requests.csv").read_text(encoding="utf-8")
    assert len(EMAIL.findall(text)) > 1000 and len(PHONE.findall(text)) > 1000


def test_no_email_or_phone_in_any_output(outputs: list[Path]) -> None:
    assert {p.name for p in outputs} >= {
        "table2_contacts.csv",
        "table3_models_by_nation.csv",
        "table4_integrated.csv",
        "audit_summary.json",
        "table6_staff.csv",
        "table7_service_users_carers.csv",
        "survey.json",
    }
    for path in outputs:
        text = path.read_text(encoding="utf-8")
        assert not EMAIL.findall(text), path
        assert not PHONE.findall(text), path
        assert not privacy.find_personal_data(text), path


def test_no_names_or_raw_participant_ids_in_outputs(outputs: list[Path], repo: Path) -> None:
    folder = repo / "resources/reco/survey"
    with open(folder / "recruitment_log.csv", encoding="utf-8") as handle:
        people = list(csv.DictReader(handle))
    with open(folder / "organisations.csv", encoding="utf-8") as handle:
        names = [r["name"] for r in csv.DictReader(handle)]
    text = "\n".join(p.read_text(encoding="utf-8") for p in outputs)
    for person in people:
        assert person["participant_id"] not in text
        assert person["contact_name"] not in text
    assert not [n for n in names if n in text]


def test_pseudonyms_are_keyed_hmac(outputs: list[Path], repo: Path) -> None:
    participants = next(p for p in outputs if p.name == "participants.csv")
    with open(participants, encoding="utf-8") as handle:
        written = {r["pseudonym"] for r in csv.DictReader(handle)}
    with open(repo / "resources/reco/survey/recruitment_log.csv", encoding="utf-8") as handle:
        ids = [r["participant_id"] for r in csv.DictReader(handle)]
    expected = {
        "P-" + hmac.new(KEY.encode(), i.encode(), hashlib.sha256).hexdigest()[:12] for i in ids
    }
    assert written == expected and len(written) == len(ids)
    other = {privacy.pseudonym(b"another key", i) for i in ids}
    assert not other & written


def test_key_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(privacy.ENV_KEY, raising=False)
    assert privacy.resolve_key("reco", "demo")[0] == b"demo"
    with pytest.raises(ConfigError, match=privacy.ENV_KEY):
        privacy.resolve_key("my_review", "demo")  # the demo key is for the reconstruction only
    with pytest.raises(ConfigError):
        privacy.resolve_key("reco", None)
    monkeypatch.setenv(privacy.ENV_KEY, "team secret")
    assert privacy.resolve_key("my_review", None) == (b"team secret", "environment")
    assert privacy.resolve_key("reco", "demo")[0] == b"team secret"


def test_other_review_without_key_refuses_before_reading(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(privacy.ENV_KEY, raising=False)
    with pytest.raises(ConfigError):
        run(
            inputs_in(tmp_path / "does-not-exist"),  # never read: the key check comes first
            tmp_path / "out",
            tmp_path / "c.json",
            review="my_review",
            demo_key="reco-reconstruction-demo-key-not-secret",
        )
    assert not (tmp_path / "out").exists()


def test_guard_removes_an_output_with_contact_details(tmp_path: Path) -> None:
    leaky = tmp_path / "table.csv"
    leaky.write_text("service,contact\nS01,jo.bloggs@nhs.net\n", encoding="utf-8")
    with pytest.raises(RecoError, match="personal data"):
        privacy.guard([leaky])
    assert not leaky.exists()
    phone = tmp_path / "phone.csv"
    phone.write_text("note\ncall 0113 496 0123\n", encoding="utf-8")
    with pytest.raises(RecoError):
        privacy.guard([phone])
    clean = tmp_path / "clean.csv"
    clean.write_text("n,pct,date\n13,81,2020-03-16\n0.5,62.5,1\n", encoding="utf-8")
    privacy.guard([clean])


def test_snakemake_refuses_to_start_for_another_review_without_key(
    repo: Path, tmp_path: Path
) -> None:
    """The survey rules alone (with the shared set-up), so other stages cannot mask the check."""
    snakefile = tmp_path / "Snakefile"
    snakefile.write_text(
        f'configfile: "{repo / "config/config.yaml"}"\n'
        f'include: "{repo / "workflow/rules/common.smk"}"\n'
        f'include: "{repo / "workflow/rules/survey.smk"}"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k != privacy.ENV_KEY}
    command = [sys.executable, "-m", "snakemake", "-n", "-s", str(snakefile), "-d", str(tmp_path)]

    def snakemake(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*command, *extra], env=env, capture_output=True, text=True, timeout=120
        )

    refused = snakemake("--config", "review=my_review")
    assert refused.returncode != 0
    assert privacy.ENV_KEY in refused.stdout + refused.stderr
    allowed = snakemake("--config", "review=reco")  # the reconstruction: the demo key is enough
    assert allowed.returncode == 0, allowed.stderr
