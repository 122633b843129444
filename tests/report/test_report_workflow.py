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
def test_default_and_html_only(repo):
    plan = _plan(repo)
    for rule in (
        "collect_numbers",
        "draw_prisma",
        "audit_figures",
        "render_reports",
        "build_explorer",
        "write_manifest",
    ):
        assert f"rule {rule}:" in plan
    assert _render_outputs(plan) == sorted(
        f"results/report/{d}.{f}" for d in ("reco", "audit") for f in ("html", "pdf", "docx")
    )
    quick = _plan(repo, "report={formats: [html]}")
    assert _render_outputs(quick) == ["results/report/audit.html", "results/report/reco.html"]
