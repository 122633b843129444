# Realist synthesis: programme theories and the CMO coding sheet -> evidence matrix, tables, heat-map.

#: The synthesis section of the config (defaults as in workflow/schemas/config.schema.yaml).
SYNTHESIS = config.get("synthesis") or {}
THEORIES = resource(SYNTHESIS.get("theories", "theories"))


# The stage runs only when the review has screening logs and synthesis is enabled.
if SYNTHESIS.get("enabled", True) and screening_logs():

    rule build_evidence_matrix:
        input:
            sheet=resource(SYNTHESIS.get("sheet", "extraction/cmo.csv")),
            theories=[
                f"{THEORIES}/{name}.csv"
                for name in ("draft_pts", "trail", "final_pts", "substantive_theories")
            ],
            dedup_map="results/dedup/dedup_map.csv",
            status="results/screening/status.parquet",
        output:
            matrix="results/synthesis/evidence_matrix.parquet",
            pairs="results/synthesis/evidence_pairs.csv",
            pt_counts="results/synthesis/pt_counts.csv",
            pt_table="results/synthesis/pt_table.csv",
            trail="results/synthesis/theory_trail.csv",
            theories="results/synthesis/theory_table.csv",
            cited="results/synthesis/results_citations_per_pt.csv",
            heatmap="results/synthesis/evidence_heatmap.svg",
            counts="results/counts/synthesis.json",
        log:
            "logs/build_evidence_matrix.log",
        benchmark:
            "logs/benchmarks/build_evidence_matrix.tsv"
        params:
            theories=THEORIES,
        shell:
            "{RECO} synth build --sheet {input.sheet:q} --theories {params.theories:q} "
            "--dedup-map {input.dedup_map} --status {input.status} --out results/synthesis "
            "--counts {output.counts} > {log} 2>&1"

    TARGETS.extend(rules.build_evidence_matrix.output)
