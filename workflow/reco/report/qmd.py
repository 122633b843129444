"""The builtin Quarto-subset executor: run a ``.qmd`` file's Python and emit pandoc Markdown.

Used when no ``quarto`` binary is installed (the default on a fresh machine). It supports the subset
of Quarto documented in ``docs/quarto-subset.md``:

* YAML front matter (``title``, ``subtitle``, ``author``, ``date``, ``lang``, ``execute.echo``);
  other keys are kept and passed to pandoc as metadata.
* Python chunks (```` ```{python} ````) run in order in ONE namespace, with ``#|`` options:
  ``echo``, ``eval``, ``output`` (``true``/``false``/``asis``), ``include``, ``label``,
  ``fig-cap``, ``tbl-cap``, ``fig-alt``, ``fig-width``/``fig-height`` (inches), and the reco
  extension ``fig-num``/``tbl-num`` (the printed number, e.g. ``"5"`` to follow the HTA report).
* Inline values: ```` `{python} expr` ```` in prose, evaluated in the same namespace.
* Cross-references ``@fig-x``/``@tbl-x`` (also ``[@tbl-x]`` and ``-@tbl-x``, number only), resolved
  to "Figure N"/"Table N" links. Figures and tables are numbered in document order, by their chunk
  label or by a ``{#fig-x}`` attribute on a Markdown image.

Chunk output: printed text (a code block, or raw Markdown with ``output: asis``), the value of a
final expression (Markdown when it has ``_repr_markdown_``, as in Jupyter), and every matplotlib
figure left open by the chunk (saved as PNG, byte-stable, then closed).
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reco.errors import InputError, ParseError

CHUNK_START = re.compile(r"^(?P<fence>`{3,})\{python(?P<rest>[^}]*)\}\s*$")
FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})")
OPTION = re.compile(r"^#\|\s?(.*)$")
INLINE = re.compile(r"`\{python\}\s+(?P<expr>[^`]+?)`")
XREF = re.compile(
    r"(?P<bracket>\[)?(?P<minus>-)?@(?P<kind>fig|tbl)-(?P<name>[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*)(?(bracket)\])"
)
IMAGE_LABEL = re.compile(
    r"!\[(?P<cap>[^\]]*)\]\((?P<src>[^)]+)\)\{#(?P<kind>fig|tbl)-(?P<name>[A-Za-z0-9_-]+)(?P<attrs>[^}]*)\}"
)
KIND_WORD = {"fig": "Figure", "tbl": "Table"}


@dataclass
class Chunk:
    """One Python chunk: its code, ``#|`` options and first line in the source (1-based)."""

    code: str
    options: dict[str, Any]
    line: int
    n_options: int = 0  # number of ``#|`` lines before the code


@dataclass
class Document:
    """A parsed ``.qmd``: front matter and a list of parts (prose strings and chunks)."""

    meta: dict[str, Any]
    parts: list[str | Chunk]
    path: Path
    prose_lines: list[int] = field(default_factory=list)  # first source line of each part


