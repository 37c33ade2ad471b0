"""Synthetic voice-of-the-customer data with planted psychographic personas.

`generate_demo_dataset` invents customers of a fictitious retailer ("Larkfield")
who belong to one of nine personas, and produces what such a retailer would
hold about them: a customer file with behavioural and sensitive columns,
documents (reviews, survey answers, social posts), a stream of events
(purchases, returns, coupon redemptions, visits) and, separately, the ground
truth (which persona each customer was drawn from). The pipeline never reads
the truth; quality checks use it to measure segment recovery (ARI).

Each persona has a *voice* (what and how it writes: phrase banks in
:mod:`nlp.persona_language`, document kinds, channels, tone, seasonality), a
*behaviour* (distributions of order frequency, basket, returns, coupons, app
use, visits and purchase seasonality; every customer draws their own
parameters, so personas overlap) and mildly skewed *demographics* (age,
gender, region: useful for a bias audit, never decisive).

Text and behaviour are needed together. `TEXT_PLUS_BEHAVIOUR_TRIAD` names
three personas, A = ``style_loyalist``, B = ``style_browser`` and
C = ``occasional_gifter``:

- A and B share one voice (same phrase banks, kinds, channels, tone), so text
  alone cannot tell them apart (``Persona.text_twin``);
- B shares C's behaviour exactly (``Persona.behaviour_twin``): few, small,
  seasonal orders, while A orders often and spends a lot;
- so text alone merges A+B, behaviour alone merges B+C, and only text plus
  behaviour separates all three.

Documents are made realistic on purpose: off-persona sentences (about 15%),
mixed sentiment within a document, typos, emoji, hashtags and @mentions in
social posts, lengths from a few words to several sentences, about 2% of
documents in other languages and about 4% carrying made-up PII (e-mails,
phones, test card numbers, names) so that redaction can be demonstrated.
Review ratings follow the text's sentiment, with noise.

Output is deterministic for a given seed. Timestamps are ISO 8601 UTC strings
ending in ``Z``. Event ``amount`` is money paid (purchase, positive) or given
back (return, negative); coupon redemptions and visits carry 0.0, so amount
sums give net revenue.
"""

from __future__ import annotations

import csv
import functools
import random
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

from nlp.persona_language import (
    BARGAIN,
    BRAND_HANDLE,
    CONTRAST_CONNECTORS,
    ECO,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    FOREIGN,
    FRIEND_MENTION_FRAMES,
    GENERIC,
    GIFT,
    PARENT,
    PII_PHRASES,
    PREMIUM,
    REVIEW_CLOSERS,
    REVIEW_OPENERS,
    SIGN_OFFS,
    SOCIAL_PREFIXES,
    STYLE,
    SUPPORT_HANDLE,
    SURNAMES,
    SURVEY_PREFIXES,
    SURVEY_TOPIC_FRAMES,
    TECH,
    TEST_CARD_NUMBERS,
    TINY,
    VOICE_BANKS,
    WELLNESS,
    PhraseBank,
)

KINDS = ("review", "survey", "social")
EVENT_TYPES = ("purchase", "return", "coupon_redeemed", "visit")
REGIONS = ("london", "south", "east", "west", "midlands", "north", "scotland", "wales")
GENDERS = ("female", "male", "non-binary", "undisclosed")
TONES = ("positive", "mixed", "negative", "neutral")

CUSTOMER_FIELDS = (
    "customer_id",
    "orders_12m",
    "spend_12m",
    "avg_basket",
    "return_rate",
    "coupon_use_rate",
    "days_since_last_order",
    "app_sessions_30d",
    "age",
    "gender",
    "region",
)
DOCUMENT_FIELDS = (
    "customer_id",
    "text",
    "kind",
    "channel",
    "created_at",
    "rating",
    "product",
    "language",
)
EVENT_FIELDS = ("customer_id", "created_at", "amount", "event_type")
TRUTH_FIELDS = ("customer_id", "persona")

TEXT_PLUS_BEHAVIOUR_TRIAD = ("style_loyalist", "style_browser", "occasional_gifter")
"""(A, B, C): A and B write alike, B and C behave alike; see the module docstring."""

OFF_PERSONA_RATE = 0.15  # share of sentences taken from shared chatter or another voice
PII_RATE = 0.04
FOREIGN_RATE = 0.02
MAX_PURCHASES = 40
MAX_EVENTS = 60
_DAY = 86_400
_HOUR_WEIGHTS = (
    0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.3, 1.4, 1.5, 1.6,
    1.9, 1.7, 1.5, 1.5, 1.6, 1.8, 2.0, 2.2, 2.3, 2.0, 1.4, 0.7,
)  # fmt: skip


@dataclass(frozen=True)
class Voice:
    """How a persona writes: phrase bank, document kinds, channels, tone and seasonality.

    Weights are relative. ``kind_weights`` follow `KINDS`; ``tone_weights``
    follow `TONES`; each ``*_channels`` pairs a channel with its weight.
    """

    bank: PhraseBank
    kind_weights: tuple[float, float, float]
    review_channels: tuple[tuple[str, float], ...]
    survey_channels: tuple[tuple[str, float], ...]
    social_channels: tuple[tuple[str, float], ...]
    tone_weights: tuple[float, float, float, float]
    month_weights: tuple[float, ...]


@dataclass(frozen=True)
class Behaviour:
    """What a persona does, as distributions; every customer draws their own parameters.

    Rates and basket are medians of log-normals with sigma ``spread``;
    ``return_rate`` and ``coupon_rate`` are means of beta distributions.
    """

    orders_per_year: float
    basket: float
    return_rate: float
    coupon_rate: float
    app_sessions_30d: float
    visits_per_year: float
    month_weights: tuple[float, ...]
    spread: float = 0.45


@dataclass(frozen=True)
class Demographics:
    """Mild skews of sensitive attributes: likely but never decisive for a persona."""

    mean_age: float
    gender_weights: tuple[float, float, float, float]
    region_weights: tuple[float, ...]


