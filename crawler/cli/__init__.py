"""The ``phytowatch`` command: a thin layer over the library, one function per command.

Every expected failure (a bad argument, a missing file, an unusable database)
ends in one line on stderr and a non-zero exit, never a traceback.

The group and what the commands share are in :mod:`crawler.cli.common`; each
module below registers one family of commands on it when imported.
"""

from crawler.cli import classifier, crawl, db, evidence, export, review, schedule, traders  # noqa: F401
from crawler.cli.common import main

__all__ = ["main"]
