"""Classify a JSON Lines file of listings: the library behind ``phytowatch classify``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifiers.types import Classifier
from crawler.items import listing_text

BATCH = 256


@dataclass
class ClassifyReport:
    written: int = 0
    #: ``"line N: why"`` for every input line that could not be classified.
    problems: list[str] = field(default_factory=list)


def _read(line_no: int, line: str) -> dict[str, Any] | str:
    """The record on a line, or why it cannot be used."""
    try:
        record = json.loads(line)
    except ValueError as exc:
        return f"line {line_no}: not valid JSON ({exc.args[0]})"
    if not isinstance(record, dict):
        return f"line {line_no}: expected an object with id and title"
    if record.get("id") is None:
        return f"line {line_no}: no 'id'"
    if not isinstance(record.get("title"), str) or not record["title"].strip():
        return f"line {line_no}: no 'title' text"
    if record.get("description") is not None and not isinstance(record["description"], str):
        return f"line {line_no}: 'description' must be text"
    return record


def classify_jsonl(source: Path, target: Path, classifier: Classifier) -> ClassifyReport:
    """Classify each ``{"id", "title", "description"?}`` line of ``source`` into ``target``.

    Each output line is the input object plus ``categories``, ``scores``,
    ``risk``, ``needs_review``, ``taxa``, ``reasons`` and ``model_version``.
    Lines that cannot be read are reported, not guessed at; the good ones are
    still classified. ``target`` appears only when complete.
    """
    report = ClassifyReport()
    partial = target.with_name(target.name + ".partial")
    try:
        with source.open(encoding="utf-8") as src, partial.open("w", encoding="utf-8") as out:
            batch: list[dict[str, Any]] = []
            for line_no, line in enumerate(src, 1):
                if not line.strip():
                    continue
                record = _read(line_no, line)
                if isinstance(record, str):
                    report.problems.append(record)
                    continue
                batch.append(record)
                if len(batch) >= BATCH:
                    report.written += _flush(batch, out, classifier)
            report.written += _flush(batch, out, classifier)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return report


def _flush(batch: list[dict[str, Any]], out: Any, classifier: Classifier) -> int:
    verdicts = classifier.classify([listing_text(r["title"], r.get("description")) for r in batch])
    for record, verdict in zip(batch, verdicts):
        out.write(json.dumps({**record, **verdict.to_dict()}, ensure_ascii=False) + "\n")
    count = len(batch)
    batch.clear()
    return count
