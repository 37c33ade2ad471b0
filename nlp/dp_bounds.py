"""Clamping bounds for a differentially private mean, found with differential privacy.

A noisy mean needs bounds to clamp values into: they fix the sensitivity of
the sum. Bounds computed from the exact data (its minimum, maximum or
standard deviation) are not protected by the noise, so when no bounds are
declared they are found privately, in the manner of the approximate-bounds
algorithm of Google's differential-privacy library:

1. Every value falls in one bin of a logarithmic histogram: magnitudes
   [2^e, 2^(e+1)) for e from :data:`MIN_EXPONENT` to :data:`MAX_EXPONENT`, one
   set of bins for each sign, and one bin for |x| < 2^MIN_EXPONENT; larger
   magnitudes fall in the outermost bins. A customer is in one bin, so the histogram
   has L1 sensitivity 1 under add/remove-one.
2. Noise from the caller's mechanism (Laplace, scale b = 1 / ε) is added to
   every bin count.
3. A bin *passes* when its noisy count exceeds the threshold
   t = b · ln(bins / (2 · p)); p (:data:`FAILURE`) bounds the chance that any
   empty bin passes. The bounds span the passing bins connected (gaps of at
   most :data:`MAX_GAP` bins) to the bin with the largest noisy count; when
   the zero bin passes, also those connected to it and to the fullest bin
   away from it (many figures are mostly 0 with a positive tail). A stray
   passing bin far from the data, which the noise produces now and then, is
   left out instead of widening the bounds by orders of magnitude. All of
   this reads the noisy counts only (post-processing).

Bins with fewer than about t customers fall outside the bounds and their
values are clamped: the price of not leaking the extremes. With too few
customers no bin passes and no bounds (hence no mean) are released.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

MIN_EXPONENT = -8  # |x| below 2^-8 (about 0.004) counts as zero
MAX_EXPONENT = 40  # 2^41 is beyond any behavioural figure
FAILURE = 1e-6  # a stray bin passing alone would give absurd bounds: keep it rare
MAX_GAP = 2  # empty bins allowed between passing bins of one span
_PER_SIGN = MAX_EXPONENT - MIN_EXPONENT + 1
N_BINS = 2 * _PER_SIGN + 1  # negative magnitudes, the zero bin, positive magnitudes
ZERO_BIN = _PER_SIGN


@dataclass(frozen=True)
class FoundBounds:
    """Privately found bounds (None when no bin passed) and how they were found."""

    lower: float | None
    upper: float | None
    threshold: float
    bins_passed: int

    @property
    def found(self) -> bool:
        """Whether usable bounds came out (lower < upper)."""
        return self.lower is not None and self.upper is not None and self.lower < self.upper


def bin_edges() -> np.ndarray:
    """The N_BINS + 1 increasing edges of the histogram (the zero bin spans ±2^MIN_EXPONENT)."""
    magnitudes = 2.0 ** np.arange(MIN_EXPONENT, MAX_EXPONENT + 2)
    return np.concatenate([-magnitudes[::-1], magnitudes])


def histogram(values: Iterable[float]) -> np.ndarray:
    """Counts of the finite values per bin of :func:`bin_edges` (values beyond the edges
    go to the outermost bins)."""
    array = np.asarray(list(values), dtype=float)
    array = array[np.isfinite(array)]
    edges = bin_edges()
    index = np.searchsorted(edges, array, side="right") - 1
    return np.bincount(np.clip(index, 0, N_BINS - 1), minlength=N_BINS)


def threshold(noise_scale: float, *, failure: float = FAILURE) -> float:
    """The noisy count a bin needs to count as holding customers (Laplace scale b)."""
    return noise_scale * math.log(N_BINS / (2 * failure))


def find_bounds(
    values: Iterable[float], add_noise: Callable[[np.ndarray], np.ndarray], noise_scale: float
) -> FoundBounds:
    """Bounds for these values from a noisy log histogram (see the module docstring).

    ``add_noise`` adds independent noise of Laplace scale ``noise_scale`` to each
    count (for example :meth:`nlp.dp.NoiseMechanism.add` with sensitivity 1).
    """
    noisy = np.asarray(add_noise(histogram(values)), dtype=float)
    cut = threshold(noise_scale)
    passed = noisy > cut
    if not passed.any():
        return FoundBounds(None, None, cut, 0)
    anchors = [int(np.argmax(noisy))]
    if passed[ZERO_BIN]:  # the zero bin and the fullest bin away from it
        anchors += [
            ZERO_BIN,
            int(np.argmax(np.where(np.arange(N_BINS) == ZERO_BIN, -np.inf, noisy))),
        ]
    span: set[int] = set()
    for anchor in anchors:
        if passed[anchor]:
            span |= _connected(passed, anchor)
    chosen = sorted(span)
    edges = bin_edges()
    return FoundBounds(float(edges[chosen[0]]), float(edges[chosen[-1] + 1]), cut, len(chosen))


def _connected(passed: np.ndarray, start: int) -> set[int]:
    """The passing bins reachable from `start` through gaps of at most MAX_GAP bins."""
    span = {start}
    for step in (-1, 1):
        last, index = start, start + step
        while 0 <= index < passed.size and abs(index - last) <= MAX_GAP + 1:
            if passed[index]:
                span.add(index)
                last = index
            index += step
    return span
