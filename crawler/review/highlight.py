"""The classifier's evidence, marked in a listing's title and description.

The text is cut at the character offsets of the reasons and matched taxa into
plain pieces; the template writes each piece with Jinja's escaping and wraps the
marked ones in ``<mark>``. No markup is ever inserted into the scraped text, so
a title full of ``<script>`` stays text, and a span that does not match the text
(an old verdict of a since-edited listing) is left out rather than misplaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from crawler.items import listing_text


@dataclass(frozen=True)
class Mark:
    """One span of evidence: ``kind`` is ``taxon`` or ``reason`` (a CSS class, never scraped text)."""

    start: int
    end: int
    kind: str
    note: str


@dataclass(frozen=True)
class Piece:
    """A run of text with the marks covering all of it (none: plain text)."""

    text: str
    kind: str | None = None
    note: str = ""


def marks(text: str, reasons: Iterable[dict[str, Any]], taxa: Iterable[dict[str, Any]]) -> list[Mark]:
    """The verdict's spans that really are where they say in ``text``."""
    found = []
    for taxon in taxa:
        note = f"{taxon.get('scientific_name')} ({taxon.get('list_name')}, {taxon.get('status')})"
        found.append(_mark(text, taxon, "taxon", note))
    for reason in reasons:
        if float(reason.get("weight") or 0) <= 0 or reason.get("source") == "taxa":
            continue  # evidence against a category, or a taxon already marked as one
        note = f"{reason.get('label')} ({reason.get('source')}, weight {float(reason.get('weight') or 0):.2f})"
        found.append(_mark(text, reason, "reason", note))
    return [m for m in found if m is not None]


def _mark(text: str, span: dict[str, Any], kind: str, note: str) -> Mark | None:
    start, end = span.get("start"), span.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
        return None
    if span.get("text") is not None and text[start:end] != span["text"]:
        return None
    return Mark(start, end, kind, note)


def pieces(text: str, found: list[Mark], start: int = 0, end: int | None = None) -> list[Piece]:
    """``text[start:end]`` cut at every mark boundary; a taxon wins over a reason where both cover a piece."""
    end = len(text) if end is None else end
    cuts = {start, end}
    for mark in found:
        cuts.update(c for c in (mark.start, mark.end) if start < c < end)
    bounds = sorted(cuts)
    result = []
    for left, right in zip(bounds, bounds[1:]):
        covering = [m for m in found if m.start <= left and right <= m.end]
        if not covering:
            result.append(Piece(text[left:right]))
            continue
        kind = "taxon" if any(m.kind == "taxon" for m in covering) else "reason"
        result.append(Piece(text[left:right], kind, "; ".join(dict.fromkeys(m.note for m in covering))))
    return _merge(result)


def _merge(found: list[Piece]) -> list[Piece]:
    """Neighbouring plain pieces are one piece (fewer elements, same text)."""
    merged: list[Piece] = []
    for piece in found:
        if merged and piece.kind is None and merged[-1].kind is None:
            merged[-1] = Piece(merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return merged


def highlighted(
    title: str, description: str | None, reasons: list[dict[str, Any]], taxa: list[dict[str, Any]]
) -> tuple[list[Piece], list[Piece]]:
    """Title and description as pieces, with offsets counted as the classifier counts them."""
    text = listing_text(title, description)
    found = marks(text, reasons, taxa)
    title_pieces = pieces(text, found, 0, len(title))
    description_pieces = pieces(text, found, len(title) + 1) if description else []
    return title_pieces, description_pieces
