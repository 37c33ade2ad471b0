"""Benchmark the accuracy of differentially private releases (nlp.dp) on demo data.

Generates the demo dataset (3,000 customers by default) and takes its planted
personas as the segments (no model needed): sizes from the persona labels,
means of the seven behavioural columns from the customer file, and topic
counts from the documents, with stand-in topics (the 89 products of the demo
data grouped into 12 by a stable hash; there is no topic model here). Each
setting is released 200 times with different seeds; the table gives the
median and 95th percentile of the relative error |noisy - exact| / exact of
segment sizes, of per-segment means (also in population standard
deviations) and of topic totals, at ε = 0.1, 1 and 10, with the means'
bounds found privately (VoxSeg's default when none are declared), declared
from the data model, or, as a non-private baseline, the population mean ± 3
std. Writes ``bench/results/dp.md``.

Run from the repository root: ``python bench/bench_dp.py [--customers N] [--releases R]``.
"""

from __future__ import annotations

import argparse
import hashlib
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp.datasets import generate_demo_dataset  # noqa: E402
from nlp.dp import (  # noqa: E402
    DEFAULT_MAX_DOCUMENTS,
    AggregateRelease,
    ReleaseInput,
    random_state_from_key,
)

RESULTS = Path(__file__).resolve().parent / "results" / "dp.md"
FEATURES = (
    "orders_12m",
    "spend_12m",
    "avg_basket",
    "return_rate",
    "coupon_use_rate",
    "days_since_last_order",
    "app_sessions_30d",
)
# Bounds a data owner can declare from the data model alone (the demo generator caps
# purchases at 40 and spans 21 months), not from the values.
DECLARED_BOUNDS = {
    "orders_12m": (0.0, 40.0),
    "spend_12m": (0.0, 5000.0),
    "avg_basket": (0.0, 500.0),
    "return_rate": (0.0, 1.0),
    "coupon_use_rate": (0.0, 1.0),
    "days_since_last_order": (0.0, 640.0),
    "app_sessions_30d": (0.0, 100.0),
}
EPSILONS = (0.1, 1.0, 10.0)
STAND_IN_TOPICS = 12
K = 10


def demo_input(n_customers: int, seed: int) -> tuple[ReleaseInput, pd.DataFrame]:
    """The release input (personas as segments) and the exact customer frame."""
    dataset = generate_demo_dataset(n_customers=n_customers, seed=seed)
    customers = pd.DataFrame(dataset.customers).set_index("customer_id")
    truth = pd.DataFrame(dataset.truth).set_index("customer_id")["persona"]
    personas = sorted(truth.unique())
    members = customers[list(FEATURES)].astype(float)
    members.insert(0, "segment", truth.reindex(members.index).map(personas.index).astype(int))
    documents = pd.DataFrame(dataset.documents)
    documents["topic"] = documents["product"].map(_stand_in_topic)
    documents["segment"] = members["segment"].reindex(documents["customer_id"]).to_numpy()
    documents = documents.rename(columns={"customer_id": "customer"})
    documents = documents.sort_values(["customer", "created_at"], kind="stable")
    data = ReleaseInput(
        members=members.reset_index(drop=True),
        documents=documents[["customer", "segment", "topic"]].reset_index(drop=True),
        segments=tuple(range(len(personas))),
        topics=tuple(range(STAND_IN_TOPICS)),
    )
    return data, documents


def _stand_in_topic(product) -> int:
    if not isinstance(product, str) or not product:
        return -1  # a document about no product: "no clear topic"
    return int(hashlib.sha256(product.encode()).hexdigest(), 16) % STAND_IN_TOPICS


PRIVATE = "found privately (default)"
POPULATION = "population mean ± 3 std (baseline, leaks)"


