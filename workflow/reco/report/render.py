"""Render a report ``.qmd`` to self-contained HTML, DOCX (Word tables, captions) and PDF (via Typst).

Engines (config ``report.engine``):

* ``builtin`` — :mod:`reco.report.qmd` executes the document, then pandoc (shipped inside the
  ``pypandoc-binary`` wheel) writes HTML and DOCX, and pandoc → Typst → PDF uses the ``typst``
  wheel (fonts included; no LaTeX).
* ``quarto`` — ``quarto render`` (needs a ``quarto`` binary on PATH).
* ``auto`` — ``quarto`` when the binary is on PATH, else ``builtin``.

Rebuilds are byte-identical: the document date comes from config, ``SOURCE_DATE_EPOCH`` is set
from it for pandoc's DOCX archive, and the Typst PDF carries that date.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from reco.errors import ConfigError, InputError
from reco.fileio import atomic_open, atomic_path
from reco.progress import step

FORMATS = ("html", "pdf", "docx")
ENGINES = ("auto", "quarto", "builtin")

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 60em; margin: 2em auto;
       line-height: 1.45; color: #111; padding: 0 1em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
th, td { border-top: 1px solid #999; border-bottom: 1px solid #999; padding: 0.25em 0.6em;
         vertical-align: top; }
thead th { border-bottom: 2px solid #333; background: #eee; }
caption, figcaption { text-align: left; font-size: 0.95em; margin: 0.4em 0; }
figure { margin: 1.2em 0; }
img { max-width: 100%; }
.callout, .reco-missing { border-left: 4px solid #777; background: #f2f2f2; padding: 0.4em 0.8em; }
.callout-warning { border-left: 4px solid #b35900; background: #fff4e5; padding: 0.4em 0.8em; }
code { font-size: 0.9em; }
.reco-prisma-links a text { fill: #003a80; text-decoration: underline; }
.reco-prisma-links summary { cursor: pointer; color: #003a80; margin: 0.5em 0; }
"""

#: Typst set rules added to the document: the builtin renderer numbers captions itself.
TYPST_HEADER = """#set figure(numbering: none)
#show figure: set block(breakable: true)
#set table(stroke: (x, y) => (top: if y <= 1 { 0.8pt + black } else { 0.4pt + luma(170) }, bottom: 0.4pt + luma(170)))
#show table: set text(size: 8.5pt, hyphenate: false)
#show table: set par(justify: false)
#show figure.caption: set align(left)
"""


def choose_engine(engine: str) -> str:
    """Resolve ``auto`` to ``quarto`` (binary on PATH) or ``builtin``."""
    if engine not in ENGINES:
        raise ConfigError(
            f"unknown report engine {engine!r}",
            file="config/config.yaml",
            fix=f"set report.engine to one of {', '.join(ENGINES)}",
        )
    if engine == "auto":
        return "quarto" if shutil.which("quarto") else "builtin"
    if engine == "quarto" and not shutil.which("quarto"):
        raise ConfigError(
            "report.engine is 'quarto' but no quarto binary is on PATH",
            file="config/config.yaml",
            fix="install Quarto (https://quarto.org) or set report.engine: builtin (or auto)",
        )
    return engine


