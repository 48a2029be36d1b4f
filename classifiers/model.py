"""The trained commodity pipeline: where it lives, building it on first use, and loading it.

The pipeline is trained from files in the repository (``classifiers/config.cfg``
and ``data/training/*.jsonl``), so it is not shipped as a binary: the first
use on a machine trains it (about half a minute on 2 cores, with a progress
bar) into a cache folder named after a fingerprint of everything that shapes
it. Change the data, the config or the feature code and the next use trains
a new one; the old ones stay until the cache is cleared.

``PHYTOWATCH_MODEL`` (or ``--model`` on the CLI) points at any other trained
pipeline directory, e.g. one trained with reviewed listings or on a
pretrained spaCy pipeline: it is loaded as it is, never retrained.
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from classifiers.types import Classification

logger = logging.getLogger(__name__)

#: Source files whose changes make a trained pipeline stale.
_FINGERPRINTED_CODE = (
    "tokenizer.py", "taxa.py", "taxa_fuzzy.py", "features.py", "training.py", "components.py", "rules.py",
    "lexicon.py", "config.cfg",
)


def cache_dir() -> Path:
    """Where trained pipelines are kept: ``$PHYTOWATCH_CACHE`` or ``~/.cache/phytowatch``."""
    root = os.environ.get("PHYTOWATCH_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "phytowatch"
    )
    return Path(root)


def fingerprint(training_dir: Path | None = None) -> str:
    """A digest of what shapes the model: training data, config, feature code, rules and taxa lists.

    The rules' hits and the taxa are features of the model, so editing the rules
    or dropping in a new list also trains a new model on next use.
    """
    from classifiers.training import default_training_dir
    from crawler.paths import data_dir

    training_dir = training_dir or default_training_dir()
    digest = hashlib.sha256()
    here = Path(__file__).parent
    evidence = (
        sorted((data_dir() / "rules").glob("*.toml"))
        + sorted((data_dir() / "taxa").glob("*.csv"))
        + sorted((data_dir() / "lexicon").glob("*.tsv"))
    )
    for path in [here / name for name in _FINGERPRINTED_CODE] + sorted(training_dir.glob("*.jsonl")) + evidence:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def evidence_digest(data_dir: Path | None = None) -> str:
    """A digest of the keyword rules and word classes in ``data_dir`` (default: the bundled ``data/``).

    The model's evidence features are named after them (``R|<rule id>|T``,
    ``LX|<class>|D``): a model loaded next to other rules or word classes than it
    was trained with reads features it never weighed and misses the ones it did.
    Taxa lists are left out on purpose: an NPPO drops in its own list without
    retraining, and taxa reach the model only as kingdom and status.
    """
    if data_dir is None:
        from crawler.paths import data_dir as bundled

        data_dir = bundled()
    digest = hashlib.sha256()
    for path in sorted((data_dir / "rules").glob("*.toml")) + sorted((data_dir / "lexicon").glob("*.tsv")):
        digest.update(f"{path.parent.name}/{path.name}".encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def default_model_dir() -> Path:
    """``$PHYTOWATCH_MODEL`` if set, else the cached pipeline for the current fingerprint."""
    configured = os.environ.get("PHYTOWATCH_MODEL")
    if configured:
        return Path(configured)
    return cache_dir() / "models" / f"commodity-{fingerprint()}"


def ensure_model(model_dir: Path | None = None) -> Path:
    """The pipeline directory, trained first if it does not exist yet.

    A lock file makes concurrent first uses (a crawl and its classifier worker,
    two test processes) train once: the others wait, then load.
    """
    model_dir = model_dir or default_model_dir()
    if (model_dir / "meta.json").exists():
        return model_dir
    if os.environ.get("PHYTOWATCH_MODEL"):
        raise FileNotFoundError(f"PHYTOWATCH_MODEL={model_dir} is not a trained pipeline (no meta.json)")
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(model_dir.parent / f".{model_dir.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (model_dir / "meta.json").exists():
            from classifiers.training import train

            train(model_dir)
    return model_dir


class SpacyClassifier:
    """The trained pipeline behind the :class:`classifiers.types.Classifier` contract."""

    def __init__(self, model_dir: Path, data_dir: Path | None = None) -> None:
        import spacy

        import classifiers.spacy_code  # noqa: F401  (registers the pipeline's parts)
        from classifiers.components import RuleEvidence

        self.model_dir = model_dir
        overrides = {}
        if data_dir is not None:  # other rules and taxa lists (and word classes) than the bundled ones
            parts = ["phytowatch_taxa", "phytowatch_rules"] + ["phytowatch_lexicon"] * (data_dir / "lexicon").is_dir()
            overrides = {"components": {name: {"data_dir": str(data_dir)} for name in parts}}
        self.nlp = spacy.load(model_dir, config=overrides)
        rules = self.nlp.get_pipe("phytowatch_rules")
        assert isinstance(rules, RuleEvidence)
        meta = self.nlp.meta
        trained_from = meta.get("phytowatch_fingerprint") or hashlib.sha256(
            json.dumps(meta, sort_keys=True, default=str).encode()
        ).hexdigest()[:16]
        self.version = f"commodity-{trained_from[:12]}+{rules.rules.version}"
        #: What is wrong with the rules and word classes next to the model, for the officer (None: nothing).
        self.evidence_mismatch: str | None = None
        trained_with = meta.get("phytowatch_evidence")
        if trained_with and trained_with != evidence_digest(data_dir):
            self.evidence_mismatch = (
                f"the keyword rules or word classes in {data_dir or 'the bundled data/'} are not those the model in"
                f" {model_dir} was trained with, so its scores may be off: retrain it (phytowatch classifier train)"
            )
            logger.warning("%s", self.evidence_mismatch)
        # The pipeline's objects live as long as the process: keep the cyclic garbage
        # collector from walking them again and again (it cost half the throughput).
        gc.freeze()

    @classmethod
    def load(cls, model_dir: Path | None = None, data_dir: Path | None = None) -> SpacyClassifier:
        return cls(ensure_model(model_dir), data_dir)

    def classify(self, texts: Sequence[str]) -> list[Classification]:
        from classifiers.components import VERDICT

        verdicts: list[Classification] = []
        collecting = gc.isenabled()
        gc.disable()  # classifying allocates many short-lived, acyclic objects: collect once, after
        try:
            for doc in self.nlp.pipe(t if isinstance(t, str) else "" for t in texts):
                verdict: Classification = doc.user_data[VERDICT]
                verdict.model_version = self.version
                verdicts.append(verdict)
        finally:
            if collecting:
                gc.enable()
        return verdicts
