# Survey: national mapping (Tables 2-4), service audit summary and case-study recruitment
# (Tables 6-7), computed from the survey team's trackers.
import os

from snakemake.exceptions import WorkflowError

#: The survey section of the config (defaults as in workflow/schemas/config.schema.yaml).
SURVEY = config.get("survey") or {}


def survey_input(key, default):
    return resource(SURVEY.get(key, default))


if SURVEY.get("enabled", True):
    # No pseudonymisation key, no run: only the reconstruction may use the config's demo key.
    if config["review"] != "reco" and not os.environ.get("RECO_PSEUDONYM_KEY"):
        raise WorkflowError(
            f"survey: review {config['review']!r} needs a pseudonymisation key: set the "
            "environment variable RECO_PSEUDONYM_KEY (the demo key in config is for the "
            "reconstruction dataset only), or set survey: {enabled: false}."
        )

    rule tabulate_survey:
        input:
            organisations=survey_input("organisations", "survey/organisations.csv"),
            requests=survey_input("requests", "survey/requests.csv"),
            coding=survey_input("coding", "survey/response_coding.csv"),
            audit_returns=survey_input("audit_returns", "survey/audit_returns.xlsx"),
            recruitment=survey_input("recruitment", "survey/recruitment_log.csv"),
        output:
            table2="results/survey/table2_contacts.csv",
            table3="results/survey/table3_models_by_nation.csv",
            table4="results/survey/table4_integrated.csv",
            audit="results/survey/audit_summary.json",
            table6="results/survey/table6_staff.csv",
            table7="results/survey/table7_service_users_carers.csv",
            services="results/survey/audit_services.csv",
            participants="results/survey/participants.csv",
            counts="results/counts/survey.json",
        log:
            "logs/tabulate_survey.log",
        params:
            review=config["review"],
            demo_key=SURVEY.get("demo_pseudonym_key", ""),
        shell:
            "{RECO} survey tabulate --organisations {input.organisations:q} "
            "--requests {input.requests:q} --coding {input.coding:q} "
            "--audit-returns {input.audit_returns:q} --recruitment {input.recruitment:q} "
            "--review {params.review:q} --demo-key {params.demo_key:q} "
            "--out results/survey --counts {output.counts} > {log} 2>&1"

    TARGETS.extend(rules.tabulate_survey.output)
