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


#: Retrospective simulation of ML-prioritised screening (ranks only; never changes a count).
SIMULATION = SCREENING.get("simulation") or {}


def simulation_data():
    """The labelled CSV to replay: configured data, else the review's own decisions."""
    if SIMULATION.get("data"):
        return resource(SIMULATION["data"])
    return "results/screening/simulation/labels.csv"


def simulation_model_args():
    """`--model KEY=VALUE` options from the config, parameter objects as quoted JSON."""
    options = []
    for key, value in sorted((SIMULATION.get("model") or {}).items()):
        text = json.dumps(value) if isinstance(value, dict) else value
        options.append("--model " + shlex.quote(f"{key}={text}"))
    return " ".join(options)


if screening_logs():

    rule export_screening_labels:
        input:
            unique="results/dedup/unique_records.parquet",
            status="results/screening/status.parquet",
        output:
            "results/screening/simulation/labels.csv",
        log:
            "logs/export_screening_labels.log",
        params:
            stage=SIMULATION.get("stage", "title_abstract"),
        shell:
            "{RECO} screen labels --unique {input.unique} --status {input.status} "
            "--stage {params.stage} --out {output} > {log} 2>&1"


if SIMULATION.get("enabled", True) and (SIMULATION.get("data") or screening_logs()):

    rule simulate_screening:
        input:
            data=simulation_data(),
        output:
            metrics="results/screening/simulation/metrics.json",
            order="results/screening/simulation/order.csv",
            svg="results/screening/simulation/recall_curve.svg",
            png="results/screening/simulation/recall_curve.png",
            counts="results/counts/simulation.json",
        log:
            "logs/simulate_screening.log",
        benchmark:
            "logs/benchmarks/simulate_screening.tsv"
        resources:
            mem_mb=2000,
            runtime=30,
        params:
            seed=SIMULATION.get("seed", 0),
            stopping=SIMULATION["stopping"],  # the schema's default when not configured
            model=simulation_model_args(),
        shell:
            "{RECO} screen simulate --data {input.data:q} --out results/screening/simulation "
            "--seed {params.seed} --stopping {params.stopping} {params.model} "
            "--counts {output.counts} > {log} 2>&1"

    TARGETS.extend(rules.simulate_screening.output)