@dataclass(frozen=True)
class Persona:
    """A planted segment: who they are, how they write, what they do.

    ``text_twin`` names the persona writing exactly like this one;
    ``behaviour_twin`` the persona behaving exactly like this one.
    """

    key: str
    name: str
    description: str
    share: float
    voice: Voice
    behaviour: Behaviour
    demographics: Demographics
    text_twin: str | None = None
    behaviour_twin: str | None = None


@dataclass
class DemoDataset:
    """Generated rows, as dicts keyed by the canonical column names of the import."""

    customers: list[dict]
    documents: list[dict]
    events: list[dict]
    truth: list[dict]


def _channels(review: str, survey: str, social: str) -> dict[str, tuple[tuple[str, float], ...]]:
    """Channel weights from three space-separated weight lists (see the *_CHANNELS names)."""
    names = {
        "review_channels": ("web", "app", "trustpilot", "email"),
        "survey_channels": ("email", "in_store", "app", "web"),
        "social_channels": ("x", "instagram", "facebook"),
    }
    specs = {"review_channels": review, "survey_channels": survey, "social_channels": social}
    return {
        field: tuple(zip(names[field], map(float, spec.split()), strict=True))
        for field, spec in specs.items()
    }


def _regions(*boosted: str) -> tuple[float, ...]:
    """Region weights: a national baseline with the named regions made twice as likely."""
    baseline = (0.15, 0.17, 0.10, 0.10, 0.16, 0.17, 0.09, 0.06)
    return tuple(w * (2.0 if r in boosted else 1.0) for r, w in zip(REGIONS, baseline, strict=True))


_ECO_MONTHS = (1.0, 1.0, 1.1, 1.5, 1.1, 1.0, 0.9, 0.9, 1.3, 1.0, 0.9, 1.0)
_BARGAIN_MONTHS = (1.6, 1.0, 0.9, 0.9, 0.9, 1.0, 1.3, 1.0, 0.9, 0.9, 2.0, 1.2)
_PREMIUM_MONTHS = (0.9, 0.9, 1.0, 1.0, 1.0, 0.9, 0.9, 0.9, 1.2, 1.1, 1.1, 1.4)
_PARENT_MONTHS = (1.0, 0.9, 0.9, 1.0, 0.9, 0.9, 1.0, 1.8, 1.6, 1.0, 1.0, 1.3)
_TECH_MONTHS = (1.0, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 0.9, 1.3, 1.0, 1.6, 1.8)
_WELLNESS_MONTHS = (2.0, 1.3, 1.1, 1.0, 1.2, 1.0, 0.9, 0.8, 1.2, 0.9, 0.8, 0.7)
_STYLE_MONTHS = (0.9, 1.0, 1.4, 1.3, 1.1, 1.0, 0.9, 0.9, 1.4, 1.3, 1.0, 1.2)
_GIFT_MONTHS = (0.6, 1.5, 1.3, 0.8, 0.9, 1.2, 0.7, 0.7, 0.8, 0.9, 1.6, 2.6)

_ECO_VOICE = Voice(
    ECO, (0.40, 0.25, 0.35), **_channels(".4 .2 .3 .1", ".5 .2 .1 .2", ".2 .6 .2"),
    tone_weights=(0.45, 0.20, 0.20, 0.15), month_weights=_ECO_MONTHS,
)  # fmt: skip
_BARGAIN_VOICE = Voice(
    BARGAIN, (0.50, 0.25, 0.25), **_channels(".35 .35 .15 .15", ".6 .15 .15 .1", ".2 .2 .6"),
    tone_weights=(0.40, 0.20, 0.28, 0.12), month_weights=_BARGAIN_MONTHS,
)  # fmt: skip
_PREMIUM_VOICE = Voice(
    PREMIUM, (0.60, 0.30, 0.10), **_channels(".45 .05 .3 .2", ".4 .45 .05 .1", ".2 .6 .2"),
    tone_weights=(0.45, 0.20, 0.22, 0.13), month_weights=_PREMIUM_MONTHS,
)  # fmt: skip
_PARENT_VOICE = Voice(
    PARENT, (0.45, 0.30, 0.25), **_channels(".25 .5 .1 .15", ".4 .1 .4 .1", ".15 .35 .5"),
    tone_weights=(0.42, 0.22, 0.24, 0.12), month_weights=_PARENT_MONTHS,
)  # fmt: skip
_TECH_VOICE = Voice(
    TECH, (0.50, 0.20, 0.30), **_channels(".35 .4 .2 .05", ".3 .05 .5 .15", ".6 .2 .2"),
    tone_weights=(0.40, 0.22, 0.26, 0.12), month_weights=_TECH_MONTHS,
)  # fmt: skip
_WELLNESS_VOICE = Voice(
    WELLNESS, (0.40, 0.25, 0.35), **_channels(".35 .4 .15 .1", ".4 .2 .3 .1", ".15 .7 .15"),
    tone_weights=(0.50, 0.18, 0.18, 0.14), month_weights=_WELLNESS_MONTHS,
)  # fmt: skip
_STYLE_VOICE = Voice(
    STYLE, (0.35, 0.15, 0.50), **_channels(".3 .5 .1 .1", ".3 .2 .4 .1", ".15 .75 .1"),
    tone_weights=(0.50, 0.20, 0.20, 0.10), month_weights=_STYLE_MONTHS,
)  # fmt: skip
_GIFT_VOICE = Voice(
    GIFT, (0.60, 0.30, 0.10), **_channels(".5 .05 .2 .25", ".6 .25 .05 .1", ".2 .3 .5"),
    tone_weights=(0.50, 0.18, 0.22, 0.10), month_weights=_GIFT_MONTHS,
)  # fmt: skip

