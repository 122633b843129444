# Literature mapping: the per-paper extraction sheet -> service models and the EPOC table (Table 1).

#: The mapping section of the config (defaults as in workflow/schemas/config.schema.yaml).
MAPPING = config.get("mapping") or {}


def mapping_taxonomy_arg():
    tax = MAPPING.get("taxonomy")
    return f"--taxonomy {shlex.quote(resource(tax))}" if tax else ""


# The stage runs only when the review has screening logs and mapping is enabled.
if MAPPING.get("enabled", True) and screening_logs():

    rule map_literature:
        input:
            sheet=resource(MAPPING.get("sheet", "extraction/mapping.csv")),
            dedup_map="results/dedup/dedup_map.csv",
            status="results/screening/status.parquet",
        output:
            models="results/mapping/models.csv",
            epoc="results/mapping/epoc_summary.csv",
            table1="results/mapping/table1_epoc.csv",
            papers="results/mapping/papers.csv",
            counts="results/counts/mapping.json",
        log:
            "logs/map_literature.log",
        params:
            taxonomy=mapping_taxonomy_arg(),
        shell:
            "{RECO} map build --sheet {input.sheet:q} --dedup-map {input.dedup_map} "
            "--status {input.status} {params.taxonomy} --out results/mapping "
            "--counts {output.counts} > {log} 2>&1"

    TARGETS.extend(rules.map_literature.output)