def population_bounds(members: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Mean ± 3 population standard deviations, as VoxSeg derives from a run's statistics."""
    bounds = {}
    for feature in FEATURES:
        mean, std = members[feature].mean(), members[feature].std(ddof=0)
        bounds[feature] = (mean - 3 * std, mean + 3 * std)
    return bounds


def measure(
    data: ReleaseInput, bounds: dict, epsilon: float, releases: int, cap: int
) -> dict[str, float]:
    """Relative errors of sizes, means and topic totals over `releases` seeded releases."""
    members = data.members
    exact_sizes = members["segment"].value_counts().sort_index()
    exact_means = members.groupby("segment")[list(FEATURES)].mean()
    spread = members[list(FEATURES)].std(ddof=0)
    documents = data.documents
    kept = documents[documents.groupby("customer").cumcount() < cap]
    exact_topics = kept.loc[kept["topic"] >= 0, "topic"].value_counts().sort_index()
    all_topics = documents.loc[documents["topic"] >= 0, "topic"].value_counts()
    size_errors, mean_errors, standardised, seconds = [], [], [], []
    means_asked = means_released = 0
    topic_errors, topic_bias = [], []
    for i in range(releases):
        started = time.perf_counter()
        released = AggregateRelease(
            epsilon=epsilon,
            bounds=bounds,
            min_group_size=K,
            max_documents_per_customer=cap,
            random_state=random_state_from_key(f"bench-dp-{epsilon}-{i}".encode()),
        ).release(data)
        seconds.append(time.perf_counter() - started)
        for segment, exact in exact_sizes.items():
            noisy = released["sizes"]["segments"][str(segment)]
            size_errors.append(abs(noisy - exact) / exact if noisy is not None else 1.0)
        for segment, row in exact_means.iterrows():
            noisy = released["means"]["segments"][str(segment)]
            for feature in FEATURES:
                value = noisy.get(feature)
                means_asked += 1
                if value is None:
                    continue
                means_released += 1
                mean_errors.append(abs(value - row[feature]) / abs(row[feature]))
                standardised.append(abs(value - row[feature]) / spread[feature])
        for topic, exact in exact_topics.items():
            noisy = released["topics"]["totals"][str(topic)]
            topic_errors.append(abs((noisy or 0) - exact) / exact)
            topic_bias.append(abs((noisy or 0) - all_topics[topic]) / all_topics[topic])
    return {
        "size_median": float(np.median(size_errors)),
        "size_p95": float(np.percentile(size_errors, 95)),
        "mean_median": _median(mean_errors),
        "mean_p95": _p95(mean_errors),
        "sd_median": _median(standardised),
        "sd_p95": _p95(standardised),
        "topic_median": float(np.median(topic_errors)),
        "topic_p95": float(np.percentile(topic_errors, 95)),
        "all_median": float(np.median(topic_bias)),
        "all_p95": float(np.percentile(topic_bias, 95)),
        "ms": 1000 * float(np.median(seconds)),
        "means_released": means_released / max(means_asked, 1),
    }


def _median(values: list[float]) -> float:
    return float(np.median(values)) if values else float("nan")


def _p95(values: list[float]) -> float:
    return float(np.percentile(values, 95)) if values else float("nan")


def percent(value: float) -> str:
    return "none released" if np.isnan(value) else f"{100 * value:.1f}%"


def sd(value: float) -> str:
    return "none released" if np.isnan(value) else f"{value:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--releases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    data, documents = demo_input(args.customers, args.seed)
    sizes = data.members["segment"].value_counts()
    per_customer = documents.groupby("customer").size()
    dropped = {cap: (per_customer - cap).clip(lower=0).sum() / len(documents) for cap in (5, 10)}
    topic_sizes = documents.loc[documents["topic"] >= 0, "topic"].value_counts()
    choices = {
        PRIVATE: dict.fromkeys(FEATURES),
        "declared": DECLARED_BOUNDS,
        POPULATION: population_bounds(data.members),
    }
    settings = [(e, PRIVATE, DEFAULT_MAX_DOCUMENTS) for e in EPSILONS]
    settings += [
        (1.0, "declared", DEFAULT_MAX_DOCUMENTS),
        (1.0, POPULATION, DEFAULT_MAX_DOCUMENTS),
        (1.0, PRIVATE, 10),
    ]
    rows = []
    for epsilon, label, cap in settings:
        figures = measure(data, choices[label], epsilon, args.releases, cap)
        rows.append((epsilon, label, cap, figures))
        print(
            f"eps={epsilon:<4} cap={cap:<2} bounds={label[:24]:<24} "
            f"sizes {percent(figures['size_median'])} / "
            f"{percent(figures['size_p95'])}  means {percent(figures['mean_median'])} / "
            f"{percent(figures['mean_p95'])} ({figures['sd_median']:.3f} / "
            f"{figures['sd_p95']:.3f} sd)  topics {percent(figures['topic_median'])} / "
            f"{percent(figures['topic_p95'])} (vs all {percent(figures['all_median'])})  "
            f"{figures['ms']:.1f} ms, means released {percent(figures['means_released'])}"
        )
    lines = [
        "# Differentially private releases: accuracy on demo data",
        "",
        f"Demo data: {args.customers:,} customers (seed {args.seed}), the {len(sizes)} planted "
        f"personas as segments ({sizes.min()}–{sizes.max()} customers each), "
        f"{len(documents):,} documents in {STAND_IN_TOPICS} stand-in topics "
        f"({topic_sizes.min()}–{topic_sizes.max()} documents each; products hashed into "
        f"groups, no topic model). {args.releases} seeded releases per row; pure ε-DP "
        "(Laplace, δ = 0), ε split sizes 1/4, means 1/2 (over 7 features), topics 1/4 "
        "(half totals, half segment × topic cells); at most c documents per customer are "
        f"counted: c = 5 (the default) drops {percent(dropped[5])} of the documents, c = 10 "
        f"drops {percent(dropped[10])}; k = {K}.",
        "",
        "Relative error = |noisy − exact| / exact, median / 95th percentile over every "
        "segment (sizes, means of each feature) or topic (totals) and release. Mean errors "
        "are also given in population standard deviations (sd), since relative errors of "
        "small means (return rates near 0.1) look large. Topic totals are compared with the "
        "capped counts (what is released) and with all documents (Topic.size, so the cap's "
        "bias is included).",
        "",
        "| ε | means' bounds | c | sizes | means | means (sd) | means released "
        "| topic totals (capped) | topic totals (all documents) | ms / release |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for epsilon, label, cap, f in rows:
        lines.append(
            f"| {epsilon:g} | {label} | {cap} "
            f"| {percent(f['size_median'])} / {percent(f['size_p95'])} "
            f"| {percent(f['mean_median'])} / {percent(f['mean_p95'])} "
            f"| {sd(f['sd_median'])} / {sd(f['sd_p95'])} | {percent(f['means_released'])} "
            f"| {percent(f['topic_median'])} / {percent(f['topic_p95'])} "
            f"| {percent(f['all_median'])} / {percent(f['all_p95'])} | {f['ms']:.1f} |"
        )
    lines += [
        "",
        "Bounds found privately (VoxSeg's default when none are declared) come from a noisy "
        "log2 histogram paid for with half of each feature's ε, so a release is ε-DP "
        "as a whole; their price is that half of ε and the clamping of sparse tails. "
        "Declared bounds leak nothing either, but wider ones cost accuracy. Bounds from the "
        "population statistics (mean ± 3 std of the exact data) are a baseline only: they "
        "are not protected by the noise. A larger cap c cuts the cap's bias but multiplies "
        "the topic noise by c.",
        "",
        f"Machine: {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}; diffprivlib mechanisms, one NumPy RandomState per "
        "seeded release.",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
