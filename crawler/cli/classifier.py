"""``phytowatch classify`` and ``phytowatch classifier`` (evaluate, train): the commodity classifier."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import click

from crawler.cli.common import _db_option, _existing_database, _officer_errors, main


@main.command()
@click.option("--input", "source", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON Lines: one {\"id\", \"title\", \"description\"?} object per line.")
@click.option("--output", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="JSON Lines written with categories, scores, risk, taxa and reasons added.")
@_officer_errors
def classify(source: Path, target: Path) -> None:
    """Classify listings from a JSON Lines file.

    Example: phytowatch classify --input titles.jsonl --output verdicts.jsonl
    """
    from classifiers import load_classifier
    from classifiers.jsonl import classify_jsonl

    report = classify_jsonl(source, target, load_classifier())
    for problem in report.problems[:20]:
        click.echo(f"skipped {problem}", err=True)
    if len(report.problems) > 20:
        click.echo(f"... and {len(report.problems) - 20} more lines skipped", err=True)
    click.echo(f"{report.written} listings classified into {target}")
    if report.problems:
        raise click.ClickException(f"{len(report.problems)} input lines could not be classified")


def _training_errors(func):  # type: ignore[no-untyped-def]
    """Training-data and model errors are an officer's errors too: one line, exit 1."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        from classifiers.training import TrainingDataError

        try:
            return func(*args, **kwargs)
        except (TrainingDataError, FileNotFoundError) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


@main.group("classifier")
def classifier_group() -> None:
    """Train and evaluate the commodity classifier."""


@classifier_group.command("evaluate")
@click.option("--data", type=click.Path(exists=True, path_type=Path),
              help="JSONL of {\"text\", \"cats\"} (a file or a folder of *.jsonl); default: the bundled data.")
@click.option("--split", type=click.Choice(["test", "dev", "train", "all"]), default=None,
              help="Which split of the data to score (default: test for the bundled data, all for --data).")
@click.option("--model", "model_dir", type=click.Path(file_okay=False, path_type=Path),
              help="A trained pipeline directory (default: the one phytowatch uses).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@_officer_errors
@_training_errors
def evaluate_command(data: Path | None, split: str | None, model_dir: Path | None, as_json: bool) -> None:
    """Per-category precision, recall and F1, macro-F1 and high-risk recall on labelled listings.

    Example: phytowatch classifier evaluate --data reviewed.jsonl
    """
    from classifiers import load_classifier
    from classifiers.evaluation import evaluate, report
    from classifiers.training import load_listings

    chosen = split or ("all" if data else "test")
    listings = load_listings(data, None if chosen == "all" else chosen)
    if not listings:
        raise click.ClickException(f"no labelled listings in {data or 'the bundled data'} ({chosen} split)")
    classifier = load_classifier(model_dir=model_dir)
    if mismatch := getattr(classifier, "evidence_mismatch", None):
        click.echo(f"warning: {mismatch}", err=True)
    result = evaluate(classifier, listings)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(report(result))


@classifier_group.command("train")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the pipeline (default: the cache folder phytowatch loads from).")
@click.option("--with-reviews", is_flag=True,
              help="Add the listings officers confirmed or dismissed in the database to the training data.")
@_db_option
@_officer_errors
@_training_errors
def train_command(output: Path | None, with_reviews: bool, db: Path | None) -> None:
    """Train the commodity classifier from data/training (and reviews), then score the held-out split.

    Example: phytowatch classifier train --with-reviews --output models/nppo-2026-11
    """
    from classifiers import load_classifier
    from classifiers.evaluation import evaluate, report
    from classifiers.model import default_model_dir
    from classifiers.training import default_training_dir, load_listings, train

    if with_reviews and output is None:
        raise click.ClickException("--with-reviews needs --output (then set PHYTOWATCH_MODEL to use that model)")
    target = output or default_model_dir()
    with tempfile.TemporaryDirectory(prefix="phytowatch-training-") as tmp:
        data = default_training_dir()
        if with_reviews:
            data = Path(tmp)
            for path in default_training_dir().glob("*.jsonl"):
                shutil.copy(path, data / path.name)
            count = _write_reviews(_existing_database(db), data / "reviews.jsonl")
            click.echo(f"{count} reviewed listings added to the training data", err=True)
        train(target, overrides={"paths.training": str(data)})
        held_out = load_listings(data, "test")
    click.echo(f"trained pipeline written to {target}")
    click.echo(report(evaluate(load_classifier(model_dir=target), held_out)))


def _write_reviews(db: Path, path: Path) -> int:
    from crawler.store import Store
    from crawler.store.reviews import reviewed_listings

    count = 0
    with Store(db) as store, path.open("w", encoding="utf-8") as fh:
        for row in reviewed_listings(store):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
