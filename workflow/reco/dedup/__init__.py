"""Deduplication: link records of the same work across exports, with every decision auditable.

Stages (one module each): :mod:`~reco.dedup.prep` (normalised matching fields),
:mod:`~reco.dedup.block` (candidate pairs), :mod:`~reco.dedup.match` (field scores and named
rules), :mod:`~reco.dedup.overrides` (reviewers' decisions), :mod:`~reco.dedup.cluster`
(components with transitive chains broken) and :mod:`~reco.dedup.pipeline` (ties them together
and picks the kept record of each cluster).
"""

from reco.dedup.pipeline import DedupResult, deduplicate

__all__ = ["DedupResult", "deduplicate"]
