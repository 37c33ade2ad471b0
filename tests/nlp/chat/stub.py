"""A deterministic stand-in for the sentence embedder: hashed bags of character trigrams."""

from __future__ import annotations

import hashlib

import numpy as np

DIMENSION = 512


def trigram_encode(texts: list[str]) -> np.ndarray:
    """Unit vectors of hashed character trigrams of each word (so shared words look alike)."""
    out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in text.lower().split():
            padded = f"  {word} "
            for i in range(len(padded) - 2):
                digest = hashlib.md5(padded[i : i + 3].encode()).digest()
                out[row, int.from_bytes(digest[:4], "little") % DIMENSION] += 1.0
        norm = np.linalg.norm(out[row])
        if norm:
            out[row] /= norm
    return out
