"""Small helpers the report sources (``reports/*.qmd``) call from their Python chunks.

They keep the ``.qmd`` files short and identical under Quarto and the builtin renderer: where the
results are (``$RECO_RESULTS`` or ``../results``), a note for a stage that has not run, and tables
read from a stage's CSV output (or a note when the file is not built yet).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reco.report.tables import MarkdownTable, md_table, pipe_table


def results_dir() -> Path:
    """The results folder: ``$RECO_RESULTS``, else ``../results`` (Quarto runs chunks in reports/)."""
    return Path(os.environ.get("RECO_RESULTS") or Path("..") / "results")


def stage_note(numbers: Mapping[str, Any], stage: str, what: str | None = None) -> str:
    """Markdown: empty when the stage has run, else a note saying its numbers show as n/a."""
    if stage in numbers:
        return ""
    label = what or f"The {stage} stage"
    return (
        f"::: {{.reco-missing}}\n**Not yet available.** {label} has not run in this build "
        f"(no `results/counts/{stage}.json`); its numbers below read *n/a*.\n:::\n"
    )


def reconstructed(numbers: Mapping[str, Any]) -> bool:
    """True when this build's inputs are a reconstruction (``meta.dataset.kind``)."""
    meta = numbers.get("meta") or {}
    return (meta.get("dataset") or {}).get("kind") == "reconstruction"


def dataset_note(numbers: Mapping[str, Any], why: str) -> str:
    """Markdown: a warning that the inputs are reconstructed and what that means for ``why``.

    Empty for a review's own inputs, so the same report source serves both.
    """
    if not reconstructed(numbers):
        return ""
    data = numbers["meta"]["dataset"]
    title = data.get("title") or "a reconstruction"
    where = f" (`{data['provenance']}`)" if data.get("provenance") else ""
    return (
        f"::: {{.callout-warning}}\n**Reconstructed inputs.** This build ran on the {title}"
        f"{where}. {data.get('description') or ''} {why}\n:::\n"
    )


def file_note(relpath: str) -> MarkdownTable:
    return MarkdownTable(f"*Not yet produced: `results/{relpath}` (its stage has not run).*")


def csv_table(
    relpath: str,
    *,
    columns: Sequence[str] | None = None,
    headers: Sequence[str] | None = None,
    decimals: int = 1,
    formats: Mapping[str, str] | None = None,
) -> MarkdownTable:
    """A stage's CSV output as a Markdown table, or a note when the file is not built yet.

    ``formats`` gives a format string per column (e.g. ``{"fte": "{:.2f}"}``) where the table-wide
    ``decimals`` does not suit.
    """
    import polars as pl

    path = results_dir() / relpath
    if not path.is_file():
        return file_note(relpath)
    df = pl.read_csv(path, infer_schema_length=None)
    if columns:
        df = df.select([c for c in columns if c in df.columns])
    for col, spec in (formats or {}).items():
        if col in df.columns:
            df = df.with_columns(
                pl.col(col).map_elements(spec.format, return_dtype=pl.String).alias(col)
            )
    if headers and len(headers) != df.width:
        headers = None
    return md_table(df, headers=headers, decimals=decimals)


def clickable_prisma(prisma: Mapping[str, Any]) -> str:
    """Raw HTML (ignored in DOCX/PDF): the PRISMA diagram as inline SVG whose counts link to their
    records in the audit explorer, folded under a summary line."""
    from reco.report import prisma as prisma_mod

    keys = [b.key for _, boxes, _ in prisma_mod.layout(prisma) for b in boxes if b is not None]
    keys += [
        k for _, boxes, _ in prisma_mod.layout(prisma) for b in boxes if b for k in b.line_keys
    ]
    links = {k: f"explorer.html#set={k}" for k in keys if k}
    svg = prisma_mod.svg_text(prisma, links)
    return (
        '```{=html}\n<details class="reco-prisma-links"><summary>Clickable flow diagram: '
        "each count opens the records behind it in the audit explorer</summary>\n"
        f"{svg}\n</details>\n```"
    )


def explorer_link(count: Any, tag: str) -> str:
    """A count linked to its records in the audit explorer (``explorer.html`` beside the report)."""
    import re

    from reco.report.tables import link

    return link(count, f"explorer.html#set={re.sub(r'[ ]+', '_', tag)}")


def mapping_table(
    data: Any,
    key: str,
    value: str,
    *,
    total: bool = False,
    sort: bool = False,
    link_tag: Any = None,
) -> MarkdownTable:
    """A two-column table from a ``{name: count}`` mapping (e.g. records per database).

    ``link_tag(name)`` gives the explorer set of a row's records: its count becomes a link.
    """
    import polars as pl

    if not isinstance(data, Mapping) or not data:
        return MarkdownTable("*Not yet available.*")
    items = list(data.items())
    if sort:
        items.sort(
            key=lambda kv: (-kv[1], kv[0]) if isinstance(kv[1], (int, float)) else (0, kv[0])
        )
    names = [str(k).replace("_", " ") for k, _ in items]
    values = [v for _, v in items]
    if total and all(isinstance(v, (int, float)) for v in values):
        names.append("Total")
        values.append(sum(values))
    if link_tag is not None:
        keys = [k for k, _ in items] + (["Total"] if len(values) > len(items) else [])
        shown = [
            explorer_link(v, link_tag(k)) if link_tag(k) else str(v)
            for k, v in zip(keys, values, strict=True)
        ]
        return pipe_table(pl.DataFrame({key: names, value: shown}), right=[value])
    return md_table(pl.DataFrame({key: names, value: values}))


class ImageFile:
    """An image file shown as a figure: the builtin renderer uses the file itself (SVG stays
    vector); Quarto/Jupyter display it through ``_repr_markdown_``."""

    def __init__(self, relpath: str) -> None:
        self.relpath = relpath
        self.path = (results_dir() / relpath).resolve()

    def exists(self) -> bool:
        return self.path.is_file()

    @property
    def reco_image_path(self) -> Path | None:
        return self.path if self.exists() else None

    def _repr_markdown_(self) -> str:
        if not self.exists():
            return f"*Not yet produced: `results/{self.relpath}` (its stage has not run).*"
        return f"![]({self.path.as_posix()})"


def image_file(relpath: str) -> ImageFile:
    """An image under results/ (e.g. a stage's SVG figure) to show as a numbered figure."""
    return ImageFile(relpath)


def figure_from_file(relpath: str) -> Any:
    """An image file under results/ as an open matplotlib figure, or a text figure when absent."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.image as mpimg
    import matplotlib.pyplot as plt

    path = results_dir() / relpath
    if not path.is_file():
        fig = plt.figure(figsize=(6, 0.8))
        fig.text(0.02, 0.5, f"Not yet produced: results/{relpath}", va="center", fontsize=9)
        return fig
    img = mpimg.imread(path)
    h, w = img.shape[:2]
    fig = plt.figure(figsize=(7, 7 * h / w))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(img)
    ax.axis("off")
    return fig
