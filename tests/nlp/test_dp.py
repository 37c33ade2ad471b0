"""nlp.dp: calibration of the noise, the budget split, post-processing, k, seeds, caps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from nlp.dp import (
    OUTSIDE,
    AggregateRelease,
    NoiseMechanism,
    ReleaseError,
    ReleaseInput,
    budget_split,
    random_state_from_key,
)

DRAWS = 2000
TRUE_COUNT = 120.0
# The sample variance of n draws has a standard error of sqrt((kurtosis - 1) / n) of the
# variance: 10% for Laplace (kurtosis 6) and 3% for a Gaussian at n = 2,000. The tolerances
# are three standard errors.
LAPLACE_VARIANCE_TOLERANCE = 0.15
GAUSSIAN_VARIANCE_TOLERANCE = 0.10
HUGE_EPSILON = 1e6  # noise far below 0.5: rounded figures are the exact ones


def seeded(i: int | str) -> np.random.RandomState:
    return random_state_from_key(f"test-seed-{i}".encode())


def noise_of(epsilon: float, delta: float, sensitivity: float) -> tuple[np.ndarray, float]:
    """DRAWS noisy answers to the fixed count, each from its own seeded release."""
    draws, scale = [], None
    for i in range(DRAWS):
        mechanism = NoiseMechanism(
            epsilon=epsilon,
            delta=delta,
            l1=sensitivity,
            l2=sensitivity,
            random_state=seeded(f"{epsilon}-{delta}-{sensitivity}-{i}"),
        )
        draws.append(mechanism.add([TRUE_COUNT])[0] - TRUE_COUNT)
        scale = mechanism.scale
    return np.asarray(draws), scale


def people(sizes: dict[int, int], *, spend=None) -> pd.DataFrame:
    segments = np.concatenate([np.full(n, s) for s, n in sizes.items()])
    frame = pd.DataFrame({"segment": segments})
    frame["spend"] = spend if spend is not None else 50.0
    return frame


def no_documents() -> pd.DataFrame:
    return pd.DataFrame(columns=["customer", "segment", "topic"])


@pytest.mark.parametrize("epsilon", [0.1, 0.5, 2.0])
def test_laplace_noise_matches_laplace_of_sensitivity_over_epsilon(epsilon):
    noise, scale = noise_of(epsilon, 0.0, 1.0)
    assert scale == pytest.approx(1.0 / epsilon)
    ks = stats.kstest(noise, stats.laplace(scale=1.0 / epsilon).cdf)
    expected = 2 * (1.0 / epsilon) ** 2
    ratio = noise.var() / expected
    print(
        f"laplace eps={epsilon}: KS D={ks.statistic:.4f} p={ks.pvalue:.3f}; "
        f"variance {noise.var():.3f} vs 2b^2 {expected:.3f} (ratio {ratio:.3f}); "
        f"mean {noise.mean():+.3f}"
    )
    assert ks.pvalue > 0.01
    assert abs(ratio - 1) < LAPLACE_VARIANCE_TOLERANCE


def test_laplace_scale_grows_with_sensitivity():
    noise, scale = noise_of(1.0, 0.0, 5.0)  # topic counts with a cap of 5 documents
    ks = stats.kstest(noise, stats.laplace(scale=5.0).cdf)
    print(f"laplace sensitivity 5: b={scale} KS p={ks.pvalue:.3f} var={noise.var():.2f}")
    assert scale == 5.0 and ks.pvalue > 0.01
    assert abs(noise.var() / 50.0 - 1) < LAPLACE_VARIANCE_TOLERANCE


def analytic_gaussian_delta(sigma: float, epsilon: float, sensitivity: float) -> float:
    """δ achieved by N(0, σ²) noise (Balle and Wang 2018, Theorem 8), computed independently."""
    a = sensitivity / (2 * sigma)
    b = epsilon * sigma / sensitivity
    return stats.norm.cdf(a - b) - np.exp(epsilon) * stats.norm.cdf(-a - b)


@pytest.mark.parametrize(("epsilon", "delta"), [(0.5, 1e-5), (2.0, 1e-6)])
def test_gaussian_noise_is_normal_with_the_analytic_sigma(epsilon, delta):
    noise, sigma = noise_of(epsilon, delta, 1.0)
    achieved = analytic_gaussian_delta(sigma, epsilon, 1.0)
    ks = stats.kstest(noise, stats.norm(scale=sigma).cdf)
    ratio = noise.var() / sigma**2
    print(
        f"gaussian eps={epsilon} delta={delta}: sigma={sigma:.4f} gives delta {achieved:.3g}; "
        f"KS D={ks.statistic:.4f} p={ks.pvalue:.3f}; variance ratio {ratio:.3f}"
    )
    assert achieved == pytest.approx(delta, rel=0.01)
    assert ks.pvalue > 0.01
    assert abs(ratio - 1) < GAUSSIAN_VARIANCE_TOLERANCE


def test_released_sizes_are_rounded_laplace_around_the_exact_count():
    data = ReleaseInput(
        members=people({0: 120}), documents=no_documents(), segments=(0,), topics=()
    )
    released = [
        AggregateRelease(
            epsilon=1.0, quantities=["sizes"], min_group_size=10, random_state=seeded(i)
        ).release(data)["sizes"]["segments"]["0"]
        for i in range(DRAWS)
    ]
    values = np.asarray(released, dtype=float)
    expected = 2 * 1.0**2 + 1 / 12  # Laplace(b = 1/ε) plus rounding to whole numbers
    print(f"released sizes: mean {values.mean():.2f} (exact 120), variance {values.var():.3f} "
          f"vs {expected:.3f}")  # fmt: skip
    assert values.dtype == float and np.all(values == np.rint(values))
    assert abs(values.mean() - 120) < 0.15
    assert abs(values.var() / expected - 1) < LAPLACE_VARIANCE_TOLERANCE


def test_the_budget_split_adds_up_and_follows_the_weights():
    split = budget_split(("sizes", "shares", "means", "topics"), 1.0, 1e-5)
    assert split == {
        "sizes": (0.25, 2.5e-6),
        "means": (0.5, 5e-6),
        "topics": (0.25, 2.5e-6),
    }
    assert budget_split(("shares",), 2.0, 0.0) == {"sizes": (2.0, 0.0)}
    assert set(budget_split(("means",), 1.0, 0.0)) == {"sizes", "means"}  # means need the sizes
    assert budget_split(("topics",), 0.3, 0.0) == {"sizes": (0.15, 0.0), "topics": (0.15, 0.0)}


def demo_input() -> ReleaseInput:
    rng = np.random.default_rng(1)
    members = people({0: 200, 1: 150, 2: 9, OUTSIDE: 40}, spend=rng.uniform(0, 100, 399))
    documents = pd.DataFrame(
        {"customer": np.repeat(np.arange(399), 3), "topic": rng.integers(-1, 4, 1197)}
    )
    documents["segment"] = members["segment"].to_numpy()[documents["customer"]]
    return ReleaseInput(
        members=members, documents=documents, segments=(0, 1, 2), topics=(0, 1, 2, 3)
    )


def test_every_part_states_epsilon_delta_mechanism_and_sensitivity():
    released = AggregateRelease(
        epsilon=2.0, bounds={"spend": (0.0, 100.0)}, random_state=seeded(0)
    ).release(demo_input())
    assert (released["epsilon"], released["delta"], released["mechanism"]) == (2.0, 0.0, "laplace")
    assert released["sizes"] | {} and released["sizes"]["sensitivity"] == 1.0
    assert released["sizes"]["noise_scale"] == pytest.approx(1 / 0.5)
    spend = released["means"]["features"]["spend"]
    assert spend["sensitivity"] == 50.0 and spend["epsilon"] == 1.0
    assert spend["bounds"] == [0.0, 100.0] and spend["bounds_source"] == "declared"
    assert released["topics"]["sensitivity"] == 5.0 and released["topics"]["epsilon"] == 0.5
    parts = sum(p["epsilon"] for p in released["split"].values())
    assert parts == pytest.approx(2.0)
    gaussian = AggregateRelease(epsilon=1.0, delta=1e-5, random_state=seeded(0)).release(
        demo_input()
    )
    assert gaussian["mechanism"] == "gaussian_analytic"
    assert gaussian["sizes"]["mechanism"] == "gaussian_analytic"
    assert gaussian["sizes"]["sensitivity_norm"] == "L2"
    assert gaussian["topics"]["delta"] == pytest.approx(2.5e-6)


def test_seeded_releases_are_identical_and_unseeded_ones_differ():
    data = demo_input()

    def release(random_state):
        return AggregateRelease(
            epsilon=1.0, bounds={"spend": (0, 100)}, random_state=random_state
        ).release(data)

    assert release(seeded(7)) == release(seeded(7))
    assert release(seeded(7)) != release(seeded(8))
    fresh = [release(None) for _ in range(3)]
    assert fresh[0] != fresh[1] and fresh[1] != fresh[2]


def test_k_applies_to_noisy_counts():
    released = AggregateRelease(
        epsilon=HUGE_EPSILON, bounds={"spend": (0, 100)}, min_group_size=10, random_state=seeded(1)
    ).release(demo_input())
    assert released["sizes"]["segments"] == {"0": 200, "1": 150, "2": None}  # 9 < k
    assert released["shares"]["segments"]["2"] is None
    assert released["means"]["segments"]["2"] == {"spend": None}
    assert released["topics"]["segments"]["2"] is None
    assert released["sizes"]["outside_segments"] == 40
    small = AggregateRelease(epsilon=HUGE_EPSILON, min_group_size=300).release(demo_input())
    assert set(small["sizes"]["segments"].values()) == {None}
    assert small["sizes"]["total"] == 399  # the total is over everyone, not a group


def test_segments_the_run_reports_as_small_stay_suppressed():
    data = demo_input()
    forced = ReleaseInput(**{**data.__dict__, "small_segments": (1,)})
    released = AggregateRelease(epsilon=HUGE_EPSILON).release(forced)
    assert released["sizes"]["segments"]["1"] is None
    assert released["sizes"]["segments"]["0"] == 200


def test_with_negligible_noise_the_figures_are_the_exact_ones():
    data = demo_input()
    released = AggregateRelease(epsilon=HUGE_EPSILON, bounds={"spend": (0, 100)}).release(data)
    members = data.members
    for segment in (0, 1):
        exact = members.loc[members["segment"] == segment, "spend"].mean()
        assert released["means"]["segments"][str(segment)]["spend"] == pytest.approx(
            exact, abs=1e-3
        )
    assert released["shares"]["segments"]["0"] == pytest.approx(200 / 399, abs=1e-4)
    exact_topics = data.documents.query("topic >= 0").groupby("topic").size()
    assert {int(t): n for t, n in released["topics"]["totals"].items()} == exact_topics.to_dict()
    assert released["means"]["population"]["spend"] == pytest.approx(
        members["spend"].mean(), abs=1e-3
    )


def test_values_are_clamped_to_the_bounds_before_summing():
    members = people({0: 50}, spend=np.r_[np.full(49, 10.0), 10_000.0])
    data = ReleaseInput(members=members, documents=no_documents(), segments=(0,), topics=())
    released = AggregateRelease(epsilon=HUGE_EPSILON, bounds={"spend": (0, 20)}).release(data)
    assert released["means"]["segments"]["0"]["spend"] == pytest.approx((49 * 10 + 20) / 50)


def test_only_the_first_documents_of_each_customer_count():
    members = people({0: 12})
    documents = pd.DataFrame({"customer": [0] * 100 + list(range(1, 12)), "segment": 0, "topic": 1})
    data = ReleaseInput(members=members, documents=documents, segments=(0,), topics=(1,))
    released = AggregateRelease(
        epsilon=HUGE_EPSILON, quantities=["topics"], max_documents_per_customer=3
    ).release(data)
    assert released["topics"]["totals"]["1"] == 3 + 11
    assert released["topics"]["sensitivity"] == 3.0
    assert released["topics"]["epsilon"] == pytest.approx(HUGE_EPSILON / 2)


def test_counts_are_never_negative():
    members = people({0: 10, 1: 10})
    data = ReleaseInput(members=members, documents=no_documents(), segments=(0, 1), topics=(5,))
    for i in range(50):
        released = AggregateRelease(epsilon=0.05, min_group_size=0, random_state=seeded(i)).release(
            data
        )
        counts = [*released["sizes"]["segments"].values(), *released["topics"]["totals"].values()]
        assert min(counts) >= 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"epsilon": 0}, "epsilon must be from 1e-06 to 1e"),
        ({"epsilon": 1e300}, "epsilon must be from 1e-06 to 1e"),
        ({"epsilon": float("nan")}, "epsilon must be from"),
        ({"epsilon": 1, "delta": 1}, "delta must be at least 0 and below 1"),
        ({"epsilon": 1, "quantities": ["sizes", "ages"]}, "unknown quantity ages"),
        ({"epsilon": 1, "quantities": []}, "at least one quantity"),
        ({"epsilon": 1, "bounds": {"spend": (5, 1)}}, "lower < upper"),
        ({"epsilon": 1, "bounds": {"age": (0, 99)}}, "'age' is not a behavioural feature"),
        ({"epsilon": 1, "max_documents_per_customer": 0}, "from 1 to 1000"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(options, message):
    with pytest.raises(ReleaseError, match=message):
        AggregateRelease(**options).release(demo_input())


def test_the_fingerprint_changes_with_the_data():
    data = demo_input()
    changed = data.members.copy()
    changed.loc[0, "spend"] += 1
    other = ReleaseInput(**{**data.__dict__, "members": changed})
    assert data.fingerprint() == demo_input().fingerprint() != other.fingerprint()


def test_topic_totals_combine_their_own_noise_with_the_cells():
    sizes = {s: 30 for s in range(9)} | {OUTSIDE: 30}
    members = people(sizes)
    documents = pd.DataFrame({"customer": np.arange(300), "topic": 0})
    documents["segment"] = members["segment"].to_numpy()
    data = ReleaseInput(members=members, documents=documents, segments=tuple(range(9)), topics=(0,))
    totals = np.array(
        [
            AggregateRelease(
                epsilon=1.0, quantities=["topics"], random_state=seeded(f"t{i}")
            ).release(data)["topics"]["totals"]["0"]
            for i in range(500)
        ],
        dtype=float,
    )
    b = 5 / 0.25  # cap 5 over half of the topics' half of ε = 1
    cells_only = 10 * 2 * b**2  # the sum of ten noisy cells
    combined = 1 / (1 / (2 * b**2) + 1 / cells_only)
    print(f"topic total: mean {totals.mean():.1f} (exact 300), variance {totals.var():.0f}; "
          f"combined {combined:.0f}, cells only {cells_only:.0f}")  # fmt: skip
    assert abs(totals.mean() - 300) < 4 * np.sqrt(combined / 500)
    assert totals.var() < 0.5 * cells_only
    assert abs(totals.var() / combined - 1) < 0.4  # the sample variance's SE is about 20% here


# --- where unseeded noise comes from ------------------------------------------------------------


@pytest.mark.parametrize("delta", [0.0, 1e-6])
def test_unseeded_noise_comes_from_the_operating_system_not_a_seedable_generator(delta):
    import secrets

    def draw() -> np.ndarray:
        np.random.seed(12345)  # whoever can seed numpy's global generator learns nothing
        return NoiseMechanism(epsilon=1.0, delta=delta, l1=1.0, l2=1.0).add([0.0] * 50)

    mechanism = NoiseMechanism(epsilon=1.0, delta=delta, l1=1.0, l2=1.0)
    assert isinstance(mechanism.random_state, secrets.SystemRandom)
    first, second = draw(), draw()
    assert not np.array_equal(first, second)
    assert np.all(np.isfinite(first)) and np.std(first) > 0
