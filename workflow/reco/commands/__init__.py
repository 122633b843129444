"""Subcommands of the ``reco`` CLI, one module per stage (discovered by :mod:`reco.cli`).

Keep imports of heavy libraries inside the command functions so ``reco --help`` stays fast.
"""
