"""Realist synthesis: programme theories as data, the CMO coding sheet and the evidence map.

* :mod:`reco.synthesis.theories` - draft PTs, the draft -> final trail, the final PTs (CMO with
  SELFIE level) and the substantive theories, read and checked from ``resources/<review>/theories``;
* :mod:`reco.synthesis.coding` - the CMO coding sheet (one row per paper x PT x CMO element),
  validated and resolved to works, checked against screening in both directions;
* :mod:`reco.synthesis.evidence` - the PT x paper matrix, per-PT counts, the report's tables and the
  real-data check of the citations of the published Results;
* :mod:`reco.synthesis.figure` - the heat-map (PT x SELFIE level x CMO role / evidence strength).
"""
