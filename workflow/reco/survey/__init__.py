"""The national mapping survey, service audit and case-study recruitment stage (``reco survey``).

Inputs are kept as a survey team keeps them (organisation register, request log, response coding
sheet, audit returns workbook, recruitment log); every table and percentage of the published
Tables 2, 3, 4, 6 and 7 and the audit summary is computed from their rows.

Modules: :mod:`.codes` (vocabularies, rounding), :mod:`.inputs` (reading and schema checks of the
CSV inputs), :mod:`.workbook` (deterministic .xlsx writing and reading), :mod:`.audit` (audit
returns merged into services), :mod:`.tables` (the tabulations), :mod:`.privacy`
(pseudonymisation and the personal-data guard), :mod:`.run` (the whole stage).
"""
