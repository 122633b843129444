# reco: rebuild every count, table and figure of a review from its raw exports.
# The logic lives in the `reco` package (workflow/reco); rules are thin adapters that call its CLI.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"


rule all:
    default_target: True
    input:
        all_targets,


include: "workflow/rules/ingest.smk"
include: "workflow/rules/dedup.smk"
include: "workflow/rules/screening.smk"
include: "workflow/rules/checks.smk"
include: "workflow/rules/costing.smk"
include: "workflow/rules/survey.smk"
include: "workflow/rules/mapping.smk"
include: "workflow/rules/synthesis.smk"
# Reports read what the stages above leave in TARGETS: keep this include last.
include: "workflow/rules/report.smk"