# Few, small, seasonal orders: shared by the style browser and the occasional gifter.
_OCCASIONAL_BEHAVIOUR = Behaviour(
    orders_per_year=2.5, basket=38.0, return_rate=0.05, coupon_rate=0.25,
    app_sessions_30d=2.5, visits_per_year=3.0, month_weights=_GIFT_MONTHS,
)  # fmt: skip

PERSONAS: tuple[Persona, ...] = (
    Persona(
        key="eco_conscious",
        name="Eco-minded shoppers",
        description="Care about packaging, sourcing and repairability; buy less but better.",
        share=0.12,
        voice=_ECO_VOICE,
        behaviour=Behaviour(6.0, 55.0, 0.08, 0.12, 4.0, 5.0, _ECO_MONTHS),
        demographics=Demographics(34, (0.56, 0.38, 0.03, 0.03), _regions("london", "west")),
    ),
    Persona(
        key="bargain_hunter",
        name="Bargain hunters",
        description="Wait for sales, stack codes and points, compare prices everywhere.",
        share=0.13,
        voice=_BARGAIN_VOICE,
        behaviour=Behaviour(11.0, 26.0, 0.12, 0.60, 12.0, 10.0, _BARGAIN_MONTHS),
        demographics=Demographics(41, (0.50, 0.46, 0.02, 0.02), _regions("north", "midlands")),
    ),
    Persona(
        key="quality_seeker",
        name="Premium quality seekers",
        description="Pay for craftsmanship, materials and durability; unforgiving of flaws.",
        share=0.10,
        voice=_PREMIUM_VOICE,
        behaviour=Behaviour(5.0, 165.0, 0.07, 0.04, 3.0, 4.0, _PREMIUM_MONTHS),
        demographics=Demographics(50, (0.45, 0.50, 0.02, 0.03), _regions("london", "south")),
    ),
    Persona(
        key="busy_parent",
        name="Busy parents",
        description="Convenience first: delivery speed, reorders, kids' ranges, no faff.",
        share=0.13,
        voice=_PARENT_VOICE,
        behaviour=Behaviour(15.0, 62.0, 0.10, 0.20, 14.0, 6.0, _PARENT_MONTHS),
        demographics=Demographics(38, (0.62, 0.34, 0.02, 0.02), _regions("midlands", "east")),
    ),
    Persona(
        key="tech_enthusiast",
        name="Tech enthusiasts",
        description="Read spec sheets, live in the app, care about firmware and integrations.",
        share=0.11,
        voice=_TECH_VOICE,
        behaviour=Behaviour(7.0, 115.0, 0.15, 0.10, 24.0, 8.0, _TECH_MONTHS),
        demographics=Demographics(31, (0.30, 0.64, 0.03, 0.03), _regions("london", "east")),
    ),
    Persona(
        key="wellness_focused",
        name="Wellness focused",
        description="Ingredients, sleep, training and self-care; distrust additives and claims.",
        share=0.11,
        voice=_WELLNESS_VOICE,
        behaviour=Behaviour(9.0, 42.0, 0.05, 0.15, 11.0, 6.0, _WELLNESS_MONTHS),
        demographics=Demographics(36, (0.60, 0.35, 0.03, 0.02), _regions("south", "west")),
    ),
    Persona(
        key="style_loyalist",
        name="Style loyalists",
        description="Talk trends and outfits, and buy them: frequent, big, return-heavy orders.",
        share=0.10,
        voice=_STYLE_VOICE,
        behaviour=Behaviour(20.0, 85.0, 0.30, 0.10, 22.0, 12.0, _STYLE_MONTHS),
        demographics=Demographics(29, (0.64, 0.30, 0.04, 0.02), _regions("london", "south")),
        text_twin="style_browser",
    ),
    Persona(
        key="style_browser",
        name="Style browsers",
        description="Talk trends and outfits like the loyalists but rarely buy, and buy small.",
        share=0.10,
        voice=_STYLE_VOICE,
        behaviour=_OCCASIONAL_BEHAVIOUR,
        demographics=Demographics(24, (0.60, 0.33, 0.05, 0.02), _regions("north", "scotland")),
        text_twin="style_loyalist",
        behaviour_twin="occasional_gifter",
    ),
    Persona(
        key="occasional_gifter",
        name="Occasional gifters",
        description="Shop for presents around birthdays and holidays; wrapping and cut-offs.",
        share=0.10,
        voice=_GIFT_VOICE,
        behaviour=_OCCASIONAL_BEHAVIOUR,
        demographics=Demographics(55, (0.52, 0.44, 0.01, 0.03), _regions("scotland", "wales")),
        behaviour_twin="style_browser",
    ),
)


def generate_demo_dataset(
    *,
    n_customers: int = 3000,
    seed: int = 7,
    start: date = date(2025, 1, 1),
    end: date = date(2026, 9, 30),
) -> DemoDataset:
    """Generate customers, documents, events and ground truth with planted personas."""
    if n_customers < 1:
        raise ValueError(f"n_customers must be at least 1, got {n_customers}")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    window = _Window(start, end)
    rng = np.random.default_rng(seed)
    persona_idx = _assign_personas(n_customers, rng)
    customer_ids = _customer_ids(n_customers, rng)
    latent = _draw_latent_behaviour(persona_idx, rng)
    activity = _simulate_events(persona_idx, latent, window, rng)
    documents = _documents(customer_ids, persona_idx, activity, window, rng, random.Random(seed))
    return DemoDataset(
        customers=_customer_rows(customer_ids, persona_idx, latent, activity, window, rng),
        documents=documents,
        events=_event_rows(customer_ids, activity),
        truth=sorted(
            (
                {"customer_id": cid, "persona": PERSONAS[p].key}
                for cid, p in zip(customer_ids, persona_idx.tolist(), strict=True)
            ),
            key=lambda row: row["customer_id"],
        ),
    )


