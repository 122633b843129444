# Costing: price each case-study site's pro forma (Table 5 annual costs), with one-way
# sensitivity, tornado plots, a Monte Carlo PSA and inflation to a later price year.

#: The costing section of the config (defaults as in workflow/schemas/config.schema.yaml).
COSTING = config.get("costing") or {}
#: Folder of site_<ID>.xlsx pro formas, relative to the review's resources folder.
COSTING_DIR = Path(resource(COSTING.get("proformas", "costing")))
#: Versioned unit-cost reference tables (relative to the repository, not the review).
COSTING_REFERENCE = repo_path(
    COSTING.get("reference_dir", "resources/reference/costing")
)
COSTING_SITES = sorted(p.stem[len("site_") :] for p in COSTING_DIR.glob("site_*.xlsx"))


# A review without pro formas (or with costing: {enabled: false}) has no costing stage.
if COSTING.get("enabled", True) and COSTING_SITES:

    rule price_costing:
        input:
            proformas=[str(COSTING_DIR / f"site_{site}.xlsx") for site in COSTING_SITES],
            reference=sorted(str(p) for p in COSTING_REFERENCE.glob("*.csv")),
        output:
            table5="results/costing/table5_costs.csv",
            lines="results/costing/lines_priced.parquet",
            models="results/costing/model_costs.csv",
            sensitivity="results/costing/sensitivity.csv",
            tornado=expand("results/costing/tornado_{site}.svg", site=COSTING_SITES),
            psa="results/costing/psa_summary.csv",
            counts="results/counts/costing.json",
        log:
            "logs/price_costing.log",
        benchmark:
            "logs/benchmarks/price_costing.tsv"
        params:
            reference=str(COSTING_REFERENCE),
            settings=json.dumps(COSTING, sort_keys=True),
        shell:
            "{RECO} cost price --proformas {input.proformas:q} --reference {params.reference:q} "
            "--settings {params.settings:q} --out results/costing --counts {output.counts} "
            "> {log} 2>&1"

    TARGETS.extend(rules.price_costing.output)
