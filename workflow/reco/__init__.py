"""reco: a reproducible evidence-synthesis pipeline (search exports -> dedup -> screening -> synthesis -> reports)."""

__version__ = "0.1.0"
