# Dedup: link records of the same work across exports; every pair, rule and cluster is written out.

#: The dedup section of the config (defaults as in workflow/schemas/config.schema.yaml).
DEDUP = config.get("dedup") or {}


rule dedup_records:
    input:
        records="results/ingest/records.parquet",
        decisions=resource(DEDUP.get("decisions", "dedup_decisions.csv")),
    output:
        pairs="results/dedup/pairs.parquet",
        clusters="results/dedup/clusters.csv",
        dedup_map="results/dedup/dedup_map.csv",
        review="results/dedup/review_pairs.csv",
        unique="results/dedup/unique_records.parquet",
        counts="results/counts/dedup.json",
    log:
        "logs/dedup_records.log",
    benchmark:
        "logs/benchmarks/dedup_records.tsv"
    params:
        prefer=" ".join(
            f"--prefer {shlex.quote(db)}"
            for db in DEDUP.get("database_preference", [])
        ),
    shell:
        "{RECO} dedup {input.records} --out results/dedup --decisions {input.decisions:q} "
        "{params.prefer} --counts {output.counts} > {log} 2>&1"


TARGETS.extend(rules.dedup_records.output)
