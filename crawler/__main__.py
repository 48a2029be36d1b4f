"""``python -m crawler``: the ``phytowatch`` command, for processes that start crawls without the script on PATH."""

from crawler.cli import main

main(prog_name="phytowatch")
