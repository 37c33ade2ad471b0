"""Sentiment against reviewers' star ratings on held-out real-like reviews.

Two files written independently of the pipeline (``tests/nlp/data/reviews_heldout_a.jsonl``
and ``_b.jsonl``: 505 long, mixed reviews of ten domains each, 1-5 stars). Protocol of
:func:`nlp.sentiment.evaluation.heldout_agreement`: train on a random 60%, score the
other 40%, split seeds 0, 1 and 2, and judge the worst split. The head was developed on
file a only; file b was run once, after the head was settled, and its figure stands as
the unseen worst case (``bench/results/sentiment.md``).

The target is 0.85 binary agreement of the stored label; where it is not reached the
test is marked xfail with the figure measured.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from nlp.sentiment import RatingHead, VaderScorer, rating_label
from nlp.sentiment.evaluation import MajorityScorer, SplitAgreement, heldout_agreement

DATA = Path(__file__).parent / "data"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def one_blas_thread():
    """One BLAS thread: on two busy cores it beats two for these small fits."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture(scope="module")
def embedder():
    from nlp.embed import make_embedder

    return make_embedder("default")


@pytest.fixture(scope="module")
def figures(embedder):
    """Per file, per scorer: the figures of the three splits (computed once per file)."""
    held: dict[str, dict[str, list[SplitAgreement]]] = {}

    def of(suffix: str) -> dict[str, list[SplitAgreement]]:
        if suffix not in held:
            held[suffix] = _measure(suffix, embedder)
        return held[suffix]

    return of


def _measure(suffix: str, embedder) -> dict[str, list[SplitAgreement]]:
    path = DATA / f"reviews_heldout_{suffix}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    texts = [r["text"] for r in rows]
    ratings = [float(r["rating"]) for r in rows]
    embeddings = np.asarray(embedder.encode(texts))
    makers = {
        "VADER": lambda t, e, r: VaderScorer(),
        "majority": lambda t, e, r: MajorityScorer.from_ratings(r),
        "head": lambda t, e, r: RatingHead().fit(e, [rating_label(x) for x in r], texts=t),
    }
    result = {
        name: heldout_agreement(texts, embeddings, ratings, make) for name, make in makers.items()
    }
    for name, splits in result.items():
        print(
            f"\n{path.name} {name:<9} binary "
            + " ".join(f"{s.binary:.3f}" for s in splits)
            + f" (worst {_worst(splits):.3f}; sign worst {min(s.sign for s in splits):.3f}, "
            f"3-way worst {min(s.three_way for s in splits):.3f})"
        )
    return result


def _worst(splits: list[SplitAgreement]) -> float:
    return min(s.binary for s in splits)


@pytest.mark.parametrize("suffix", ["a", "b"])
def test_head_agrees_with_reviewers_far_more_than_vader_and_the_majority(figures, suffix):
    measured = figures(suffix)
    head, vader, majority = (_worst(measured[k]) for k in ("head", "VADER", "majority"))
    assert head >= 0.75
    assert head >= vader + 0.10
    assert head >= majority + 0.10
    # Its worst 3-way agreement (3-star reviews included) beats VADER's as well.
    assert min(s.three_way for s in measured["head"]) > min(s.three_way for s in measured["VADER"])


@pytest.mark.parametrize(
    "suffix",
    [
        pytest.param(
            "a",
            marks=pytest.mark.xfail(
                strict=True,
                reason="0.85 not reached on file a: worst split 0.803 binary (seeds 0-2: 0.825 / 0.803 / "
                "0.814; sign 0.819) against VADER 0.623 and the majority class 0.612",
            ),
        ),
        # First run on file b, after the head was settled: 0.866 / 0.897 / 0.889.
        "b",
    ],
)
def test_head_reaches_the_085_binary_bar(figures, suffix):
    assert _worst(figures(suffix)["head"]) >= 0.85
