"""Allow ``python -m reco`` (the Snakemake rules call the CLI this way)."""

from reco.cli import main

raise SystemExit(main())