def parse(text: str, path: str | Path = "<qmd>") -> Document:
    """Split a ``.qmd`` source into front matter, prose and Python chunks."""
    path = Path(path)
    lines = text.splitlines()
    meta: dict[str, Any] = {}
    start = 0
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                try:
                    meta = yaml.safe_load("\n".join(lines[1:i])) or {}
                except yaml.YAMLError as exc:
                    raise ParseError(
                        f"front matter is not valid YAML: {exc}",
                        file=path,
                        line=2,
                        fix="fix the YAML between the two '---' lines at the top",
                    ) from exc
                start = i + 1
                break
        else:
            raise ParseError(
                "front matter is not closed", file=path, line=1, fix="add a closing '---' line"
            )
    parts: list[str | Chunk] = []
    starts: list[int] = []
    prose: list[str] = []
    prose_start = start + 1
    i = start
    while i < len(lines):
        line = lines[i]
        m = CHUNK_START.match(line)
        if m:
            if prose:
                parts.append("\n".join(prose))
                starts.append(prose_start)
                prose = []
            fence = m.group("fence")
            body: list[str] = []
            j = i + 1
            while j < len(lines) and lines[j].strip() != fence:
                body.append(lines[j])
                j += 1
            if j >= len(lines):
                raise ParseError(
                    "Python chunk is not closed",
                    file=path,
                    line=i + 1,
                    fix=f"add a line with {fence} after the chunk's code",
                )
            parts.append(_chunk(body, path, i + 1))
            starts.append(i + 1)
            i = j + 1
            prose_start = i + 1
            continue
        f = FENCE.match(line)
        if f:  # an ordinary code block: copied verbatim, never scanned for inline code
            fence = f.group("fence")
            prose.append(line)
            i += 1
            while i < len(lines) and not lines[i].startswith(fence):
                prose.append(lines[i])
                i += 1
            if i < len(lines):
                prose.append(lines[i])
            i += 1
            continue
        prose.append(line)
        i += 1
    if prose:
        parts.append("\n".join(prose))
        starts.append(prose_start)
    return Document(meta=meta, parts=parts, path=path, prose_lines=starts)


def _chunk(body: list[str], path: Path, line: int) -> Chunk:
    opts: list[str] = []
    k = 0
    while k < len(body) and OPTION.match(body[k]):
        opts.append(OPTION.match(body[k]).group(1))
        k += 1
    try:
        options = yaml.safe_load("\n".join(opts)) or {} if opts else {}
    except yaml.YAMLError as exc:
        raise ParseError(
            f"chunk options are not valid YAML: {exc}",
            file=path,
            line=line + 1,
            fix="write each option as '#| key: value'",
        ) from exc
    if not isinstance(options, dict):
        raise ParseError(
            "chunk options must be 'key: value' pairs",
            file=path,
            line=line + 1,
            fix="use '#| key: value'",
        )
    return Chunk(code="\n".join(body[k:]), options=options, line=line, n_options=k)


def prose_text(text: str) -> list[tuple[int, str]]:
    """The prose lines of a ``.qmd`` (no front matter, no code blocks), with line numbers.

    Used by the tests that check every numeral in the prose comes from ``numbers.json``.
    """
    doc = parse(text)
    out: list[tuple[int, str]] = []
    for part, first in zip(doc.parts, doc.prose_lines, strict=True):
        if isinstance(part, Chunk):
            continue
        in_fence = None
        for offset, line in enumerate(part.splitlines()):
            f = FENCE.match(line)
            if in_fence:
                if line.startswith(in_fence):
                    in_fence = None
                continue
            if f:
                in_fence = f.group("fence")
                continue
            out.append((first + offset, line))
    return out


def inline_expressions(text: str) -> list[tuple[int, str]]:
    """Every inline ```{python} expr``` in the prose, with its line number."""
    return [
        (number, m.group("expr").strip())
        for number, line in prose_text(text)
        for m in INLINE.finditer(line)
    ]


@dataclass
class Result:
    """What executing a document gives: pandoc Markdown, metadata and the figure files written."""

    markdown: str
    meta: dict[str, Any]
    figures: list[Path]
    labels: dict[str, str]  # "tbl-x" -> "Table 2"