def epoch(date: str) -> int:
    """Seconds since 1970 for a YYYY-MM-DD date (for SOURCE_DATE_EPOCH)."""
    try:
        day = dt.date.fromisoformat(str(date))
    except ValueError as exc:
        raise ConfigError(
            f"report.date {date!r} is not a date",
            file="config/config.yaml",
            fix="write it as YYYY-MM-DD",
        ) from exc
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def pandoc(args: list[str], env: dict[str, str], cwd: Path) -> None:
    import pypandoc

    exe = pypandoc.get_pandoc_path()
    proc = subprocess.run([exe, *args], cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise InputError(
            f"pandoc failed: {proc.stderr.strip()}",
            file=args[0],
            fix="check the Markdown written beside the output (reports' executed .md)",
        )


def render_builtin(
    qmd: Path,
    out_dir: Path,
    formats: Iterable[str],
    *,
    date: str,
    numbers: Path,
    results: Path,
    title: str | None = None,
) -> list[Path]:
    """Execute ``qmd`` with the builtin engine and write ``<stem>.md`` plus the requested formats."""
    from reco.report import qmd as qmd_mod

    formats = list(formats)
    out_dir = out_dir.resolve()
    stem = qmd.stem
    fig_dir = out_dir / f"{stem}_files"
    env_vars = {"RECO_NUMBERS": str(numbers.resolve()), "RECO_RESULTS": str(results.resolve())}
    saved = {k: os.environ.get(k) for k in env_vars}
    os.environ.update(env_vars)
    try:
        step(f"executing {qmd}")
        overrides = {"date": str(date)} | ({"title": title} if title else {})
        result = qmd_mod.execute(qmd, fig_dir, meta_overrides=overrides)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    md = out_dir / f"{stem}.md"
    # figure paths relative to the Markdown file, so the .md is portable with its _files folder
    markdown = result.markdown.replace(fig_dir.as_posix() + "/", f"{stem}_files/")
    with atomic_open(md) as handle:
        handle.write(markdown)
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch(date)))
    written = [md]
    common = [md.name, "--from", "markdown", "--resource-path", str(out_dir)]
    if "html" in formats:
        css = out_dir / f".{stem}.css"
        css.write_text(CSS, encoding="utf-8")
        target = out_dir / f"{stem}.html"
        try:
            with atomic_path(target) as tmp:
                pandoc(
                    [
                        *common,
                        "--to",
                        "html5",
                        "--standalone",
                        "--embed-resources",
                        "--toc",
                        "--css",
                        css.name,
                        "--metadata",
                        "lang=en-GB",
                        "-o",
                        str(tmp),
                    ],
                    env,
                    out_dir,
                )
        finally:
            css.unlink(missing_ok=True)
        written.append(target)
    if "docx" in formats:
        target = out_dir / f"{stem}.docx"
        with atomic_path(target) as tmp:
            pandoc(
                [*common, "--to", "docx", "--toc", "-o", str(tmp.with_suffix(".docx"))],
                env,
                out_dir,
            )
            word_caption_fields(tmp.with_suffix(".docx"), tmp)
            tmp.with_suffix(".docx").unlink()
        written.append(target)
    if "pdf" in formats:
        written.append(_pdf(md, out_dir, stem, env, date))
    return written


CAPTION_NUMBER = re.compile(
    r'(<w:pStyle w:val="(?:TableCaption|ImageCaption)" /></w:pPr><w:r><w:rPr><w:b /><w:bCs /></w:rPr>)'
    r'<w:t xml:space="preserve">(Table|Figure) (\d+)</w:t></w:r>'
)


def word_caption_fields(src: Path, dst: Path) -> int:
    """Make numbered captions Word caption fields: "Table 2" becomes "Table {SEQ Table \\r 2}".

    The number stays as printed (``\\r`` sets the sequence to it, so HTA numbers survive) and Word
    can build a list of tables or figures from the captions. Non-numeric labels (R1, A1) stay text.
    The archive is rewritten entry by entry with the same names, dates and compression (byte-stable).
    Returns the number of captions converted.
    """
    import zipfile

    converted = 0

    def field(m: re.Match[str]) -> str:
        nonlocal converted
        converted += 1
        head, word, num = m.group(1), m.group(2), m.group(3)
        bold = "<w:rPr><w:b /><w:bCs /></w:rPr>"
        return (
            f'{head}<w:t xml:space="preserve">{word} </w:t></w:r>'
            f'<w:fldSimple w:instr=" SEQ {word} \\r {num} \\* ARABIC ">'
            f"<w:r>{bold}<w:t>{num}</w:t></w:r></w:fldSimple>"
        )

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = CAPTION_NUMBER.sub(field, data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data, compress_type=info.compress_type)
    return converted


