"""The PRISMA 2020 flow diagram, drawn from ``numbers.json`` (its ``prisma`` section) with matplotlib.

Boxes, in PRISMA 2020's phases: records identified from databases (one line per database) and from
other methods, records removed before screening (duplicates); records screened and excluded (with
reasons) at the root stage, then for each later stage the reports assessed and excluded (with
reasons); the studies included. A review whose screening branches after the root stage (RECO: the
literature mapping and the realist synthesis) gets one Screening and one Included part per branch.
Reports sought and not retrieved are not drawn: the screening logs do not record retrieval. Parts
whose stage has not run say so.

Output is byte-deterministic (fixed ``svg.hashsalt``, no dates in the metadata) and readable in
greyscale (black text and lines on white and light grey). SVG text stays text (``svg.fonttype:
none``), so every count in the diagram can be checked against ``numbers.json`` by parsing the SVG.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reco.fileio import atomic_path

NA = "n/a"
#: Characters per line in a box before wrapping (8 pt DejaVu Sans in a 3.8-inch box).
WRAP = 60
STYLE = {
    "svg.hashsalt": "reco-prisma",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
}


@dataclass
class Box:
    """One box: a bold heading line with its count, then detail lines (e.g. per database)."""

    title: str
    n: Any
    lines: list[str] = field(default_factory=list)
    key: str = ""  # what the count is (used for links to the records behind it)
    link: str | None = None
    line_keys: list[str] = field(default_factory=list)  # one per detail line (links too)

    def text_lines(self) -> list[str]:
        return [f"{self.title} (n = {fmt(self.n)})", *self.lines]

    def visual_lines(self, width: int = WRAP) -> list[tuple[str, str, bool]]:
        """(text, link key, is heading) per printed line; long lines wrap, indented."""
        import re
        import textwrap

        out = []
        for i, text in enumerate(self.text_lines()):
            key = (
                self.key
                if i == 0
                else (self.line_keys[i - 1] if i - 1 < len(self.line_keys) else "")
            )
            keep = re.sub(r"\(n = (\S+)\)$", "(n\u00a0=\u00a0\\1)", text)  # count stays whole
            parts = textwrap.wrap(keep, width - (6 if i == 0 else 0), subsequent_indent="   ")
            out += [(part.replace("\u00a0", " "), key, i == 0) for part in parts or [""]]
        return out


def fmt(n: Any) -> str:
    return NA if n is None else str(n)


def _slug(text: str) -> str:
    import re

    return re.sub(r"\s+", "_", str(text).strip())


def humanise(name: str) -> str:
    """A stage or reason name for print: a slug (``not_smi``) spelt out, free text kept as written
    (hyphens in "co-occurring" or "re-reading" stay), first letter capitalised."""
    text = str(name).strip()
    if " " not in text:
        text = text.replace("_", " ").replace("-", " ")
    return text[:1].upper() + text[1:]


def _stage_rows(
    stage: Mapping[str, Any], *, root: bool, source: str | None = None
) -> tuple[Box, Box]:
    """The main and side boxes of one screening stage.

    The root stage screens records (titles and abstracts); later stages assess reports (full
    texts), as PRISMA 2020 names them. ``source`` says where a parallel branch's reports come from.
    """
    label = str(stage.get("label") or humanise(stage["name"]))
    lines = [label] + ([f"Reports of the records included at {source}"] if source else [])
    main = Box(
        "Records screened" if root else "Reports assessed for eligibility",
        stage["screened"],
        lines,
        key=f"screened:{stage['name']}",
    )
    items = sorted(stage["reasons"].items())
    reasons = [f"{humanise(r)} (n = {n})" for r, n in items]
    side = Box(
        "Records excluded" if root else "Reports excluded",
        stage["excluded"],
        reasons,
        key=f"excluded:{stage['name']}",
        line_keys=[f"excluded:{stage['name']}:{_slug(r)}" for r, _ in items],
    )
    return main, side


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def layout(prisma: Mapping[str, Any]) -> list[tuple[str, list[Box | None], str]]:
    """The diagram's rows, top to bottom: (phase band, [main box or None, side box or None], link).

    The phases are PRISMA 2020's: Identification (records identified, records removed before
    screening), Screening (records screened, reports assessed) and Included. After the root
    screening stage each branch (e.g. literature mapping, realist synthesis) runs its own
    Screening and Included rows. ``link`` says how a row's main box is reached: ``"down"`` (arrow
    from the main box above), ``"branch"`` (from the root screening stage, for a parallel branch),
    ``"pass"`` (no main box: the line from above passes by, feeding the side box) or ``""``.
    """
    ident = prisma.get("identification") or {}
    dedup = prisma.get("dedup") or {}
    rows: list[tuple[str, list[Box | None], str]] = []
    if ident.get("available"):
        db = Box(
            "Records identified from databases",
            ident["databases_total"],
            [f"{name} (n = {n})" for name, n in ident["databases"].items()],
            key="identified_databases",
            line_keys=[f"db:{_slug(name)}" for name in ident["databases"]],
        )
        other = Box(
            "Records identified from other methods",
            ident["other_total"],
            [f"{name} (n = {n})" for name, n in ident["other_methods"].items()],
            key="identified_other",
            line_keys=[f"db:{_slug(name)}" for name in ident["other_methods"]],
        )
    else:
        db = Box("Records identified from databases", None, ["ingest stage has not run"])
        other = Box("Records identified from other methods", None, ["ingest stage has not run"])
    rows.append(("Identification", [db, other], ""))
    available = bool(dedup.get("available"))
    removed_n = dedup["duplicates_removed"] if available else None
    removed = Box(
        "Records removed before screening",
        removed_n,
        [f"Duplicate records removed (n = {fmt(removed_n)})"]
        + ([] if available else ["dedup stage has not run"]),
        key="duplicates",
        line_keys=["duplicates"],
    )
    rows.append(("Identification", [None, removed], "pass"))
    stages = {s["name"]: s for s in prisma.get("screening") or []}
    root = prisma.get("root")
    if not root or root not in stages:
        rows.append(
            (
                "Included",
                [Box("Studies included in review", None, ["screening has not run"]), None],
                "down",
            )
        )
        return rows
    main, side = _stage_rows(stages[root], root=True)
    if (
        available
        and dedup.get("unique") is not None
        and dedup["unique"] != stages[root]["screened"]
    ):
        main.lines.append(f"Records after duplicates removed: {dedup['unique']}")
    rows.append(("Screening", [main, side], "down"))
    chains = prisma.get("branches") or []
    if not chains:
        rows.append(("Included", [Box("Studies included", stages[root]["included"]), None], "down"))
        return rows
    root_label = _lower_first(str(stages[root].get("label") or humanise(root)))
    for k, chain in enumerate(chains):
        for i, name in enumerate(chain):
            link = ("down" if k == 0 else "branch") if i == 0 else "down"
            source = root_label if i == 0 and len(chains) > 1 else None
            rows.append(
                ("Screening", list(_stage_rows(stages[name], root=False, source=source)), link)
            )
        last = stages[chain[-1]]
        what = (
            f"Included in the {humanise(chain[0].split('_')[0]).lower()}"
            if len(chains) > 1
            else "Studies included in review"
        )
        rows.append(
            (
                "Included",
                [Box(what, last["included"], key=f"included:{last['name']}"), None],
                "down",
            )
        )
    return rows


def draw(prisma: Mapping[str, Any], svg: str | Path, png: str | Path | None = None) -> list[Path]:
    """Draw the flow diagram to ``svg`` (and ``png``); returns the files written."""
    import matplotlib.pyplot as plt

    with plt.rc_context(STYLE):
        fig = figure(prisma)
        written = []
        with atomic_path(svg) as tmp:
            fig.savefig(tmp, format="svg", metadata={"Date": None})
        written.append(Path(svg))
        if png is not None:
            with atomic_path(png) as tmp:
                fig.savefig(tmp, format="png", dpi=200, metadata={"Software": None})
            written.append(Path(png))
        plt.close(fig)
    return written


def figure(prisma: Mapping[str, Any], links: Mapping[str, str] | None = None) -> Any:
    """The flow diagram as an open matplotlib figure (reports show it; :func:`draw` saves it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    rows = layout(prisma)
    links = links or {}
    line_h = 0.19  # inches per text line
    pad = 0.12
    width = 8.6
    band_w = 0.35
    box_w = 3.8
    col_x = [band_w + 0.25, band_w + 0.25 + box_w + 0.25]
    trunk_x = band_w + 0.17

    def height(box: Box | None) -> float:
        return 0.0 if box is None else len(box.visual_lines()) * line_h + 2 * pad

    gap = 0.45
    # A one-box row (the Included boxes) is tall enough for its band's rotated label.
    min_single = 0.62
    heights = [
        max([height(b) for b in boxes] + ([min_single] if boxes[1:] == [None] else []))
        for _, boxes, _ in rows
    ]
    total_h = sum(heights) + gap * (len(rows) - 1) + 0.4
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(width, total_h))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, width)
        ax.set_ylim(0, total_h)
        ax.axis("off")
        y = total_h - 0.2
        placed: list[list[tuple[float, float] | None]] = []  # per row, per column: (top, bottom)
        bands: list[list[Any]] = []  # [phase, top, bottom]
        for (phase, boxes, _), h in zip(rows, heights, strict=True):
            row: list[tuple[float, float] | None] = []
            for col, box in enumerate(boxes):
                if box is None:
                    row.append(None)
                    continue
                bh = h if boxes[1:] == [None] else height(box)  # a lone box fills its row
                x0 = col_x[col]
                ax.add_patch(
                    FancyBboxPatch(
                        (x0, y - bh),
                        box_w,
                        bh,
                        boxstyle="square,pad=0",
                        linewidth=1.0,
                        edgecolor="black",
                        facecolor="white" if col == 0 else "#eeeeee",
                    )
                )
                for i, (text, key, heading) in enumerate(box.visual_lines()):
                    t = ax.text(
                        x0 + 0.1,
                        y - pad - (i + 0.75) * line_h,
                        text,
                        fontsize=8.5 if heading else 8,
                        fontweight="bold" if heading else "normal",
                        color="black",
                        va="baseline",
                        ha="left",
                    )
                    t.set_gid(f"prisma-{box.key or 'box'}-{i}")
                    if key and key in links:
                        t.set_url(links[key])
                row.append((y, y - bh))
            if bands and bands[-1][0] == phase:
                bands[-1][2] = y - h
            else:
                bands.append([phase, y, y - h])
            placed.append(row)
            y -= h + gap
        for phase, top, bottom in bands:
            ax.add_patch(
                FancyBboxPatch(
                    (0.1, bottom),
                    band_w,
                    top - bottom,
                    boxstyle="round,pad=0,rounding_size=0.08",
                    facecolor="#bbbbbb",
                    edgecolor="black",
                    linewidth=0.8,
                )
            )
            ax.text(
                0.1 + band_w / 2,
                (top + bottom) / 2,
                phase,
                rotation=90,
                ha="center",
                va="center",
                fontsize=9 if top - bottom > 1.0 else 7.5,
                fontweight="bold",
            )

        def arrow(x1: float, y1: float, x2: float, y2: float) -> None:
            ax.add_patch(
                FancyArrowPatch(
                    (x1, y1),
                    (x2, y2),
                    arrowstyle="-|>",
                    mutation_scale=10,
                    color="black",
                    linewidth=1.0,
                    shrinkA=0,
                    shrinkB=0,
                )
            )

        mid = col_x[0] + box_w / 2
        right_mid = col_x[1] + box_w / 2
        root_row = 2 if len(rows) > 2 else None
        above = placed[0][0]  # the last main box drawn: where a "down" arrow starts
        for k in range(1, len(rows)):
            _, boxes, link = rows[k]
            main = placed[k][0]
            if link == "pass":  # records removed before screening: fed from the passing line
                join_y = placed[0][0][1] - gap / 2  # the other methods join the databases' line
                ax.plot(
                    [right_mid, right_mid, mid],
                    [placed[0][1][1], join_y, join_y],
                    color="black",
                    lw=1.0,
                )
                side = placed[k][1]
                yy = side[0] - line_h
                arrow(mid, yy, col_x[1], yy)
                continue
            if link == "down":
                arrow(mid, above[1], mid, main[0])
            elif link == "branch" and root_row is not None:
                start_y = placed[root_row][0][1]
                ty = main[0] - line_h
                ax.plot(
                    [mid, mid, trunk_x, trunk_x],
                    [start_y, start_y - gap / 3, start_y - gap / 3, ty],
                    color="black",
                    lw=1.0,
                )
                arrow(trunk_x, ty, col_x[0], ty)
            if len(placed[k]) > 1 and placed[k][1] is not None:
                yy = min(main[0], placed[k][1][0]) - line_h
                arrow(col_x[0] + box_w, yy, col_x[1], yy)
            above = main
    return fig


def svg_text(prisma: Mapping[str, Any], links: Mapping[str, str] | None = None) -> str:
    """The diagram as inline SVG markup (no XML prolog), with ``links`` (count key -> URL)."""
    import io

    import matplotlib.pyplot as plt

    with plt.rc_context(STYLE):
        fig = figure(prisma, links)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
        plt.close(fig)
    text = buf.getvalue()
    # SVG 2 `href` (browsers follow it in inline SVG; matplotlib writes the older xlink:href)
    # and follow links in the same page (matplotlib opens them in a new window)
    text = text[text.index("<svg") :].replace("<a xlink:href=", "<a href=")
    return text.replace(' target="_blank"', "")


def svg_counts(svg: str | Path) -> list[str]:
    """The text lines of a PRISMA SVG (for checks: every box's "(n = N)" is readable here)."""
    import re
    import xml.etree.ElementTree as ET

    tree = ET.parse(svg)
    texts = []
    for el in tree.iter():
        if el.tag.endswith("text"):
            content = "".join(el.itertext()).strip()
            if content:
                texts.append(re.sub(r"\s+", " ", content))
    return texts
