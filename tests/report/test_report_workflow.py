"""The report rules plan correctly: all three formats by default, HTML only with the config switch."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest


def _plan(repo, *config: str) -> str:
    cmd = [sys.executable, "-m", "snakemake", "-n", "--nolock", "--cores", "1", "--forceall"]
    if config:
        cmd += ["--config", *config]
    proc = subprocess.run(cmd, cwd=repo, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        pytest.fail(proc.stdout[-2000:] + proc.stderr[-2000:])
    return proc.stdout


def _render_outputs(plan: str) -> list[str]:
    block = plan[plan.index("rule render_reports:") :]
    outputs = re.search(r"output: (.*)", block).group(1)
    return sorted(o.strip() for o in outputs.split(","))


@pytest.mark.slow
def test_html_only_switch_and_default_formats(repo):
    """One dry run (the DAG takes seconds to plan): the HTML-only switch; defaults from config."""
    import yaml

    quick = _plan(repo, "report={formats: [html]}")
    for rule in (
        "collect_numbers",
        "draw_prisma",
        "audit_figures",
        "render_reports",
        "build_explorer",
        "write_manifest",
    ):
        assert f"rule {rule}:" in quick
    assert _render_outputs(quick) == ["results/report/audit.html", "results/report/reco.html"]
    config = yaml.safe_load((repo / "config" / "config.yaml").read_text(encoding="utf-8"))
    assert config["report"]["formats"] == [
        "html",
        "pdf",
        "docx",
    ]  # the default run builds all three
