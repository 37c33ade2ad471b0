"""The embedding cache: one vector per (text hash, model id), shared by every run.

Identical texts are embedded once; a later run embeds only texts it has not
seen. Chunks are idempotent (they embed only what is still missing and insert
with ignore-conflicts), so a chunk redelivered after a worker died costs
nothing twice, and several workers can share the load.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.conf import settings

from segapp.models import Document, Embedding


def missing_hashes(text_hashes: Sequence[str], model_id: str) -> list[str]:
    """The hashes among `text_hashes` with no cached vector for `model_id` (order kept)."""
    have: set[str] = set()
    for start in range(0, len(text_hashes), 5000):
        batch = text_hashes[start : start + 5000]
        have.update(
            Embedding.objects.filter(model_id=model_id, text_hash__in=batch).values_list(
                "text_hash", flat=True
            )
        )
    return [h for h in dict.fromkeys(text_hashes) if h not in have]


def chunk(hashes: Sequence[str], size: int | None = None) -> list[list[str]]:
    """Split hashes into chunks for parallel workers (VOXSEG_EMBED_CHUNK texts each)."""
    size = size or settings.VOXSEG_EMBED_CHUNK
    return [list(hashes[i : i + size]) for i in range(0, len(hashes), size)]


def embed_missing(text_hashes: Sequence[str], embedder) -> int:
    """Embed and store the texts of these hashes that are not cached yet; return how many."""
    todo = missing_hashes(text_hashes, embedder.model_id)
    if not todo:
        return 0
    texts = dict(
        Document.objects.filter(text_hash__in=todo)
        .order_by()
        .values_list("text_hash", "text")
        .distinct()
    )
    todo = [h for h in todo if h in texts]  # a document may have been erased meanwhile
    if not todo:
        return 0
    vectors = embedder.encode([texts[h] for h in todo]).astype(np.float32)
    Embedding.objects.bulk_create(
        [
            Embedding(text_hash=h, model_id=embedder.model_id, vector=v.tobytes())
            for h, v in zip(todo, vectors, strict=True)
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    return len(todo)


def cached_vectors(text_hashes: Sequence[str], model_id: str) -> dict[str, np.ndarray]:
    """The cached vectors there are for these hashes, by hash (float32; missing ones absent)."""
    unique = list(dict.fromkeys(text_hashes))
    found: dict[str, np.ndarray] = {}
    for start in range(0, len(unique), 5000):
        rows = Embedding.objects.filter(
            model_id=model_id, text_hash__in=unique[start : start + 5000]
        ).values_list("text_hash", "vector")
        for text_hash, blob in rows.iterator():
            found[text_hash] = np.frombuffer(bytes(blob), dtype=np.float32)
    return found


def load_vectors(text_hashes: Sequence[str], model_id: str, dimension: int) -> np.ndarray:
    """Cached vectors for these hashes, in order (float32, one row per hash)."""
    found = cached_vectors(text_hashes, model_id)
    missing = [h for h in dict.fromkeys(text_hashes) if h not in found]
    if missing:
        raise LookupError(f"{len(missing)} texts have no cached embedding for {model_id}")
    matrix = np.empty((len(text_hashes), dimension), dtype=np.float32)
    for row, text_hash in enumerate(text_hashes):
        matrix[row] = found[text_hash]
    return matrix


def count_missing_for_run(model_id: str) -> int:
    """Texts of consenting customers' documents that have no vector for `model_id` yet."""
    cached = Embedding.objects.filter(model_id=model_id).values("text_hash")
    return (
        Document.objects.filter(customer__segmentation_consent=True)
        .exclude(text_hash__in=cached)
        .values("text_hash")
        .distinct()
        .count()
    )
