"""The parts of phytowatch's exports for RPPOs; :mod:`crawler.export` is the public face.

Filters (:mod:`.filters`) choose the listings, :mod:`.records` turns stored rows
into exported records (with HS codes from :mod:`.hs_codes` and, on request,
pseudonyms from :mod:`.pseudonyms`), :mod:`.writers` writes CSV, JSON, JSON
Lines and XLSX atomically, and :mod:`.package` builds the RPPO package. Every
field is described once, in :mod:`.fields`.
"""

from __future__ import annotations


class ExportError(Exception):
    """An export cannot be made as asked; the message is one line meant for an officer."""
