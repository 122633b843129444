"""Recall-curve figure of a simulation (SVG and PNG, byte-deterministic)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from reco.fileio import atomic_path


def recall_plot(
    labels_in_order: np.ndarray,
    out_stem: Path,
    title: str,
    stops: dict[str, int] | None = None,
    random_labels: np.ndarray | None = None,
) -> list[Path]:
    """Recall against records screened: the model's order, random order, and stopping points."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = np.asarray(labels_in_order, dtype=np.int64)
    n = len(labels)
    n_rel = int(labels.sum())
    x = np.arange(0, n + 1)
    with matplotlib.rc_context({"svg.hashsalt": "reco-screening", "svg.fonttype": "none"}):
        fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=100)
        ax.plot(x, np.concatenate([[0], np.cumsum(labels)]) / n_rel, label="prioritised order")
        if random_labels is not None:
            rand = np.concatenate([[0], np.cumsum(random_labels)]) / n_rel
            ax.plot(x, rand, color="grey", linewidth=1, label="random order (seeded)")
        ax.plot([0, n], [0, 1], color="grey", linestyle=":", linewidth=1, label="random (expected)")
        ax.axhline(0.95, color="black", linewidth=0.6, linestyle="--")
        for i, (name, at) in enumerate(sorted((stops or {}).items())):
            ax.axvline(at, color=f"C{i + 1}", linewidth=1, linestyle="-.", label=f"stop: {name}")
        ax.set_xlim(0, n)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("records screened")
        ax.set_ylabel("recall (share of relevant records found)")
        ax.set_title(title, fontsize=10)
        ax.legend(loc="lower right", fontsize=8)
        fig.tight_layout()
        written = []
        for ext, meta in (("svg", {"Date": None}), ("png", {"Software": None})):
            target = out_stem.with_suffix(f".{ext}")
            with atomic_path(target) as tmp:
                fig.savefig(tmp, format=ext, metadata=meta)
            written.append(target)
        plt.close(fig)
    return written
