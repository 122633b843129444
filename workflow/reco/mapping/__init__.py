"""Literature mapping: the per-paper extraction sheet, the service models it describes and Table 1.

* :mod:`reco.mapping.taxonomy` - the EPOC taxonomy codes and the sheet's controlled vocabularies;
* :mod:`reco.mapping.sheet` - reading and validating the sheet, resolving cited records to works;
* :mod:`reco.mapping.tables` - models.csv, the EPOC summary table and the counts, from the rows.
"""