class _Executor:
    def __init__(self, doc: Document, fig_dir: Path, namespace: dict[str, Any] | None) -> None:
        self.doc = doc
        self.fig_dir = fig_dir
        self.ns: dict[str, Any] = {"__name__": "__qmd__"}
        if namespace:
            self.ns.update(namespace)
        execute = doc.meta.get("execute") or {}
        self.default_echo = bool(execute.get("echo", True))
        self.figures: list[Path] = []
        self.numbers: dict[str, str] = {}
        self.counters = {"fig": 0, "tbl": 0}
        self.refs: list[tuple[int, str]] = []  # (source line, label) of every cross-reference

    # numbering -----------------------------------------------------------------------------
    def number(self, kind: str, name: str, explicit: Any, line: int) -> str:
        key = f"{kind}-{name}"
        if key in self.numbers:
            raise ParseError(
                f"label {key!r} is defined twice",
                file=self.doc.path,
                line=line,
                fix="give every figure and table a unique label",
            )
        if explicit is not None:
            text = str(explicit)
            if text.isdigit():
                self.counters[kind] = int(text)
        else:
            self.counters[kind] += 1
            text = str(self.counters[kind])
        self.numbers[key] = f"{KIND_WORD[kind]} {text}"
        return self.numbers[key]

    # execution -----------------------------------------------------------------------------
    def run_code(self, code: str, chunk_line: int) -> tuple[str, Any]:
        """Execute code; return printed output and the value of a final bare expression."""
        tree = ast.parse(code, filename=str(self.doc.path))
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        buf = io.StringIO()
        value = None
        with contextlib.redirect_stdout(buf):
            exec(compile(tree, f"{self.doc.path}:chunk@{chunk_line}", "exec"), self.ns)
            if last is not None:
                value = eval(compile(last, f"{self.doc.path}:chunk@{chunk_line}", "eval"), self.ns)
        return buf.getvalue(), value

    def chunk(self, chunk: Chunk) -> str:
        o = chunk.options
        echo = bool(o.get("echo", self.default_echo))
        output = o.get("output", True)
        label = str(o.get("label", "") or "")
        blocks: list[str] = []
        if echo:
            blocks.append(f"```python\n{chunk.code.strip()}\n```")
        if o.get("eval", True) is False:
            return "\n\n".join(blocks) if o.get("include", True) else ""
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt

            before = set(plt.get_fignums())
        except ImportError:  # pragma: no cover - matplotlib is a dependency
            plt, before = None, set()
        try:
            printed, value = self.run_code(chunk.code, chunk.line)
        except Exception as exc:  # noqa: BLE001 - reported with the chunk's location
            lineno = getattr(exc, "lineno", None)
            tb = exc.__traceback__
            while tb is not None:
                if tb.tb_frame.f_code.co_filename.endswith(f":chunk@{chunk.line}"):
                    lineno = tb.tb_lineno
                tb = tb.tb_next
            where = chunk.line + chunk.n_options + (lineno or 0)
            raise InputError(
                f"Python chunk failed: {type(exc).__name__}: {exc}",
                file=self.doc.path,
                line=where if lineno else chunk.line,
                fix="fix the chunk's code or run the stage whose output it reads",
            ) from exc
        if not o.get("include", True):
            if plt is not None:
                for num in set(plt.get_fignums()) - before:
                    plt.close(num)
            return ""
        outputs: list[str] = []
        if output is not False:
            if printed.strip():
                outputs.append(printed.rstrip("\n") if output == "asis" else _codeblock(printed))
            image = getattr(value, "reco_image_path", None)
            if image is not None and label.startswith("fig-"):
                numbered = self.number("fig", label[4:], o.get("fig-num"), chunk.line)
                cap = f"**{numbered}** {o.get('fig-cap', '')}"
                alt = o.get("fig-alt", "")
                self.fig_dir.mkdir(parents=True, exist_ok=True)
                copy = self.fig_dir / f"{label}{Path(image).suffix}"
                copy.write_bytes(Path(image).read_bytes())  # beside the other figures
                self.figures.append(copy)
                outputs.append(f'![{cap}]({copy.as_posix()}){{#{label} fig-alt="{alt}"}}')
                value = None
            if value is not None:
                if hasattr(value, "_repr_markdown_"):
                    outputs.append(value._repr_markdown_())
                elif output == "asis":
                    outputs.append(str(value))
                elif not _is_figure(value):
                    outputs.append(_codeblock(repr(value)))
        new_figs = sorted(set(plt.get_fignums()) - before) if plt is not None else []
        if label.startswith("tbl-"):
            caption = o.get("tbl-cap", "")
            numbered = self.number("tbl", label[4:], o.get("tbl-num"), chunk.line)
            body = "\n\n".join(outputs)
            if _has_table(body):  # pandoc attaches a "Table:" caption to the table beside it
                inner = f"{body}\n\nTable: **{numbered}** {caption}"
            else:  # no table (e.g. "not yet produced"): the caption as a paragraph, then the note
                inner = f"**{numbered}** {caption}\n\n{body}"
            blocks.append(f"::: {{#{label} .reco-table}}\n\n{inner}\n\n:::")
        else:
            blocks.extend(outputs)
        for k, num in enumerate(new_figs):
            fig = plt.figure(num)
            if o.get("fig-width") or o.get("fig-height"):
                w, h = fig.get_size_inches()
                fig.set_size_inches(float(o.get("fig-width", w)), float(o.get("fig-height", h)))
            stem = label or f"chunk-{chunk.line}"
            suffix = f"-{k + 1}" if len(new_figs) > 1 else ""
            path = self.fig_dir / f"{stem}{suffix}.png"
            self.fig_dir.mkdir(parents=True, exist_ok=True)
            fig.savefig(path, dpi=200, bbox_inches="tight", metadata={"Software": None})
            plt.close(fig)
            self.figures.append(path)
            alt = o.get("fig-alt", "")
            if label.startswith("fig-") and k == 0:
                numbered = self.number("fig", label[4:], o.get("fig-num"), chunk.line)
                cap = f"**{numbered}** {o.get('fig-cap', '')}"
                blocks.append(f'![{cap}]({path.as_posix()}){{#{label} fig-alt="{alt}"}}')
            else:
                blocks.append(f"![{o.get('fig-cap', '')}]({path.as_posix()})")
        if label.startswith("fig-") and label not in self.numbers:
            # no figure (e.g. its stage has not run): keep the number and caption, show the note
            numbered = self.number("fig", label[4:], o.get("fig-num"), chunk.line)
            blocks.append(
                f"::: {{#{label} .reco-figure}}\n\n**{numbered}** {o.get('fig-cap', '')}\n\n:::"
            )
        return "\n\n".join(b for b in blocks if b.strip())

    def prose(self, text: str, first_line: int) -> str:
        out_lines = []
        in_fence = None
        for offset, line in enumerate(text.splitlines()):
            f = FENCE.match(line)
            if in_fence:
                if line.startswith(in_fence):
                    in_fence = None
                out_lines.append(line)
                continue
            if f:
                in_fence = f.group("fence")
                out_lines.append(line)
                continue
            line = INLINE.sub(lambda m, n=first_line + offset: self.inline(m, n), line)
            for m in XREF.finditer(line):
                self.refs.append((first_line + offset, f"{m.group('kind')}-{m.group('name')}"))
            out_lines.append(line)
        text = "\n".join(out_lines)
        return IMAGE_LABEL.sub(lambda m: self.image(m, first_line), text)

    def inline(self, match: re.Match[str], line: int) -> str:
        expr = match.group("expr").strip()
        try:
            value = eval(compile(expr, f"{self.doc.path}:{line}", "eval"), self.ns)
        except Exception as exc:  # noqa: BLE001 - reported with the line
            raise InputError(
                f"inline expression `{{python}} {expr}` failed: {type(exc).__name__}: {exc}",
                file=self.doc.path,
                line=line,
                fix="check the key exists in numbers.json, or run the stage that produces it",
            ) from exc
        return _inline_text(value)

    def image(self, m: re.Match[str], line: int) -> str:
        numbered = self.number(m.group("kind"), m.group("name"), None, line)
        attrs = m.group("attrs")
        num = re.search(r'\b(fig|tbl)-num="?([^"\s]+)"?', attrs)
        if num:
            key = f"{m.group('kind')}-{m.group('name')}"
            word = KIND_WORD[m.group("kind")]
            self.numbers[key] = f"{word} {num.group(2)}"
            numbered = self.numbers[key]
            attrs = attrs.replace(num.group(0), "")
        return (
            f"![**{numbered}** {m.group('cap')}]({m.group('src')})"
            f"{{#{m.group('kind')}-{m.group('name')}{attrs}}}"
        )


