"""Screening-order metrics: WSS@r, RRF@p, records to reach a recall, and the recall curve.

All functions take ``labels_in_order``: the 0/1 labels of records in the order they were (or
would be) screened, prior-knowledge records first. An order may stop early (after the
last relevant record, as some tools do); ``n_total`` then gives the size of the data set.

Definitions (Cohen et al. 2006; Kusa et al. 2023):
- ``n_to_recall(r)``: the smallest k such that the first k records hold at least ceil(r * R)
  of the R relevant records.
- ``wss(r) = (N - k) / N - (1 - r)`` with k = n_to_recall(r); reported in percentage points.
- ``rrf(p)``: percentage of the relevant records found within the first ceil(p% * N) records.
"""

from __future__ import annotations

import math

import numpy as np


def _as_array(labels_in_order: object) -> np.ndarray:
    arr = np.asarray(labels_in_order, dtype=np.int64).ravel()
    if arr.size and not np.isin(arr, (0, 1)).all():
        raise ValueError("labels must be 0 or 1")
    return arr


def n_relevant_needed(n_relevant: int, recall: float) -> int:
    """How many relevant records reach ``recall`` (ceil, with a small tolerance for float error)."""
    return max(1, math.ceil(recall * n_relevant - 1e-9))


def n_to_recall(labels_in_order: object, recall: float = 0.95) -> int:
    """Records screened until ``recall`` of the relevant records is reached (1-based count)."""
    arr = _as_array(labels_in_order)
    n_rel = int(arr.sum())
    if n_rel == 0:
        raise ValueError("no relevant records: recall is undefined")
    need = n_relevant_needed(n_rel, recall)
    return int(np.searchsorted(np.cumsum(arr), need) + 1)


def wss(labels_in_order: object, recall: float = 0.95, n_total: int | None = None) -> float:
    """Work saved over sampling at ``recall``, in percentage points."""
    arr = _as_array(labels_in_order)
    n = len(arr) if n_total is None else int(n_total)
    k = n_to_recall(arr, recall)
    return 100.0 * ((n - k) / n - (1.0 - recall))


def rrf(labels_in_order: object, percent: float = 10.0, n_total: int | None = None) -> float:
    """Relevant records found after screening ``percent``% of all records, as a percentage."""
    arr = _as_array(labels_in_order)
    n = len(arr) if n_total is None else int(n_total)
    n_rel = int(arr.sum())
    if n_rel == 0:
        raise ValueError("no relevant records: RRF is undefined")
    k = math.ceil(percent / 100.0 * n - 1e-9)
    return 100.0 * int(arr[:k].sum()) / n_rel


def recall_curve(labels_in_order: object) -> np.ndarray:
    """Recall after each screened record: element i is the recall after i + 1 records."""
    arr = _as_array(labels_in_order)
    n_rel = int(arr.sum())
    if n_rel == 0:
        raise ValueError("no relevant records: recall is undefined")
    return np.cumsum(arr) / n_rel


def summary(labels_in_order: object) -> dict[str, float | int]:
    """The headline metrics of one screening order (metrics.json keys)."""
    arr = _as_array(labels_in_order)
    return {
        "wss_95": round(wss(arr, 0.95), 4),
        "wss_100": round(wss(arr, 1.0), 4),
        "rrf_10": round(rrf(arr, 10.0), 4),
        "n_to_95": n_to_recall(arr, 0.95),
        "n_to_100": n_to_recall(arr, 1.0),
        "n_records": int(arr.size),
        "n_relevant": int(arr.sum()),
    }
