"""The classifier worker process gives the same verdicts as classifying in-process, and survives its own death."""

from __future__ import annotations

import asyncio

from classifiers import default_classifier
from classifiers.worker import ClassifierProcess

TEXTS = [
    "Graines de tomate 'Coeur de boeuf' – sachet de 50 graines",
    "Miyuki seed beads 11/0, 10 g tube",
    "Jacinthe d'eau (Eichhornia crassipes) plante flottante\nLivrée en sachet humide.",
    "Regenwürmer lebend, 500 Stück für den Komposthaufen",
    "",
] * 40


async def classify_all(worker: ClassifierProcess, texts: list[str]) -> list[dict]:
    return list(await asyncio.gather(*(worker.classify(t) for t in texts)))


def test_worker_verdicts_match_in_process_verdicts() -> None:
    worker = ClassifierProcess()
    try:
        got = asyncio.run(classify_all(worker, TEXTS))
    finally:
        worker.close()
    expected = [v.to_dict() for v in default_classifier().classify(TEXTS)]
    assert got == expected
    assert worker.version == default_classifier().version
    assert got[2]["risk"] == "high" and got[2]["taxa"][0]["scientific_name"] == "Eichhornia crassipes"


def test_a_killed_worker_loses_no_listing() -> None:
    worker = ClassifierProcess()

    async def scenario() -> list[dict]:
        first = await classify_all(worker, TEXTS[:5])
        worker._process.kill()  # the child dies between batches ...
        worker._process.join()
        rest = await classify_all(worker, TEXTS[5:])  # ... and the crawl goes on
        return first + rest

    try:
        got = asyncio.run(scenario())
    finally:
        worker.close()
    assert got == [v.to_dict() for v in default_classifier().classify(TEXTS)]
