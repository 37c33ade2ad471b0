"""Saving and loading a fitted topic model: safetensors and JSON only, no pickle.

BERTopic's own safetensors format keeps centroids, c-TF-IDF and the
vocabulary, not UMAP or HDBSCAN, which ``transform`` does not need.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from nlp.topics.describe import Topic, quiet_bertopic
from nlp.topics.library import load_bertopic
from nlp.topics.words import PhraseAnalyzer

if TYPE_CHECKING:
    from nlp.topics.modeler import TopicModeler

__all__ = ["load_modeler", "save_modeler"]

_MODEL_FOLDER = "bertopic"
_STATE_FILE = "topic_modeler.json"
_ARRAYS_FILE = "topic_modeler.safetensors"
_FORMAT_VERSION = 1


def save_modeler(modeler: TopicModeler, folder: Path) -> None:
    """Write a fitted ``modeler`` to ``folder``."""
    from safetensors.numpy import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with quiet_bertopic():
        modeler.model_.save(
            folder / _MODEL_FOLDER,
            serialization="safetensors",
            save_ctfidf=True,
            save_embedding_model=False,
        )
    save_file(
        {
            "topics": modeler.topics_.astype(np.int64),
            "probabilities": modeler.probabilities_.astype(np.float32),
        },
        str(folder / _ARRAYS_FILE),
    )
    state = {
        "format": _FORMAT_VERSION,
        "settings": {
            "max_outlier_share": modeler.max_outlier_share,
            "target_topics": modeler.target_topics,
            "min_topic_size": modeler.min_topic_size,
            "seed": modeler.seed,
        },
        "default_vectorizer": modeler.vectorizer_model is None,
        "n_topics": modeler.n_topics_,
        "threshold": modeler.threshold_,
        "outlier_share_before": modeler.outlier_share_before_,
        "outlier_share": modeler.outlier_share_,
        "mood_share": modeler.mood_share_,
        "mood_words": sorted(modeler.mood_words_),
        "topics": [asdict(t) for t in modeler.topics_info_],
        "topic_groups": [asdict(t) for t in modeler.topic_groups_],
    }
    (folder / _STATE_FILE).write_text(json.dumps(state, indent=1, ensure_ascii=False))


def load_modeler(cls: type[TopicModeler], folder: Path) -> TopicModeler:
    """Read a model written by :func:`save_modeler`; no embedding model is loaded."""
    load_bertopic()
    from bertopic import BERTopic
    from safetensors.numpy import load_file

    folder = Path(folder)
    state = json.loads((folder / _STATE_FILE).read_text())
    if state.get("format") != _FORMAT_VERSION:
        raise ValueError(f"{folder} holds topic model format {state.get('format')!r}")
    modeler = cls(**state["settings"])
    with quiet_bertopic():
        modeler.model_ = BERTopic.load(str(folder / _MODEL_FOLDER))
    if state["default_vectorizer"]:
        # BERTopic's files keep the vocabulary but not our analyzer (a callable).
        vocabulary = modeler.model_.vectorizer_model.vocabulary_
        modeler.model_.vectorizer_model = CountVectorizer(
            analyzer=PhraseAnalyzer(), vocabulary=sorted(vocabulary, key=vocabulary.get)
        )
    modeler.vectorizer_ = modeler.model_.vectorizer_model
    arrays = load_file(str(folder / _ARRAYS_FILE))
    modeler.topics_ = arrays["topics"].astype(int)
    modeler.probabilities_ = arrays["probabilities"].astype(float)
    modeler.n_topics_ = state["n_topics"]
    modeler.threshold_ = state["threshold"]
    modeler.outlier_share_before_ = state["outlier_share_before"]
    modeler.outlier_share_ = state["outlier_share"]
    modeler.mood_share_ = state.get("mood_share", 0.0)  # models saved before moods were told
    modeler.mood_words_ = frozenset(state.get("mood_words", ()))
    modeler.topics_info_ = [Topic(**t) for t in state["topics"]]
    modeler.topic_groups_ = [Topic(**t) for t in state["topic_groups"]]
    return modeler
