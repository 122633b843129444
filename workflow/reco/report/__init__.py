"""Reports: numbers for every sentence, the PRISMA diagram, the ledger audit, rendering and the manifest.

Modules, one job each: :mod:`numbers` (merge counts into ``numbers.json``), :mod:`qmd` (the builtin
Quarto-subset executor), :mod:`tables` (pandoc tables from polars frames), :mod:`render` (HTML, PDF,
DOCX), :mod:`prisma` (PRISMA 2020 flow diagram), :mod:`audit` (regenerated vs published figures) and
:mod:`manifest` (``results/MANIFEST.tsv``).
"""
