"""Benchmark sentiment against reviewers' star ratings on reviews the scorer was not trained on.

For each held-out review file (``tests/nlp/data/reviews_heldout_*.jsonl``: text,
rating 1-5, domain; written independently of the pipeline), over three split seeds:
train on a random 60% of the reviews, score the other 40%
(:func:`nlp.sentiment.evaluation.heldout_agreement`). Scorers, same splits, same run:
VADER, the majority class of the training ratings, the rating head fitted on the
training reviews, and the scorer ``choose_scorer`` keeps on them (what a run stores).
Embeddings come from ``make_embedder("default")`` and are cached under the system's
temporary folder. Writes ``bench/results/sentiment.md``.

Run from the repository root: ``python bench/bench_sentiment.py [--files a,b]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp.sentiment import (  # noqa: E402
    RatingHead,
    SentimentScorer,
    VaderScorer,
    choose_scorer,
    rating_label,
)
from nlp.sentiment.evaluation import (  # noqa: E402
    MajorityScorer,
    SplitAgreement,
    heldout_agreement,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "nlp" / "data"
RESULTS = ROOT / "bench" / "results" / "sentiment.md"
SEEDS = (0, 1, 2)


def read_reviews(path: Path) -> tuple[list[str], list[float]]:
    """Texts and star ratings of a JSONL review file."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r["text"] for r in rows], [float(r["rating"]) for r in rows]


def embed(texts: list[str]) -> np.ndarray:
    """Document embeddings by the default embedder, cached by model id and texts."""
    from nlp.embed import make_embedder

    embedder = make_embedder("default")
    digest = hashlib.sha256("\0".join([embedder.model_id, *texts]).encode()).hexdigest()[:20]
    cache = Path(tempfile.gettempdir()) / "voxseg-bench-sentiment" / f"{digest}.npy"
    if cache.exists():
        return np.load(cache)
    vectors = np.asarray(embedder.encode(texts))
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, vectors)
    return vectors


def _head(texts: list[str], embeddings: np.ndarray, ratings: list[float]) -> SentimentScorer:
    return RatingHead().fit(embeddings, [rating_label(r) for r in ratings], texts=texts)


def _chosen(texts: list[str], embeddings: np.ndarray, ratings: list[float]) -> SentimentScorer:
    choice, scorer = choose_scorer(texts, embeddings, list(ratings))
    _chosen.kept.append(choice.scorer)  # type: ignore[attr-defined]
    return scorer


_chosen.kept = []  # type: ignore[attr-defined]

SCORERS: dict[str, Callable[[list[str], np.ndarray, list[float]], SentimentScorer]] = {
    "VADER": lambda texts, embeddings, ratings: VaderScorer(),
    "majority class": lambda texts, embeddings, ratings: MajorityScorer.from_ratings(ratings),
    "rating head": _head,
    "chosen by choose_scorer": _chosen,
}


def _row(name: str, scorer: str, figures: list[SplitAgreement], seconds: float) -> str:
    binary = " / ".join(f"{f.binary:.3f}" for f in figures)
    return (
        f"| {name} | {scorer} | {binary} | **{min(f.binary for f in figures):.3f}** "
        f"| {min(f.sign for f in figures):.3f} | {min(f.three_way for f in figures):.3f} "
        f"| {seconds:.1f} |"
    )


def main() -> None:
    """Run every scorer on every file and write the results table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", default="a,b", help="suffixes of reviews_heldout_*.jsonl")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    lines = []
    with threadpool_limits(limits=1, user_api="blas"):
        for suffix in args.files.split(","):
            path = DATA / f"reviews_heldout_{suffix}.jsonl"
            texts, ratings = read_reviews(path)
            started = time.perf_counter()
            embeddings = embed(texts)
            print(f"{path.name}: {len(texts)} reviews, embedded in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
            for scorer, make in SCORERS.items():
                started = time.perf_counter()
                figures = heldout_agreement(texts, embeddings, ratings, make, seeds=SEEDS)
                row = _row(path.name, scorer, figures, time.perf_counter() - started)
                print(row, flush=True)
                lines.append(row)
    _write(args.out, lines, kept=list(_chosen.kept))  # type: ignore[attr-defined]


# Measured while the head was developed, on file a only (b was first run with the head
# settled); kept here so a rerun of this script keeps them beside the table.
DEVELOPMENT_NOTES = [
    "Development, on file a only (file b was run once, with the head settled, and its",
    "first-run figures are the rows above):",
    "",
    "- The head before this one (one 3-class model on embeddings + VADER features and one",
    "  on TF-IDF, probabilities averaged) on the same splits: binary 0.814 / 0.745 / 0.761",
    "  (sign 0.847 / 0.809 / 0.830, 3-way worst 0.708). Training on polarity only and",
    "  calibrating the temperature removed most stored-label misses in the neutral band.",
    "- Alone, on other splits of a (worst / mean sign): document TF-IDF 0.79 / 0.81,",
    "  embedding vote 0.76 / 0.77, sentence-word vote 0.77 / 0.79, sentence-embedding vote",
    "  0.79 / 0.82; the mean of the first three (the head) 0.84 / 0.85. Adding the",
    "  sentence-embedding vote, a learned stacker, VADER features, NB-SVM weights,",
    "  character n-grams, negation marking, ordinal (ridge on stars) votes, weighting by",
    "  distance from 3 stars or by position of the sentence, and the VADER lexicon as",
    "  extra examples: none better.",
    "- Sentence embeddings would cost an encoder pass over every sentence: 2,988 sentences",
    "  of file a took 70 s against 25 s for its 505 documents (default ONNX int8 embedder,",
    "  shared machine), 2.5-3x the document pass, for no measured gain, so the head",
    "  reads sentences through their words only.",
    "- Cost: fitting the votes on 6,551 demo reviews: word vote 1.5 s, sentence vote",
    "  3.3 s, plus both again on 2,000 reviews per calibration fold; scoring with the",
    "  sentence vote 2.6 s (splitting sentences dominates).",
]


def _write(out: Path, rows: list[str], *, kept: list[str]) -> None:
    header = [
        "# Sentiment against reviewers' star ratings",
        "",
        "`python bench/bench_sentiment.py`: for each held-out review file (505 reviews of",
        "ten domains each, written independently of the pipeline; 8% rated 3 stars), train",
        "on a random 60% and score the other 40%, for split seeds 0, 1 and 2, all scorers",
        "on the same splits in one run. **binary**: agreement of the stored label",
        "(`label_of(score)`) on the 1-2 and 4-5 star reviews, a neutral label counting as",
        "a miss; the worst split is the figure to quote. **sign**: the same rows when the",
        "score's sign decides. **3-way**: stored label against the rating's label on all",
        "test reviews. Seconds: the three splits, training and scoring (embeddings cached).",
        "",
        "| file | scorer | binary, seeds 0 / 1 / 2 | binary, worst | sign, worst "
        "| 3-way, worst | seconds |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    footer = [
        "",
        f"`choose_scorer` kept, split by split: {', '.join(kept)}.",
        "",
        *DEVELOPMENT_NOTES,
        "",
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs visible, one BLAS thread.",
    ]
    out.write_text("\n".join(header + rows + footer) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
