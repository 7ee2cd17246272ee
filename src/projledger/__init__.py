"""projledger — 县级重大项目专班台账 (a command-line ledger for county major-project work).

The package is a library first; the Typer CLI in :mod:`projledger.cli` is a thin layer over
it.  Importing this package must stay cheap: no Typer, openpyxl or calamine here.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