def _inline_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _has_table(markdown: str) -> bool:
    """True when the Markdown holds a pipe or grid table."""
    return any(
        (line.startswith("|") and "-" in line and set(line.strip()) <= set("|:- "))
        or line.startswith("+-")
        for line in markdown.splitlines()
    )


def _is_figure(value: Any) -> bool:
    return type(value).__module__.startswith("matplotlib")


def _codeblock(text: str) -> str:
    return f"```\n{text.rstrip()}\n```"


def resolve_xrefs(markdown: str, labels: dict[str, str], path: Path) -> str:
    """Replace ``@fig-x``/``@tbl-x`` with links reading "Figure N"/"Table N"."""

    def sub(m: re.Match[str]) -> str:
        key = f"{m.group('kind')}-{m.group('name')}"
        if key not in labels:
            line = markdown[: m.start()].count("\n") + 1
            raise ParseError(
                f"cross-reference @{key} has no figure or table with that label",
                file=path,
                line=line,
                fix=f"add '#| label: {key}' to the chunk, or fix the reference",
            )
        text = labels[key]
        if m.group("minus"):
            text = text.split(" ", 1)[1]
        return f"[{text}](#{key})"

    out_lines, in_fence = [], None
    for line in markdown.split("\n"):
        f = FENCE.match(line)
        if in_fence:
            if line.startswith(in_fence):
                in_fence = None
        elif f:
            in_fence = f.group("fence")
        else:
            line = XREF.sub(sub, line)
        out_lines.append(line)
    return "\n".join(out_lines)


