# Screening: human decisions drive the counts (tally); ML only ranks (simulate/rank).

#: The screening section of the config (defaults as in workflow/schemas/config.schema.yaml).
SCREENING = config.get("screening") or {}


def screening_logs():
    """The decision logs from config, with their paths resolved."""
    return [dict(e, file=resource(e["file"])) for e in SCREENING.get("logs", [])]


# A review without decision logs has no screening tally (PRISMA then stops at dedup).
if screening_logs():

    rule tally_screening:
        input:
            dedup_map="results/dedup/dedup_map.csv",
            logs=[e["file"] for e in screening_logs()],
        output:
            status="results/screening/status.parquet",
            decisions="results/screening/decisions.parquet",
            agreement="results/screening/agreement.json",
            counts="results/counts/screening.json",
        log:
            "logs/tally_screening.log",
        params:
            spec=json.dumps(screening_logs()),
        shell:
            "{RECO} screen tally --dedup-map {input.dedup_map} --spec {params.spec:q} "
            "--out results/screening --counts {output.counts} > {log} 2>&1"

    TARGETS.extend(rules.tally_screening.output)
