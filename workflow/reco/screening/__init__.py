"""Title/abstract screening: ML-assisted prioritisation (rank, simulate, stopping rules).

Modules: ``features`` (text -> vectors), ``classifiers``, ``query``, ``balance`` (registries of
swappable parts), ``simulate`` (replay screening on labelled data), ``stopping`` (when to stop
screening), ``metrics`` (WSS, RRF, recall curve), ``rank`` (rank unscreened records),
``data`` (reading and validating labelled CSVs), ``plot`` (recall curve figure).
"""