def execute(
    path: str | Path,
    fig_dir: str | Path,
    namespace: dict[str, Any] | None = None,
    meta_overrides: dict[str, Any] | None = None,
    cwd: str | Path | None = None,
) -> Result:
    """Run a ``.qmd`` and return pandoc Markdown with figures written under ``fig_dir``.

    ``cwd`` is the directory the chunks run in (Quarto runs them beside the ``.qmd``; default).
    """
    import os

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot read the report source: {exc}", file=path, fix="check the path"
        ) from exc
    doc = parse(text, path)
    ex = _Executor(doc, Path(fig_dir).resolve(), namespace)
    pieces: list[str] = []
    old = Path.cwd()
    os.chdir(Path(cwd) if cwd else path.parent.resolve())
    try:
        for part, first in zip(doc.parts, doc.prose_lines, strict=True):
            if isinstance(part, Chunk):
                pieces.append(ex.chunk(part))
            else:
                pieces.append(ex.prose(part, first))
    finally:
        os.chdir(old)
    for line, key in ex.refs:
        if key not in ex.numbers:
            raise ParseError(
                f"cross-reference @{key} has no figure or table with that label",
                file=path,
                line=line,
                fix=f"add '#| label: {key}' to the chunk, or fix the reference",
            )
    body = "\n\n".join(p for p in pieces if p.strip())
    body = resolve_xrefs(body, ex.numbers, path)
    meta = {k: v for k, v in doc.meta.items() if k not in ("execute", "format", "jupyter")}
    meta.update(meta_overrides or {})
    front = yaml.safe_dump(meta, sort_keys=True, allow_unicode=True).strip() if meta else ""
    markdown = (f"---\n{front}\n---\n\n" if front else "") + body.strip() + "\n"
    return Result(markdown=markdown, meta=meta, figures=ex.figures, labels=dict(ex.numbers))
