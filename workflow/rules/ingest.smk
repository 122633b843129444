# Ingest: parse every search export into one record table; nothing is dropped silently.


rule ingest_exports:
    input:
        exports=[spec["file"] for spec in export_specs()],
    output:
        records="results/ingest/records.parquet",
        rejected="results/ingest/rejected.csv",
        file_counts="results/ingest/counts.json",
        counts="results/counts/ingest.json",
    log:
        "logs/ingest_exports.log",
    benchmark:
        "logs/benchmarks/ingest_exports.tsv"
    params:
        spec=json.dumps(export_specs()),
        strict=(
            "--fail-on-rejected"
            if config.get("ingest", {}).get("fail_on_rejected")
            else ""
        ),
    shell:
        "{RECO} ingest --spec {params.spec:q} --out results/ingest --counts {output.counts} "
        "{params.strict} > {log} 2>&1"


TARGETS.extend(rules.ingest_exports.output)
