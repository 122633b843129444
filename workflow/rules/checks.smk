# Checks across stages: the build fails when records are lost or invented anywhere.


def conservation_inputs(wildcards):
    inputs = {
        "records": "results/ingest/records.parquet",
        "rejected": "results/ingest/rejected.csv",
        "file_counts": "results/ingest/counts.json",
        "dedup_map": "results/dedup/dedup_map.csv",
    }
    if screening_logs():
        inputs["status"] = "results/screening/status.parquet"
        inputs["screening_counts"] = "results/counts/screening.json"
    return inputs


rule check_conservation:
    input:
        unpack(conservation_inputs),
    output:
        "results/checks/conservation.json",
    log:
        "logs/check_conservation.log",
    params:
        stages=lambda wildcards: " ".join(
            f"--stage {s}"
            for s in ["ingest", "dedup"] + (["screening"] if screening_logs() else [])
        ),
    shell:
        "{RECO} check conservation --results results {params.stages} --out {output} > {log} 2>&1"


TARGETS.extend(rules.check_conservation.output)