def _pdf(md: Path, out_dir: Path, stem: str, env: dict[str, str], date: str) -> Path:
    import typst

    header = out_dir / f".{stem}.header.typ"
    header.write_text(TYPST_HEADER, encoding="utf-8")
    typ = out_dir / f"{stem}.typ"
    try:
        with atomic_path(typ) as tmp:
            pandoc(
                [
                    md.name,
                    "--from",
                    "markdown",
                    "--to",
                    "typst",
                    "--standalone",
                    "--include-in-header",
                    header.name,
                    "--toc",
                    "-V",
                    "papersize=a4",
                    "-V",
                    "fontsize=10pt",
                    "-V",
                    "section-numbering=1.1",
                    "-o",
                    str(tmp),
                ],
                env,
                out_dir,
            )
    finally:
        header.unlink(missing_ok=True)
    day = dt.date.fromisoformat(str(date))
    target = out_dir / f"{stem}.pdf"
    with atomic_path(target) as tmp:
        try:
            pdf = typst.compile(
                str(typ), root=str(out_dir), ignore_system_fonts=True, **_typst_date_kwargs(day)
            )
        except Exception as exc:  # noqa: BLE001 - typst raises its own error type
            raise InputError(
                f"typst could not compile the report: {exc}",
                file=typ,
                fix="see the .typ file beside the output for the offending line",
            ) from exc
        Path(tmp).write_bytes(pdf)
    return target


def _typst_date_kwargs(day: dt.date) -> dict[str, object]:
    """typst-py accepts a creation timestamp in recent versions; older ones do not."""
    import inspect

    import typst

    try:
        params = inspect.signature(typst.compile).parameters
    except (TypeError, ValueError):
        return {}
    stamp = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
    for name in ("timestamp", "creation_timestamp"):
        if name in params:
            return {name: stamp}
    return {}


def render_quarto(
    qmd: Path,
    out_dir: Path,
    formats: Iterable[str],
    *,
    date: str,
    numbers: Path,
    title: str | None = None,
) -> list[Path]:
    """Render with the Quarto CLI (html, docx, and typst for PDF) into ``out_dir``."""
    written = []
    env = dict(os.environ, RECO_NUMBERS=str(numbers.resolve()), SOURCE_DATE_EPOCH=str(epoch(date)))
    for fmt in formats:
        to = "typst" if fmt == "pdf" else fmt
        proc = subprocess.run(
            [
                "quarto",
                "render",
                str(qmd),
                "--to",
                to,
                "-M",
                f"date:{date}",
                *(["-M", f"title:{title}"] if title else []),
                "--output-dir",
                str(out_dir.resolve()),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise InputError(
                f"quarto render failed: {proc.stderr.strip()[-2000:]}",
                file=qmd,
                fix="run the same with report.engine: builtin to compare, or fix the .qmd",
            )
        written.append(out_dir / f"{qmd.stem}.{fmt}")
    return written


def render(
    qmd: str | Path,
    out_dir: str | Path,
    *,
    formats: Iterable[str] = FORMATS,
    engine: str = "auto",
    date: str,
    numbers: str | Path,
    results: str | Path = "results",
    title: str | None = None,
) -> list[Path]:
    """Render one report; returns the files written. ``title`` replaces the document's own."""
    qmd, out_dir = Path(qmd), Path(out_dir)
    formats = list(formats)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ConfigError(
            f"unknown report format(s) {', '.join(bad)}",
            file="config/config.yaml",
            fix=f"report.formats may contain {', '.join(FORMATS)}",
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen = choose_engine(engine)
    step(f"rendering {qmd} with the {chosen} engine to {', '.join(formats)}")
    if chosen == "quarto":
        return render_quarto(qmd, out_dir, formats, date=date, numbers=Path(numbers), title=title)
    return render_builtin(
        qmd, out_dir, formats, date=date, numbers=Path(numbers), results=Path(results), title=title
    )
