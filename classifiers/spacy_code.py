"""Registers phytowatch's spaCy parts: import this (or pass it as ``--code``) before loading the pipeline.

``python -m spacy train classifiers/config.cfg --code classifiers/spacy_code.py``
and ``spacy.load(model_dir)`` need the tokenizer, the feature architecture,
the two components, the corpus reader and the progress logger registered;
importing this module does that.
"""

from classifiers import components, features, lexicon, tokenizer, training

__all__ = ["components", "features", "lexicon", "tokenizer", "training"]
