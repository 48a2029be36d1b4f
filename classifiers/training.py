"""Training data and training: JSONL listings in, a spaCy pipeline directory out.

The data are ``data/training/*.jsonl`` (format in ``data/training/README.md``):
``{"text", "cats", "lang"}`` per line. Each line belongs to one split, chosen by
a stable hash of its text: ``test`` (held out: only ever evaluated), ``dev``
(picks the best checkpoint) and ``train``. Adding lines never moves old ones.

Training is spaCy's own loop driven by ``classifiers/config.cfg``, so
``python -m spacy train classifiers/config.cfg --code classifiers/spacy_code.py``
trains the same model as :func:`train`; :func:`train` adds a progress bar and
writes the result atomically.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from spacy.language import Language
from spacy.training import Example
from spacy.util import registry

from classifiers.model import evidence_digest
from classifiers.types import CATEGORIES

SPLITS = ("train", "dev", "test")
#: Share of the lines (in percent) in the held-out test and the dev split.
TEST_PERCENT = 12
DEV_PERCENT = 12
CONFIG_PATH = Path(__file__).with_name("config.cfg")


class TrainingDataError(ValueError):
    """A training file has a line that is not a labelled listing."""


@dataclass(frozen=True)
class LabelledListing:
    text: str
    cats: dict[str, float]
    lang: str = ""

    @property
    def labels(self) -> list[str]:
        return [c for c in CATEGORIES if self.cats.get(c)]


def default_training_dir() -> Path:
    from crawler.paths import data_dir

    return data_dir() / "training"


def split_of(text: str) -> str:
    """``train``, ``dev`` or ``test``: a stable function of the text alone."""
    bucket = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big") % 100
    if bucket < TEST_PERCENT:
        return "test"
    if bucket < TEST_PERCENT + DEV_PERCENT:
        return "dev"
    return "train"


def read_jsonl(path: Path) -> Iterator[LabelledListing]:
    """Labelled listings of one JSONL file; a bad line is an error naming the file and line."""
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, cats = row["text"], row["cats"]
                if not isinstance(text, str) or not text.strip() or not isinstance(cats, dict):
                    raise ValueError("needs a non-empty text and a cats object")
                unknown = set(cats) - set(CATEGORIES)
                if unknown:
                    raise ValueError(f"unknown categories {sorted(unknown)}")
                if not any(cats.values()):
                    raise ValueError("no category is set")
            except (ValueError, KeyError, TypeError) as exc:
                raise TrainingDataError(f"{path}:{n}: not a labelled listing ({exc})") from None
            yield LabelledListing(text, {c: float(cats.get(c, 0)) for c in CATEGORIES}, str(row.get("lang", "")))


def load_listings(path: Path | None = None, split: str | None = None) -> list[LabelledListing]:
    """Every labelled listing of a JSONL file or folder of ``*.jsonl``, optionally of one split."""
    path = path or default_training_dir()
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files:
        raise TrainingDataError(f"no *.jsonl training files in {path}")
    if split is not None and split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")
    return [x for f in files for x in read_jsonl(f) if split is None or split_of(x.text) == split]


@registry.readers("phytowatch.TrainingListings.v1")
def create_reader(path: str | None = None, split: str = "train") -> Callable[[Language], Iterable[Example]]:
    """A spaCy corpus over our JSONL listings (``path`` empty or null = ``data/training``)."""
    listings = load_listings(Path(path) if path else None, split)

    def read(nlp: Language) -> Iterator[Example]:
        for listing in listings:
            yield Example.from_dict(nlp.make_doc(listing.text), {"cats": listing.cats})

    return read


@registry.loggers("phytowatch.ProgressLogger.v1")
def create_progress_logger(total_steps: int = 0) -> Callable[..., Any]:
    """spaCy training logger that draws one rich progress bar (on stderr) instead of a table."""

    def setup(nlp: Language, stdout: IO = sys.stdout, stderr: IO = sys.stderr) -> tuple[Callable, Callable]:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        progress = Progress(
            TextColumn("training the classifier"),
            BarColumn(bar_width=30),
            TextColumn("{task.completed}/{task.total} steps"),
            TextColumn("{task.fields[score]}"),
            TimeElapsedColumn(),
            console=Console(file=stderr),
            transient=False,
        )
        task = progress.add_task("train", total=(total_steps + 1) or None, score="")  # steps 0 … total
        progress.start()

        def log_step(info: dict[str, Any] | None) -> None:
            if info is not None and info.get("score") is not None:
                progress.update(task, score=f"dev F1 {info['score']:.3f}")
            progress.advance(task)

        def finalize() -> None:
            progress.stop()

        return log_step, finalize

    return setup


def train(output: Path, config_path: Path = CONFIG_PATH, overrides: dict[str, Any] | None = None) -> Path:
    """Train the pipeline of ``config_path`` and write its best checkpoint to ``output``.

    The directory appears whole or not at all: training happens in a temporary
    folder next to it, renamed into place at the end.
    """
    import spacy.util
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_loop

    import classifiers.spacy_code  # noqa: F401  (registers the pipeline's parts)

    config = spacy.util.load_config(config_path, overrides=overrides or {}, interpolate=False)
    output.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    try:
        nlp = init_nlp(config)
        notes = io.StringIO()  # spaCy's own chatter ("Pipeline: …", "Saved …"): the progress bar says it all
        train_loop(nlp, work, stdout=notes, stderr=sys.stderr)
        best = work / "model-best"
        meta_path = best / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["name"], meta["version"] = "phytowatch_commodity", _package_version()
        meta["phytowatch_fingerprint"] = _fingerprint(config_path, config, overrides or {})
        rules_dir = nlp.config["components"]["phytowatch_rules"].get("data_dir") or None
        meta["phytowatch_evidence"] = evidence_digest(Path(rules_dir) if rules_dir else None)
        meta["description"] = "phytowatch commodity classifier (textcat_multilabel over folded bag-of-words features)"
        meta_path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if output.exists():
            shutil.rmtree(output)
        best.rename(output)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return output


def _fingerprint(config_path: Path, config: Any, overrides: dict[str, Any]) -> str:
    """What this model was trained from: the data, the config and feature code, the overrides."""
    from classifiers.model import fingerprint

    training = config["paths"].get("training") or None
    digest = hashlib.sha256(fingerprint(Path(training) if training else None).encode())
    digest.update(config_path.read_bytes() + json.dumps(overrides, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("phytowatch")
    except PackageNotFoundError:
        return "0.0.0"
