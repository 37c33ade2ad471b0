"""BERTopic, imported without the optional parts that pull in transformers and torch.

``import bertopic`` imports every optional representation model (text generation,
zero-shot classification, visual) and its saving helpers, each inside
``try: ... except ImportError``. With transformers and torch installed (the
export of the embedding model needs them) those imports load both libraries: about
5 s of a 2-core machine's time in every process that fits a topic model, against
about 1.3 s for BERTopic itself. VoxSeg uses none of those parts: it passes
embeddings, re-ranks keywords with ``KeyBERTInspired`` and stores topic models
with safetensors (:mod:`nlp.topics.storage`).

:func:`load_bertopic` marks the modules behind those optional parts as absent
while BERTopic is first imported (Python's import system raises
``ModuleNotFoundError`` for a name whose ``sys.modules`` entry is ``None``), so
BERTopic takes the path it takes when they are not installed, then lifts the
marks. A process that already imported torch or transformers keeps them.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType

_OPTIONAL = (
    "torch",
    "transformers",
    "sentence_transformers",
    "bertopic.representation._textgeneration",
    "bertopic.representation._zeroshot",
    "bertopic.representation._visual",
)
"""Modules BERTopic imports only for features VoxSeg does not use."""

_LOCK = threading.Lock()


def load_bertopic() -> ModuleType:
    """The ``bertopic`` package, imported without transformers and torch when not yet loaded."""
    with _LOCK:
        if "bertopic" in sys.modules:
            return sys.modules["bertopic"]
        marked = [name for name in _OPTIONAL if name not in sys.modules]
        for name in marked:
            sys.modules[name] = None  # type: ignore[assignment]
        try:
            import bertopic
            import bertopic.representation  # noqa: F401  (imports the optional models)
        finally:
            for name in marked:
                if sys.modules.get(name, ...) is None:
                    del sys.modules[name]
        return bertopic
