"""The evidence heat-map: PTs grouped by SELFIE level x CMO role and x evidence strength.

Deterministic SVG (fixed ``svg.hashsalt``, no date in the metadata, text kept as text) in greys
with every count printed in its cell, so it reads in black and white.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from reco.fileio import atomic_path
from reco.synthesis.coding import ROLES
from reco.synthesis.evidence import STRENGTHS
from reco.synthesis.theories import SELFIE_LEVELS


def heatmap(per_pt: pl.DataFrame, path: str | Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    order = per_pt.with_columns(
        pl.col("selfie_level")
        .replace_strict({lv: i for i, lv in enumerate(SELFIE_LEVELS)}, return_dtype=pl.Int32)
        .alias("_lvl"),
        pl.col("pt").str.slice(2).cast(pl.Int32).alias("_n"),
    ).sort("_lvl", "_n")
    roles = [r for r in ROLES if r != "unspecified" or order[r].sum() > 0]
    panels = [
        (
            "Papers by CMO element",
            roles,
            [r.replace("mechanism_", "M: ").replace("_", " ") for r in roles],
        ),
        ("Papers by evidence strength", list(STRENGTHS), list(STRENGTHS)),
    ]
    labels = [f"{r['pt']} {r['title']}" for r in order.iter_rows(named=True)]
    with matplotlib.rc_context({"svg.hashsalt": "reco", "svg.fonttype": "none", "font.size": 8}):
        fig, axes = plt.subplots(
            1,
            2,
            figsize=(11, 0.42 * len(labels) + 1.8),
            gridspec_kw={"width_ratios": [len(roles), len(STRENGTHS)]},
        )
        vmax = max(1, max(int(order[c].max()) for _, cols, _ in panels for c in cols))
        for ax, (title, cols, names) in zip(axes, panels, strict=True):
            data = order.select(cols).to_numpy()
            ax.imshow(data, cmap="Greys", vmin=0, vmax=vmax, aspect="auto")
            for i in range(data.shape[0]):
                for j in range(data.shape[1]):
                    v = int(data[i, j])
                    ax.text(
                        j,
                        i,
                        str(v),
                        ha="center",
                        va="center",
                        color="white" if v > vmax * 0.55 else "black",
                    )
            ax.set_xticks(range(len(cols)), names, rotation=30, ha="right")
            ax.set_title(title)
            ax.set_yticks(range(len(labels)), labels if ax is axes[0] else [""] * len(labels))
            lv = order["selfie_level"].to_list()
            for i in range(1, len(lv)):
                if lv[i] != lv[i - 1]:
                    ax.axhline(i - 0.5, color="black", linewidth=1.5)
        lv = order["selfie_level"].to_list()
        for level in SELFIE_LEVELS:
            idx = [i for i, x in enumerate(lv) if x == level]
            if idx:
                axes[1].text(
                    len(STRENGTHS) - 0.4,
                    sum(idx) / len(idx),
                    level,
                    fontsize=7,
                    rotation=270,
                    va="center",
                    ha="left",
                )
        axes[1].yaxis.set_label_position("right")
        axes[1].set_ylabel("SELFIE level", labelpad=16)
        fig.suptitle("Programme theories: primary papers coded (framework papers excluded)")
        fig.tight_layout()
        p = Path(path)
        with atomic_path(p) as tmp:
            fig.savefig(tmp, format="svg", metadata={"Date": None})
        plt.close(fig)
    return p
