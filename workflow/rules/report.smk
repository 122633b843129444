# Reports: numbers.json from every stage's counts, the PRISMA diagram, the audit of published
# figures, the rendered reports (HTML/PDF/DOCX) and results/MANIFEST.tsv. Included LAST in the
# Snakefile: it reads TARGETS as the other stages left it.
import json
from pathlib import Path

#: The report section of the config (defaults as in workflow/schemas/config.schema.yaml).
REPORT = config.get("report") or {}
REPORT_FORMATS = REPORT.get("formats", ["html", "pdf", "docx"])
REPORT_DOCS = REPORT.get("documents", ["reports/reco.qmd", "reports/audit.qmd"])
REPORT_DATE = str(REPORT.get("date", "2024-05-01"))
#: Every file the stages before this one will build (their final targets).
STAGE_TARGETS = [str(t) for t in TARGETS]


def declared_outputs():
    """Every output path declared by a rule so far (no wildcards)."""
    outs = set()
    for r in workflow.rules:
        for f in r.output:
            if "{" not in str(f):
                outs.add(str(f))
    return outs


def numbers_inputs(wildcards):
    """The counts files of every stage in this build, plus the tables PRISMA is recomputed from."""
    outs = declared_outputs()
    files = sorted(
        f for f in outs if f.startswith("results/counts/") and f.endswith(".json")
    )
    for extra in (
        "results/ingest/records.parquet",
        "results/dedup/dedup_map.csv",
        "results/screening/agreement.json",
    ):
        if extra in outs:
            files.append(extra)
    # Reconstructed inputs say so in this file; the reports label the build by it.
    marker = RESOURCES / "DATASET.yaml"
    if marker.is_file():
        files.append(str(marker))
    return files


def ledger_file():
    path = REPORT.get("ledger", "sources/published_figures.yaml")
    return resource(path) if path else None


def audit_inputs(wildcards):
    """The ledger and its map when the review has them, plus the stage tables the map names."""
    files = {"numbers": "results/report/numbers.json"}
    ledger, ledger_map = ledger_file(), resource(
        REPORT.get("ledger_map", "ledger_map.yaml")
    )
    if ledger and Path(ledger).is_file() and Path(ledger_map).is_file():
        files["ledger"] = ledger
        files["map"] = ledger_map
    return files


rule collect_numbers:
    input:
        numbers_inputs,
    output:
        report(
            "results/report/numbers.json",
            caption="../report/numbers.rst",
            category="Reports",
        ),
    log:
        "logs/collect_numbers.log",
    params:
        review=config["review"],
        date=REPORT_DATE,
        exports=json.dumps(config["exports"]),
        inputs=str(RESOURCES),
    shell:
        "{RECO} report numbers --counts-dir results/counts --results results "
        "--out {output} --review {params.review:q} --date {params.date:q} "
        "--exports {params.exports:q} --inputs {params.inputs:q} > {log} 2>&1"


rule draw_prisma:
    input:
        "results/report/numbers.json",
    output:
        svg=report(
            "results/report/prisma.svg",
            caption="../report/prisma.rst",
            category="Reports",
        ),
        png="results/report/prisma.png",
    log:
        "logs/draw_prisma.log",
    shell:
        "{RECO} report prisma --numbers {input} --svg {output.svg} --png {output.png} > {log} 2>&1"


rule audit_figures:
    input:
        unpack(audit_inputs),
    output:
        csv=report(
            "results/report/audit.csv",
            caption="../report/audit.rst",
            category="Reports",
        ),
        json="results/report/audit.json",
    log:
        "logs/audit_figures.log",
    params:
        ledger=lambda wildcards, input: (
            f"--ledger {input.ledger} --map {input.map}"
            if "ledger" in input.keys()
            else ""
        ),
    shell:
        "{RECO} report audit {params.ledger} --numbers {input.numbers} --results results "
        "--csv {output.csv} --json {output.json} > {log} 2>&1"


rule render_reports:
    input:
        docs=[str(repo_path(doc)) for doc in REPORT_DOCS],
        numbers="results/report/numbers.json",
        audit="results/report/audit.json",
        prisma="results/report/prisma.png",
        stages=STAGE_TARGETS,
    output:
        [
            report(
                f"results/report/{Path(doc).stem}.{fmt}",
                caption="../report/reports.rst",
                category="Reports",
            )
            for doc in REPORT_DOCS
            for fmt in REPORT_FORMATS
        ],
    log:
        "logs/render_reports.log",
    benchmark:
        "logs/benchmarks/render_reports.tsv"
    params:
        engine=REPORT.get("engine", "auto"),
        formats=",".join(REPORT_FORMATS),
        date=REPORT_DATE,
        titles=" ".join(
            f"--title {shlex.quote(f'{stem}={title}')}"
            for stem, title in sorted((REPORT.get("titles") or {}).items())
        ),
    shell:
        "{RECO} report render {input.docs} --out-dir results/report --engine {params.engine} "
        "--formats {params.formats} --date {params.date:q} --numbers {input.numbers} "
        "--results results {params.titles} > {log} 2>&1"


def explorer_inputs(wildcards):
    """The record-level tables the explorer lists (those this build declares)."""
    outs = declared_outputs()
    return [
        f
        for f in (
            "results/ingest/records.parquet",
            "results/dedup/dedup_map.csv",
            "results/dedup/clusters.csv",
            "results/screening/status.parquet",
        )
        if f in outs
    ]


rule build_explorer:
    input:
        numbers="results/report/numbers.json",
        tables=explorer_inputs,
    output:
        report(
            "results/report/explorer.html",
            caption="../report/explorer.rst",
            category="Reports",
        ),
    log:
        "logs/build_explorer.log",
    shell:
        "{RECO} report explorer --results results --numbers {input.numbers} --out {output} "
        "> {log} 2>&1"


rule write_manifest:
    input:
        STAGE_TARGETS,
        rules.render_reports.output,
        rules.draw_prisma.output,
        rules.audit_figures.output,
        rules.build_explorer.output,
    output:
        "results/MANIFEST.tsv",
    log:
        "logs/write_manifest.log",
    shell:
        "{RECO} report manifest --results results --out {output} > {log} 2>&1"


TARGETS.extend(
    [
        *rules.collect_numbers.output,
        *rules.draw_prisma.output,
        *rules.audit_figures.output,
        *rules.render_reports.output,
        *rules.build_explorer.output,
        *rules.write_manifest.output,
    ]
)
