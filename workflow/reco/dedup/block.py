"""Block: candidate pairs from several blocking keys, never all pairs.

Each key (DOI, PMID, title prefix, title tail, first author + year, year + volume + first page)
groups records; within a group, records sorted by folded title are paired with their next
``window`` neighbours, so a small group yields all its pairs and a huge one (a common surname in a
busy year) stays linear. A sorted neighbourhood over the folded title adds pairs whose titles
sort together even when every other key differs (a typo in the author, a missing DOI). Every pair
records which keys proposed it (``blocked_by``), for audit.
"""

from __future__ import annotations

import numpy as np
import polars as pl

#: Pairs per record within one key's group (all pairs when the group has <= window + 1 records).
KEY_WINDOW = 12
#: Neighbours on each side in the sorted-neighbourhood pass over folded titles.
TITLE_WINDOW = 5
#: Characters of the compact (space-free) folded title used by the prefix and tail keys.
TITLE_KEY_CHARS = 30
_MIN_TITLE_KEY = 12


def _keys(prep: pl.DataFrame) -> pl.DataFrame:
    compact = pl.col("title_n").str.replace_all(" ", "")
    long_enough = compact.str.len_chars() >= _MIN_TITLE_KEY
    return prep.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("i"),
        pl.col("title_n"),
        pl.col("doi_n").alias("doi"),
        pl.col("pmid_n").alias("pmid"),
        pl.when(long_enough).then(compact.str.slice(0, TITLE_KEY_CHARS)).alias("title_prefix"),
        pl.when(compact.str.len_chars() >= 2 * TITLE_KEY_CHARS)
        .then(compact.str.slice(-TITLE_KEY_CHARS))
        .alias("title_tail"),
        pl.when((pl.col("au1") != "") & pl.col("year").is_not_null())
        .then(pl.col("au1") + pl.lit("|") + pl.col("year").cast(pl.String))
        .alias("author_year"),
        pl.when(
            pl.col("year").is_not_null()
            & pl.col("volume_n").is_not_null()
            & pl.col("page_first").is_not_null()
        )
        .then(
            pl.col("year").cast(pl.String)
            + pl.lit("|")
            + pl.col("volume_n")
            + pl.lit("|")
            + pl.col("page_first")
        )
        .alias("year_volume_page"),
    )


def _window_pairs(idx: np.ndarray, group: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (idx[p], idx[p+k]) for k = 1..window where both lie in the same group."""
    a_parts, b_parts = [], []
    n = len(idx)
    for k in range(1, min(window, n - 1) + 1):
        same = group[:-k] == group[k:]
        if not same.any():
            break
        a_parts.append(idx[:-k][same])
        b_parts.append(idx[k:][same])
    if not a_parts:
        return np.empty(0, np.uint32), np.empty(0, np.uint32)
    return np.concatenate(a_parts), np.concatenate(b_parts)


#: Blocking keys in the order they are reported in ``blocked_by``.
KEYS = (
    "doi",
    "pmid",
    "title_prefix",
    "title_tail",
    "author_year",
    "year_volume_page",
    "title_neighbourhood",
)


def _pack(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One uint64 per pair, lower position in the high half (sorting it sorts by (a, b))."""
    lo = np.minimum(a, b).astype(np.uint64)
    hi = np.maximum(a, b).astype(np.uint64)
    return (lo << np.uint64(32)) | hi


def candidate_pairs(prep: pl.DataFrame) -> pl.DataFrame:
    """Candidate pairs ``(a, b)`` (row positions in ``prep``, a < b) with ``blocked_by`` keys."""
    keys = _keys(prep)
    packed, flags = [], []
    for bit, key in enumerate(KEYS):
        if key == "title_neighbourhood":
            sub = keys.filter(pl.col("title_n") != "").select("i", "title_n").sort("title_n", "i")
            group = np.zeros(sub.height, dtype=np.int8)
            window = TITLE_WINDOW
        else:
            sub = (
                keys.filter(pl.col(key).is_not_null())
                .select("i", pl.col(key).alias("key"), "title_n")
                .sort("key", "title_n", "i")
            )
            group = sub.get_column("key").rank("dense").to_numpy() if sub.height else None
            window = KEY_WINDOW
        if sub.height < 2:
            continue
        a, b = _window_pairs(sub.get_column("i").to_numpy(), group, window)
        keep = a != b
        packed.append(_pack(a[keep], b[keep]))
        flags.append(np.full(int(keep.sum()), 1 << bit, dtype=np.uint8))
    if not packed:
        return pl.DataFrame(schema={"a": pl.UInt32, "b": pl.UInt32, "blocked_by": pl.String})
    # a key proposes a pair at most once, so summing the key bits per pair is their union
    grouped = (
        pl.DataFrame({"p": np.concatenate(packed), "f": np.concatenate(flags)})
        .group_by("p")
        .agg(pl.col("f").sum().cast(pl.UInt8))
        .sort("p")
    )
    names = {
        m: ";".join(sorted(k for bit, k in enumerate(KEYS) if m >> bit & 1))
        for m in grouped.get_column("f").unique().to_list()
    }
    p = grouped.get_column("p").to_numpy()
    return pl.DataFrame(
        {
            "a": pl.Series((p >> np.uint64(32)).astype(np.uint32), dtype=pl.UInt32),
            "b": pl.Series((p & np.uint64(0xFFFFFFFF)).astype(np.uint32), dtype=pl.UInt32),
            "blocked_by": grouped.get_column("f").replace_strict(names, return_dtype=pl.String),
        }
    )