def write_demo_dataset(dataset: DemoDataset, out_dir: Path) -> dict[str, Path]:
    """Write the dataset as four UTF-8 CSV files in ``out_dir``; return their paths by name."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {
        "customers": (CUSTOMER_FIELDS, dataset.customers),
        "documents": (DOCUMENT_FIELDS, dataset.documents),
        "events": (EVENT_FIELDS, dataset.events),
        "truth": (TRUTH_FIELDS, dataset.truth),
    }
    paths = {}
    for name, (fields, rows) in tables.items():
        path = out_dir / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        paths[name] = path
    return paths


# --- time ------------------------------------------------------------------------------------


class _Window:
    """The closed date range [start, end] as epoch seconds, with seasonal day sampling."""

    def __init__(self, start: date, end: date) -> None:
        self.start_ts = int(datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp())
        self.n_days = (end - start).days + 1
        self.end_ts = self.start_ts + self.n_days * _DAY - 1
        self.years = self.n_days / 365.25
        first = np.datetime64(start, "D")
        self._months = (
            np.arange(first, first + self.n_days).astype("datetime64[M]").astype(int)
        ) % 12

    def times(
        self, groups: np.ndarray, month_weights: list[tuple[float, ...]], rng: np.random.Generator
    ) -> np.ndarray:
        """One timestamp per row; row i follows the month weights of group ``groups[i]``."""
        out = np.empty(groups.size, dtype=np.int64)
        for group, weights in enumerate(month_weights):
            rows = np.flatnonzero(groups == group)
            if rows.size == 0:
                continue
            day_p = np.asarray(weights)[self._months]
            days = rng.choice(self.n_days, size=rows.size, p=day_p / day_p.sum())
            out[rows] = self.start_ts + days * _DAY + _seconds_of_day(rows.size, rng)
        return out


def _seconds_of_day(size: int, rng: np.random.Generator) -> np.ndarray:
    hour_p = np.asarray(_HOUR_WEIGHTS) / sum(_HOUR_WEIGHTS)
    return rng.choice(24, size=size, p=hour_p) * 3600 + rng.integers(0, 3600, size=size)


def _iso(timestamps: np.ndarray) -> list[str]:
    text = np.datetime_as_string(timestamps.astype("datetime64[s]"), unit="s")
    return [t + "Z" for t in text.tolist()]


# --- customers and behaviour -----------------------------------------------------------------


def _assign_personas(n: int, rng: np.random.Generator) -> np.ndarray:
    """Persona index per customer, in exact proportion to the shares, in random order."""
    shares = np.array([p.share for p in PERSONAS])
    exact = shares / shares.sum() * n
    counts = np.floor(exact).astype(int)
    counts[np.argsort(counts - exact)[: n - counts.sum()]] += 1
    return rng.permutation(np.repeat(np.arange(len(PERSONAS)), counts))


def _customer_ids(n: int, rng: np.random.Generator) -> list[str]:
    width = max(6, len(str(n * 3)))
    numbers = rng.choice(10**width - 1, size=n, replace=False) + 1
    return [f"CUST-{number:0{width}d}" for number in numbers.tolist()]


@dataclass
class _Latent:
    """Each customer's own behaviour parameters, drawn from their persona's distributions."""

    order_rate: np.ndarray
    basket: np.ndarray
    return_p: np.ndarray
    coupon_p: np.ndarray
    visit_rate: np.ndarray
    app_sessions: np.ndarray


def _draw_latent_behaviour(persona_idx: np.ndarray, rng: np.random.Generator) -> _Latent:
    def column(attribute: str) -> np.ndarray:
        return np.array([getattr(p.behaviour, attribute) for p in PERSONAS])[persona_idx]

    n = persona_idx.size
    spread = column("spread")

    def lognormal(attribute: str) -> np.ndarray:
        return column(attribute) * rng.lognormal(0.0, spread, n)

    def beta(attribute: str, concentration: float = 20.0) -> np.ndarray:
        mean = column(attribute)
        return rng.beta(mean * concentration, (1 - mean) * concentration)

    return _Latent(
        order_rate=lognormal("orders_per_year"),
        basket=lognormal("basket"),
        return_p=beta("return_rate"),
        coupon_p=beta("coupon_rate"),
        visit_rate=lognormal("visits_per_year"),
        app_sessions=rng.poisson(lognormal("app_sessions_30d")),
    )


@dataclass
class _Activity:
    """Simulated events as parallel arrays; purchases are kept grouped by customer."""

    customer: np.ndarray
    time: np.ndarray
    amount: np.ndarray
    kind: np.ndarray  # index into EVENT_TYPES
    purchase_counts: np.ndarray
    purchase_offsets: np.ndarray
    purchase_times: np.ndarray


def _simulate_events(
    persona_idx: np.ndarray, latent: _Latent, window: _Window, rng: np.random.Generator
) -> _Activity:
    """Purchases, returns of some of them, coupons used on some of them, and visits.

    A customer has at most `MAX_EVENTS` events: visits go first, then coupons,
    then returns; purchases (at most `MAX_PURCHASES`) are always kept.
    """
    n = persona_idx.size
    seasons = [p.behaviour.month_weights for p in PERSONAS]
    counts = np.clip(rng.poisson(latent.order_rate * window.years), 1, MAX_PURCHASES)
    buyer = np.repeat(np.arange(n), counts)
    bought_at = window.times(persona_idx[buyer], seasons, rng)
    paid = np.maximum(2.0, np.round(latent.basket[buyer] * rng.lognormal(0, 0.35, buyer.size), 2))

    returned = rng.random(buyer.size) < latent.return_p[buyer]
    returned_at = bought_at[returned] + rng.integers(2 * _DAY, 30 * _DAY, returned.sum())
    in_window = returned_at <= window.end_ts
    share_back = np.where(rng.random(returned.sum()) < 0.75, 1.0, rng.uniform(0.3, 0.9))
    refund = -np.round(paid[returned] * share_back, 2)
    returner, returned_at, refund = (
        buyer[returned][in_window],
        returned_at[in_window],
        refund[in_window],
    )

    couponed = rng.random(buyer.size) < latent.coupon_p[buyer]
    coupon_at = np.minimum(bought_at[couponed] + rng.integers(0, 60, couponed.sum()), window.end_ts)

    visits = rng.poisson(latent.visit_rate * window.years)
    visitor = np.repeat(np.arange(n), visits)
    visited_at = window.times(persona_idx[visitor], seasons, rng)

    parts = (
        (buyer, bought_at, paid, 0),
        (returner, returned_at, refund, 1),
        (buyer[couponed], coupon_at, np.zeros(couponed.sum()), 2),
        (visitor, visited_at, np.zeros(visitor.size), 3),
    )
    customer = np.concatenate([p[0] for p in parts])
    kind = np.concatenate([np.full(p[0].size, p[3]) for p in parts])
    keep = _first_per_customer(customer, kind, MAX_EVENTS, rng)
    return _Activity(
        customer=customer[keep],
        time=np.concatenate([p[1] for p in parts])[keep],
        amount=np.concatenate([p[2] for p in parts])[keep],
        kind=kind[keep],
        purchase_counts=counts,
        purchase_offsets=np.cumsum(counts) - counts,
        purchase_times=bought_at,
    )


def _first_per_customer(
    customer: np.ndarray, priority: np.ndarray, limit: int, rng: np.random.Generator
) -> np.ndarray:
    """Mask keeping each customer's ``limit`` rows of lowest priority (ties broken at random)."""
    order = np.lexsort((rng.random(customer.size), priority, customer))
    grouped = customer[order]
    rank = np.arange(grouped.size) - np.searchsorted(grouped, grouped, side="left")
    keep = np.empty(customer.size, dtype=bool)
    keep[order] = rank < limit
    return keep


