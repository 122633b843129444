"""The builtin Quarto-subset renderer: chunk options, inline values, cross-references, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from reco.errors import InputError, ParseError
from reco.report import qmd

DOC = """---
title: "T"
execute:
  echo: false
---

```{python}
#| include: false
x = 41 + 1
rows = [("a", 1), ("b", 2)]
```

Value `{python} x` and sum `{python} sum(v for _, v in rows)`; see @tbl-two, [@fig-plot] and -@tbl-two.

```{python}
#| label: tbl-two
#| tbl-cap: "Two rows."
#| tbl-num: 5
import polars as pl
from reco.report.tables import md_table
md_table(pl.DataFrame({"k": [r[0] for r in rows], "v": [r[1] for r in rows]}))
```

```{python}
#| label: tbl-next
#| tbl-cap: "Next."
print("no table here")
```

```{python}
#| label: fig-plot
#| fig-cap: "A plot."
import matplotlib.pyplot as plt
fig = plt.figure(figsize=(2, 1))
```

```{python}
#| echo: true
#| output: asis
print("**raw markdown**")
```

```{python}
#| output: false
print("hidden output")
```

```{python}
#| eval: false
raise SystemExit("never run")
```

```bash
`{python} not_evaluated_in_code_blocks`
```
"""


@pytest.fixture
def rendered(tmp_path: Path) -> qmd.Result:
    src = tmp_path / "doc.qmd"
    src.write_text(DOC, encoding="utf-8")
    return qmd.execute(src, tmp_path / "figs")


def test_inline_values_come_from_the_chunk_namespace(rendered):
    assert "Value 42 and sum 3;" in rendered.markdown


def test_explicit_and_sequential_numbers_and_xrefs(rendered):
    md = rendered.markdown
    assert rendered.labels == {"tbl-two": "Table 5", "tbl-next": "Table 6", "fig-plot": "Figure 1"}
    assert "see [Table 5](#tbl-two), [Figure 1](#fig-plot) and [5](#tbl-two)." in md
    assert "Table: **Table 5** Two rows." in md  # caption attached to the pipe table
    assert "| k | v |" in md
    # a "table" chunk without a table keeps its caption as a paragraph, not a dangling "Table:"
    assert "**Table 6** Next." in md and "Table: **Table 6**" not in md


def test_figures_are_saved_and_captioned(rendered):
    assert len(rendered.figures) == 1 and rendered.figures[0].is_file()
    assert rendered.figures[0].read_bytes()[:4] == b"\x89PNG"
    assert "![**Figure 1** A plot.](" in rendered.markdown and "{#fig-plot" in rendered.markdown


def test_echo_output_eval_include(rendered):
    md = rendered.markdown
    assert '```python\nprint("**raw markdown**")\n```' in md  # echo: true shows code
    assert "\n**raw markdown**" in md  # output: asis inserts raw Markdown
    assert "hidden output" not in md  # output: false
    assert "never run" not in md  # eval: false, echo false by default
    assert "x = 41 + 1" not in md  # include: false
    assert "`{python} not_evaluated_in_code_blocks`" in md  # code blocks are left alone


def test_prose_and_inline_expressions_skip_code():
    exprs = [e for _, e in qmd.inline_expressions(DOC)]
    assert exprs == ["x", "sum(v for _, v in rows)"]
    assert all("import" not in line for _, line in qmd.prose_text(DOC))


def test_unknown_cross_reference_names_the_label(tmp_path):
    src = tmp_path / "bad.qmd"
    src.write_text("Text\n\nSee @tbl-missing.\n", encoding="utf-8")
    with pytest.raises(ParseError, match="tbl-missing") as err:
        qmd.execute(src, tmp_path)
    assert err.value.line == 3


def test_failing_chunk_names_file_and_line(tmp_path):
    src = tmp_path / "bad.qmd"
    src.write_text(
        "Intro\n\n```{python}\n#| echo: false\na = 1\nb = a / 0\n```\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="ZeroDivisionError") as err:
        qmd.execute(src, tmp_path)
    assert err.value.file == str(src) and err.value.line == 6


def test_failing_inline_expression_names_line(tmp_path):
    src = tmp_path / "bad.qmd"
    src.write_text(
        "---\ntitle: x\n---\n\nOne\n\nvalue `{python} undefined_name`\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="undefined_name") as err:
        qmd.execute(src, tmp_path)
    assert err.value.line == 7


def test_unclosed_chunk_is_a_parse_error(tmp_path):
    with pytest.raises(ParseError, match="not closed"):
        qmd.parse("text\n```{python}\nx = 1\n", tmp_path / "x.qmd")
