"""Case-study costing: price costing pro formas bottom-up from national unit costs or site actuals.

Modules, one job each:

- :mod:`reco.costing.reference`: load the versioned unit-cost tables (resources/reference/costing):
  Agenda for Change and medical pay points, employer on-costs, PSSRU/CHE Unit Costs 2022
  components and overheads, NHS Cost Inflation Index.
- :mod:`reco.costing.methods`: the explicit method choices (salary basis, on-cost method,
  overheads, price year) and their base case.
- :mod:`reco.costing.proforma`: read and validate a site's pro forma workbook (xlsx).
- :mod:`reco.costing.workbook`: write pro forma workbooks byte-deterministically (openpyxl).
- :mod:`reco.costing.pricing`: the pricing engine: one priced row per cost component of each
  pro forma line, with the price used, its source and its year; site summaries.
- :mod:`reco.costing.inflation`: NHSCII inflation factors between price years.
- :mod:`reco.costing.sensitivity`: one-way sensitivity, tornado plots, probabilistic analysis.
- :mod:`reco.costing.run`: the stage: price every pro forma and write results/costing/.
"""