def _customer_rows(
    customer_ids: list[str],
    persona_idx: np.ndarray,
    latent: _Latent,
    activity: _Activity,
    window: _Window,
    rng: np.random.Generator,
) -> list[dict]:
    """Customer file rows: behaviour summarised from the events, plus sensitive attributes."""
    n = persona_idx.size
    is_purchase = activity.kind == 0
    buyer = activity.customer[is_purchase]
    when, paid = activity.time[is_purchase], activity.amount[is_purchase]
    recent = when > window.end_ts - 365 * _DAY
    purchases = np.bincount(buyer, minlength=n)
    returns = np.bincount(activity.customer[activity.kind == 1], minlength=n)
    coupons = np.bincount(activity.customer[activity.kind == 2], minlength=n)
    last = np.zeros(n, dtype=np.int64)
    np.maximum.at(last, buyer, when)
    columns = {
        "customer_id": customer_ids,
        "orders_12m": np.bincount(buyer[recent], minlength=n).tolist(),
        "spend_12m": np.round(np.bincount(buyer[recent], paid[recent], minlength=n), 2).tolist(),
        "avg_basket": np.round(np.bincount(buyer, paid, minlength=n) / purchases, 2).tolist(),
        "return_rate": np.round(returns / purchases, 3).tolist(),
        "coupon_use_rate": np.round(coupons / purchases, 3).tolist(),
        "days_since_last_order": ((window.end_ts - last) // _DAY).tolist(),
        "app_sessions_30d": latent.app_sessions.tolist(),
        **_sensitive_columns(persona_idx, rng),
    }
    rows = [
        dict(zip(CUSTOMER_FIELDS, values, strict=True))
        for values in zip(*(columns[f] for f in CUSTOMER_FIELDS), strict=True)
    ]
    return sorted(rows, key=lambda row: row["customer_id"])


def _sensitive_columns(persona_idx: np.ndarray, rng: np.random.Generator) -> dict[str, list]:
    demographics = [p.demographics for p in PERSONAS]
    mean_age = np.array([d.mean_age for d in demographics])[persona_idx]
    age = np.clip(np.round(rng.normal(mean_age, 11.0)), 18, 85).astype(int)
    gender = _categorical([d.gender_weights for d in demographics], persona_idx, rng)
    region = _categorical([d.region_weights for d in demographics], persona_idx, rng)
    return {
        "age": age.tolist(),
        "gender": [GENDERS[i] for i in gender.tolist()],
        "region": [REGIONS[i] for i in region.tolist()],
    }


def _categorical(
    weights: list[tuple[float, ...]], groups: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """One category index per row, drawn from the (relative) weights of the row's group."""
    table = np.asarray(weights, dtype=float)
    cumulative = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)[groups]
    picks = (rng.random(groups.size)[:, None] > cumulative).sum(axis=1)
    return np.minimum(picks, table.shape[1] - 1)


def _event_rows(customer_ids: list[str], activity: _Activity) -> list[dict]:
    order = np.lexsort((activity.customer, activity.time))
    ids = np.asarray(customer_ids, dtype=object)[activity.customer[order]].tolist()
    types = np.asarray(EVENT_TYPES, dtype=object)[activity.kind[order]].tolist()
    amounts = np.round(activity.amount[order], 2).tolist()
    return [
        {"customer_id": c, "created_at": t, "amount": a, "event_type": e}
        for c, t, a, e in zip(ids, _iso(activity.time[order]), amounts, types, strict=True)
    ]


# --- documents -------------------------------------------------------------------------------


def _document_counts(n: int, rng: np.random.Generator) -> np.ndarray:
    """Documents per customer: some none, most 1-8, a few prolific writers with 15-40."""
    counts = 1 + np.minimum(rng.poisson(2.4, n), 7)
    u = rng.random(n)
    counts[u < 0.08] = 0
    prolific = u > 0.975
    counts[prolific] = rng.integers(15, 41, prolific.sum())
    return counts


def _documents(
    customer_ids: list[str],
    persona_idx: np.ndarray,
    activity: _Activity,
    window: _Window,
    rng: np.random.Generator,
    rnd: random.Random,
) -> list[dict]:
    """Document rows in time order; reviews follow one of the customer's purchases."""
    author = np.repeat(np.arange(persona_idx.size), _document_counts(persona_idx.size, rng))
    persona = persona_idx[author]
    kind = _categorical([p.voice.kind_weights for p in PERSONAS], persona, rng)
    created = _document_times(author, persona, kind, activity, window, rng)
    language = np.where(rng.random(author.size) < FOREIGN_RATE, rng.integers(0, 3, author.size), -1)
    with_pii = rng.random(author.size) < PII_RATE
    noise = rng.normal(0.0, 0.85, author.size)
    rated = rng.random(author.size) < 0.6
    writer = _DocumentWriter(rnd)
    languages = ("en", *FOREIGN)
    rows = []
    for who, p, k, lang, pii, jitter, has_rating in zip(
        author.tolist(),
        persona.tolist(),
        [KINDS[k] for k in kind.tolist()],
        [languages[i + 1] for i in language.tolist()],
        with_pii.tolist(),
        noise.tolist(),
        rated.tolist(),
        strict=True,
    ):
        voice = PERSONAS[p].voice
        draft = writer.write(k, voice, language=lang, with_pii=pii)
        rows.append(
            {
                "customer_id": customer_ids[who],
                "text": draft.text,
                "kind": k,
                "channel": writer.channel(k, voice),
                "created_at": None,
                "rating": _rating(k, draft.sentiment, jitter, has_rating),
                "product": draft.product if k == "review" else None,
                "language": lang,
            }
        )
    order = np.argsort(created, kind="stable")
    stamps = _iso(created[order])
    ordered = [rows[i] for i in order.tolist()]
    for row, stamp in zip(ordered, stamps, strict=True):
        row["created_at"] = stamp
    return ordered


def _document_times(
    author: np.ndarray,
    persona: np.ndarray,
    kind: np.ndarray,
    activity: _Activity,
    window: _Window,
    rng: np.random.Generator,
) -> np.ndarray:
    created = window.times(persona, [p.voice.month_weights for p in PERSONAS], rng)
    reviews = np.flatnonzero(kind == 0)
    counts = activity.purchase_counts[author[reviews]]
    pick = activity.purchase_offsets[author[reviews]] + (rng.random(reviews.size) * counts).astype(
        int
    )
    after = activity.purchase_times[pick] + rng.integers(_DAY, 21 * _DAY, reviews.size)
    created[reviews] = np.minimum(after, window.end_ts)
    return created


def _rating(kind: str, sentiment: float, noise: float, rated: bool) -> int | None:
    """Reviews: 1-5 stars that follow the sentiment; surveys: NPS 0-10 mapped to 1-5, or none."""
    if kind == "review":
        return int(min(5, max(1, round(3.1 + 1.7 * sentiment + noise))))
    if kind == "survey" and rated:
        nps = int(min(10, max(0, round(7 + 3 * sentiment + 1.9 * noise))))
        return 1 + min(4, max(0, nps - 1) // 2)
    return None


@dataclass(frozen=True)
class _Draft:
    text: str
    sentiment: float  # mean polarity of the sentences, in [-1, 1]
    product: str | None


_TONE_POLARITIES = {
    "positive": ((1, 0, -1), (0.78, 0.17, 0.05)),
    "negative": ((-1, 0, 1), (0.72, 0.20, 0.08)),
    "neutral": ((0, 1, -1), (0.60, 0.20, 0.20)),
    "mixed": ((1, -1, 0), (0.42, 0.42, 0.16)),
}
_POLARITY_TONE = {1: "positive", -1: "negative", 0: "neutral"}
_LENGTHS = {
    "review": ((1, 2, 3, 4, 5, 6, 7), (24, 28, 20, 12, 8, 5, 3)),
    "survey": ((1, 2, 3, 4), (45, 33, 15, 7)),
    "social": ((1, 2, 3), (60, 32, 8)),
}
_TINY_RATE = {"review": 0.07, "survey": 0.05, "social": 0.10}
_TYPO_RATE = {"review": 0.015, "survey": 0.015, "social": 0.03}
_OTHER_BANKS = {bank.key: tuple(b for b in VOICE_BANKS if b is not bank) for bank in VOICE_BANKS}


class _DocumentWriter:
    """Composes documents from phrase banks; all its randomness comes from ``rnd``."""

    def __init__(self, rnd: random.Random) -> None:
        self._rnd = rnd

    def write(self, kind: str, voice: Voice, *, language: str, with_pii: bool) -> _Draft:
        """One document of ``kind`` in ``voice``, with typos, and with PII when asked."""
        tone = self._rnd.choices(TONES, voice.tone_weights)[0]
        product = self._rnd.choice(voice.bank.products)
        if language != "en":
            draft = self._foreign(language, tone, product)
        elif self._rnd.random() < _TINY_RATE[kind]:
            draft = self._tiny(kind, tone, voice.bank, product)
        else:
            compose = {"review": self._review, "survey": self._survey, "social": self._social}
            draft = compose[kind](tone, voice.bank, product)
            draft = replace(draft, text=_with_typos(draft.text, self._rnd, _TYPO_RATE[kind]))
        if with_pii:
            draft = replace(draft, text=self._with_pii(draft.text))
        return draft

    def channel(self, kind: str, voice: Voice) -> str:
        """A channel for a document of ``kind`` written in ``voice``."""
        options = getattr(voice, f"{kind}_channels")
        return self._rnd.choices([c for c, _ in options], [w for _, w in options])[0]

    # --- kinds

    def _review(self, tone: str, bank: PhraseBank, product: str) -> _Draft:
        polarities = self._polarities(tone, self._length("review"))
        sentences = self._body(tone, polarities, bank, product)
        if self._rnd.random() < 0.35:
            sentences.insert(0, _sentence(self._rnd.choice(REVIEW_OPENERS).format(product=product)))
        sentiment = sum(polarities) / len(polarities)
        if self._rnd.random() < 0.3:
            closing = "positive" if sentiment > 0 else "negative" if sentiment < 0 else "neutral"
            closer = self._rnd.choice(REVIEW_CLOSERS[closing])
            sentences.append(self._sentence(closer, 1 if closing == "positive" else 0))
        if self._rnd.random() < 0.06:
            sentences.append(self._rnd.choice(bank.emoji))
        separator = "\n" if len(sentences) >= 4 and self._rnd.random() < 0.1 else " "
        return _Draft(separator.join(sentences), sentiment, product)

    def _survey(self, tone: str, bank: PhraseBank, product: str) -> _Draft:
        polarities = self._polarities(tone, self._length("survey"))
        sentences = self._body(tone, polarities, bank, product)
        prefix = self._rnd.choice(SURVEY_PREFIXES[_POLARITY_TONE[polarities[0]]])
        if prefix:
            sentences[0] = prefix + _decapitalise(sentences[0])
        if self._rnd.random() < 0.35:
            frame = self._rnd.choice(SURVEY_TOPIC_FRAMES)
            sentences.insert(0, _sentence(frame.format(topic=self._rnd.choice(bank.topics))))
        return _Draft(" ".join(sentences), sum(polarities) / len(polarities), product)

    def _social(self, tone: str, bank: PhraseBank, product: str) -> _Draft:
        rnd = self._rnd
        polarities = self._polarities(tone, self._length("social"))
        body = " ".join(self._body(tone, polarities, bank, product))
        prefix = rnd.choice(SOCIAL_PREFIXES)
        text = prefix + _decapitalise(body) if prefix else body
        if rnd.random() < 0.4:
            text = text.lower()
        sentiment = sum(polarities) / len(polarities)
        if rnd.random() < 0.35:
            handle = SUPPORT_HANDLE if sentiment < 0 and rnd.random() < 0.6 else BRAND_HANDLE
            text = f"{handle} {text}" if rnd.random() < 0.5 else f"{text} {handle}"
        if rnd.random() < 0.12:
            text += " " + rnd.choice(FRIEND_MENTION_FRAMES).format(handle=self._handle())
        if rnd.random() < 0.7:
            text += " " + "".join(rnd.choices(bank.emoji, k=rnd.randint(1, 3)))
        if rnd.random() < 0.65:
            tags = rnd.sample(bank.hashtags, rnd.randint(1, 3))
            tags += [rnd.choice(GENERIC.hashtags)] if rnd.random() < 0.15 else []
            text += " " + " ".join(tags)
        return _Draft(text, sentiment, product)

    def _tiny(self, kind: str, tone: str, bank: PhraseBank, product: str) -> _Draft:
        """A few words: a stock phrase, or for surveys sometimes just a topic."""
        tone = tone if tone in TINY else "neutral"
        if kind == "survey" and self._rnd.random() < 0.5:
            return _Draft(_sentence(self._rnd.choice(bank.topics)), 0.0, product)
        text = self._rnd.choice(TINY[tone])
        if kind == "social" or self._rnd.random() < 0.2:
            text += " " + self._rnd.choice(bank.emoji)
        elif self._rnd.random() < 0.5:
            text += "!" if tone == "positive" else "."
        return _Draft(text, {"positive": 1.0, "negative": -1.0}.get(tone, 0.0), product)

    def _foreign(self, language: str, tone: str, product: str) -> _Draft:
        tone = tone if tone in TINY else "neutral"
        options = FOREIGN[language][tone]
        text = ". ".join(self._rnd.sample(options, min(len(options), self._rnd.randint(1, 2))))
        return _Draft(text + ".", {"positive": 1.0, "negative": -1.0}.get(tone, 0.0), product)

    # --- sentences

    def _length(self, kind: str) -> int:
        lengths, weights = _LENGTHS[kind]
        return self._rnd.choices(lengths, weights)[0]

    def _polarities(self, tone: str, n: int) -> list[int]:
        """Sentence polarities (+1, 0, -1) for a document; mixed ones open with a contrast."""
        values, weights = _TONE_POLARITIES[tone]
        if tone == "mixed":
            n = max(n, 2)
        polarities = self._rnd.choices(values, weights, k=n)
        if tone == "mixed":
            polarities[:2] = (1, -1) if self._rnd.random() < 0.6 else (-1, 1)
        return polarities

    def _body(self, tone: str, polarities: list[int], bank: PhraseBank, product: str) -> list[str]:
        used: set[str] = set()
        clauses = [self._clause(p, bank, product, used) for p in polarities]
        if tone == "mixed":
            follow = "then_negative" if polarities[1] < 0 else "then_positive"
            connector = self._rnd.choice(CONTRAST_CONNECTORS[follow])
            clauses[:2] = [clauses[0].rstrip("?!") + connector + clauses[1]]
        # A merged contrast ends on its second clause, so it takes that clause's polarity.
        ends = polarities[1:] if tone == "mixed" else polarities
        return [self._sentence(c, p) for c, p in zip(clauses, ends, strict=True)]

    def _sentence(self, clause: str, polarity: int = 0) -> str:
        """End a clause with '.', or now and then with '!' when it is positive."""
        if polarity > 0 and self._rnd.random() < 0.3:
            return _sentence(clause, end="!")
        return _sentence(clause)

    def _clause(self, polarity: int, bank: PhraseBank, product: str, used: set[str]) -> str:
        """A filled template of this polarity, now and then off-persona, not one in ``used``."""
        rnd = self._rnd
        if rnd.random() < OFF_PERSONA_RATE:
            bank = GENERIC if rnd.random() < 0.6 else rnd.choice(_OTHER_BANKS[bank.key])
            product = rnd.choice(bank.products)
        templates = {1: bank.praise, -1: bank.complaints, 0: bank.neutral}[polarity]
        template = rnd.choice(templates)
        if template in used:
            template = rnd.choice(templates)
        used.add(template)
        topic = rnd.choice(bank.topics)
        if _is_plural(topic):
            template = _plural_agreement(template, "topic")
        if _is_plural(product):
            template = _plural_agreement(template, "product")
        values = {"topic": topic, "product": product}
        if "{price}" in template or "{saving}" in template:
            values["price"] = f"{rnd.randint(4, 180)}.{rnd.choice(('00', '49', '99'))}"
            values["saving"] = str(rnd.randint(2, 40))
        return template.format(**values)

    # --- personal data

    def _with_pii(self, text: str) -> str:
        rnd = self._rnd
        first, last = rnd.choice(FIRST_NAMES), rnd.choice(SURNAMES)
        kind = rnd.choices(("email", "phone", "card", "name"), (35, 35, 10, 20))[0]
        if kind == "name" and rnd.random() < 0.5:
            return f"{text} {rnd.choice(SIGN_OFFS).format(first=first, last=last)}"
        phrase = rnd.choice(PII_PHRASES[kind]).format(
            email=_email(first, last, rnd),
            phone=_phone(rnd),
            card=_card(rnd),
            first=first,
            last=last,
        )
        text = (
            f"{_sentence(phrase)} {text}" if rnd.random() < 0.25 else f"{text} {_sentence(phrase)}"
        )
        if kind != "name" and rnd.random() < 0.3:
            text += " " + rnd.choice(SIGN_OFFS).format(first=first, last=last)
        return text

    def _handle(self) -> str:
        rnd = self._rnd
        first, last = rnd.choice(FIRST_NAMES).lower(), rnd.choice(SURNAMES).lower()
        return "@" + rnd.choice(
            (f"{first}_{last[0]}", f"{first}{last}", f"{first}.{last}{rnd.randint(1, 99)}")
        )


def _sentence(clause: str, *, end: str = ".") -> str:
    """Capitalise a clause and end it with ``end`` unless it already ends a sentence."""
    if clause[-1] in "?!.":
        return clause[0].upper() + clause[1:]
    return clause[0].upper() + clause[1:] + end


def _decapitalise(sentence: str) -> str:
    """Lower-case the first letter so the sentence can follow a prefix; 'I' stays."""
    if sentence.startswith(("I ", "I'")):
        return sentence
    return sentence[0].lower() + sentence[1:]


_SINGULAR_ENDINGS = ("ss", "us", "um", "is")
_PLURAL_TOPICS = frozenset({"the gifts under £20", "the ribbon and tissue paper"})
_PLURAL_VERBS = {
    "is": "are",
    "was": "were",
    "has": "have",
    "isn't": "aren't",
    "wasn't": "weren't",
    "doesn't": "don't",
    "does": "do",
    "seems": "seem",
    "makes": "make",
    "keeps": "keep",
    "feels": "feel",
    "looks": "look",
    "goes": "go",
    "fits": "fit",
    "puts": "put",
    "rivals": "rival",
    "beats": "beat",
    "decides": "decide",
    "matters": "matter",
    "supports": "support",
    "justifies": "justify",
    "excludes": "exclude",
    "crashes": "crash",
    "logs": "log",
    "works": "work",
}


def _is_plural(topic: str) -> bool:
    last = topic.rsplit(" ", 1)[-1]
    return topic in _PLURAL_TOPICS or (last.endswith("s") and not last.endswith(_SINGULAR_ENDINGS))


@functools.cache
def _plural_agreement(template: str, slot: str) -> str:
    """The template with the verbs next to ``{slot}`` agreeing with a plural filler."""

    def plural(match: re.Match[str]) -> str:
        verb = match.group(1)
        return match.group(0).replace(verb, _PLURAL_VERBS.get(verb, verb), 1)

    placeholder = re.escape("{" + slot + "}")
    after = re.compile(placeholder + r" ([a-z']+)")
    before = re.compile(r"\b(is|does) (?:the )?" + placeholder)
    return before.sub(plural, after.sub(plural, template))


def _with_typos(text: str, rnd: random.Random, rate: float) -> str:
    """Swap, drop or double a letter in about ``rate`` of the longer plain words."""
    words = text.split(" ")
    changed = False
    for i, word in enumerate(words):
        if len(word) > 3 and rnd.random() < rate and word.isalpha():
            j = rnd.randrange(len(word) - 1)
            edit = rnd.randrange(3)
            if edit == 0:
                words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
            elif edit == 1:
                words[i] = word[:j] + word[j + 1 :]
            else:
                words[i] = word[: j + 1] + word[j:]
            changed = True
    return " ".join(words) if changed else text


def _email(first: str, last: str, rnd: random.Random) -> str:
    first, last = first.lower(), last.lower()
    local = rnd.choice(
        (f"{first}.{last}", f"{first}{last}{rnd.randint(1, 99)}", f"{first[0]}.{last}")
    )
    return f"{local}@{rnd.choice(EMAIL_DOMAINS)}"


def _phone(rnd: random.Random) -> str:
    """A fictitious number (drama ranges) in an international or a local format."""
    uk, us = f"{rnd.randint(0, 999):03d}", f"{rnd.randint(0, 99):02d}"
    return rnd.choice(
        (
            f"+44 7700 900{uk}",
            f"+447700900{uk}",
            f"07700 900{uk}",
            f"07700 900 {uk}",
            f"+1 (212) 555-01{us}",
            f"(212) 555-01{us}",
            f"212-555-01{us}",
            f"+49 30 23125{uk}",
        )
    )


def _card(rnd: random.Random) -> str:
    number = rnd.choice(TEST_CARD_NUMBERS)
    separator = rnd.choice((" ", "-", ""))
    if len(number) == 15:
        groups = (number[:4], number[4:10], number[10:])
    else:
        groups = tuple(number[i : i + 4] for i in range(0, 16, 4))
    return separator.join(groups)
