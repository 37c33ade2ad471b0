"""Differentially private releases of a run's aggregates, the privacy budget, token policies.

One budget per *dataset*. Every run is computed from the same customer table
and so releases facts about the same people: all runs share the dataset key
``customers`` and one budget (ε total ``VOXSEG_DP_EPSILON_BUDGET``, δ total
``VOXSEG_DP_DELTA_BUDGET``). Spending is basic sequential composition: the ε
and δ of every release add up, and a release that would take the sum past
the total is refused: nothing is shown or stored, nothing is spent.

A release (:func:`release_run`) is stored with its result. Asking again with
the same key (run, ε, δ, seed, quantities, declared bounds, document cap and
who asks) serves the stored release and spends nothing: the same noisy answer
says nothing new, and repeating a request cannot average the noise away.

The figures are computed from the run's current rows (memberships, the
members' behaviour, document results), so customers withdrawn since the run
are not in them. They describe the customers the run was fitted on: customers
placed in its segments after the run by its saved model are in no figure (the
sizes are labelled so; `selectors.placement` gives the same "fitted" count
exactly). The mechanisms and calibration are :mod:`nlp.dp`
(diffprivlib). Noise comes from the operating system's random source
(``secrets``): nobody, the caller or whoever knows the deployment's keys, can
regenerate it. A caller's seed is refused unless ``VOXSEG_DP_ALLOW_SEEDS`` is
on, which only the test suite does: a seeded release is reproducible bit for
bit, its noise drawn from HMAC(SECRET_KEY, seed and the release's settings and
data), and so known to anyone who holds the key and guesses the data.

An API token with a :class:`TokenPrivacyPolicy` reads noisy figures from the
standard aggregate endpoints (:func:`private_payload`): the token's own
release for the run, made on first use and paid for once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from nlp.dp import (
    BOUNDS_SHARE,
    DEFAULT_MAX_DOCUMENTS,
    NO_TOPIC,
    OUTSIDE,
    QUANTITIES,
    AggregateRelease,
    ReleaseError,
    ReleaseInput,
    check_document_cap,
    check_privacy_parameters,
    check_quantities,
    random_state_from_key,
)
from segapp.models import (
    AuditAction,
    DocumentResult,
    Membership,
    PrivacyBudget,
    PrivacyRelease,
    RunStatus,
    Segment,
    SegmentationRun,
    TokenPrivacyPolicy,
    Topic,
)
from segapp.selectors.personas import SegmentNotFound, is_small, min_group_size, small_segment_name
from segapp.selectors.placement import FITTED_LABEL
from segapp.selectors.topics import TopicNotFound
from segapp.services import audit

__all__ = [
    "DATASET",
    "DEFAULT_MAX_DOCUMENTS",
    "MAX_SEED",
    "QUANTITIES",
    "RELEASE_ROW_FIELDS",
    "SEEDS_REFUSED",
    "BudgetError",
    "BudgetExceeded",
    "PolicyError",
    "ReleaseError",
    "ReleaseOutcome",
    "ReleaseRefused",
    "budget_for",
    "change_budget",
    "clear_token_policy",
    "private_payload",
    "release_document",
    "release_rows",
    "release_run",
    "set_token_policy",
    "token_policy",
]

DATASET = "customers"  # every run releases facts about the one customer table
MAX_SEED = 2**63 - 1
SPEND_ATTEMPTS = 5
SEEDS_REFUSED = (
    "This deployment does not accept a seed: every release draws fresh noise from the "
    "operating system's random source, so that no one can regenerate and remove it. Leave "
    "seed out; asking again with the same settings returns the stored release at no cost."
)
NOT_COVERED = (
    "Names, descriptions, labels, keywords and which traits and topics are listed are "
    "computed from the exact data and are not covered by the noise."
)

FITTED_ONLY_NOTE = (
    "Every figure counts the customers the run was fitted on (those still consenting); "
    "customers placed in its segments after the run by its model are not in the release."
)


class ReleaseRefused(Exception):
    """The run cannot be released (it has not succeeded); message for users."""


class BudgetExceeded(Exception):
    """The dataset's privacy budget cannot pay for a release; message for users."""


class BudgetError(ValueError):
    """A budget change that makes no sense (negative total, nothing to change…)."""


class PolicyError(ValueError):
    """A token policy cannot be set as asked (unknown user, no token, bad ε or δ)."""


@dataclass(frozen=True)
class ReleaseOutcome:
    """A release and whether this request made it (False: a stored one served again)."""

    release: PrivacyRelease
    created: bool


# --- budget -----------------------------------------------------------------------------------


def budget_for(dataset: str = DATASET) -> PrivacyBudget:
    """The dataset's budget, created with the configured totals on first use."""
    budget, _ = PrivacyBudget.objects.get_or_create(
        dataset=dataset,
        defaults={
            "epsilon_total": float(settings.VOXSEG_DP_EPSILON_BUDGET),
            "delta_total": float(settings.VOXSEG_DP_DELTA_BUDGET),
        },
    )
    return budget


def change_budget(
    *,
    epsilon_total: float | None = None,
    delta_total: float | None = None,
    reset: bool = False,
    user=None,
    channel: str = "api",
    dataset: str = DATASET,
) -> PrivacyBudget:
    """Set the dataset's totals and/or reset what was spent; audited as BUDGET_CHANGE.

    A total below what was already spent is allowed: nothing more can then be
    released. Resetting starts a new accounting period; releases made before
    still told what they told, so reset only when the data itself was renewed.
    """
    if epsilon_total is None and delta_total is None and not reset:
        raise BudgetError("Give epsilon_total, delta_total or reset.")
    if epsilon_total is not None and not (math.isfinite(epsilon_total) and epsilon_total > 0):
        raise BudgetError(f"epsilon_total must be a positive number, got {epsilon_total!r}.")
    if delta_total is not None and not (math.isfinite(delta_total) and 0 <= delta_total < 1):
        raise BudgetError(f"delta_total must be at least 0 and below 1, got {delta_total!r}.")
    budget_for(dataset)
    with transaction.atomic():
        budget = PrivacyBudget.objects.select_for_update().get(dataset=dataset)
        before = _budget_figures(budget)
        if epsilon_total is not None:
            budget.epsilon_total = float(epsilon_total)
        if delta_total is not None:
            budget.delta_total = float(delta_total)
        if reset:
            budget.epsilon_spent = budget.delta_spent = 0.0
        budget.save()
        audit.record(
            user,
            AuditAction.BUDGET_CHANGE,
            f"budget {dataset}",
            channel=channel,
            before=before,
            after=_budget_figures(budget),
            reset=bool(reset),
        )
    return budget


def _budget_figures(budget: PrivacyBudget) -> dict[str, float]:
    return {
        "epsilon_total": budget.epsilon_total,
        "epsilon_spent": budget.epsilon_spent,
        "delta_total": budget.delta_total,
        "delta_spent": budget.delta_spent,
    }


def _added(spent: float, amount: float) -> float:
    """spent + amount without float dust (0.1 + 0.2 is 0.3), so the exact rest can be spent."""
    return float(f"{spent + amount:.15g}")


def _can_pay(budget: PrivacyBudget, epsilon: float, delta: float) -> bool:
    """Whether what is spent plus (ε, δ) stays within the totals (equal is allowed)."""
    return (
        _added(budget.epsilon_spent, epsilon) <= budget.epsilon_total
        and _added(budget.delta_spent, delta) <= budget.delta_total
    )


def _refusal(budget: PrivacyBudget, epsilon: float, delta: float) -> str:
    left_e = max(0.0, _added(budget.epsilon_total, -budget.epsilon_spent))
    left_d = max(0.0, _added(budget.delta_total, -budget.delta_spent))
    return (
        f"The privacy budget of dataset '{budget.dataset}' cannot pay for this release: it needs "
        f"epsilon={epsilon:g} and delta={delta:g}, but only epsilon={left_e:g} of "
        f"{budget.epsilon_total:g} and delta={left_d:g} of {budget.delta_total:g} remain "
        "(basic sequential composition). Nothing was released; an admin or privacy officer "
        "can raise the budget."
    )


# --- releases ---------------------------------------------------------------------------------


def release_run(
    run: SegmentationRun,
    *,
    epsilon: float,
    delta: float = 0.0,
    seed: int | None = None,
    quantities: list[str] | tuple[str, ...] | None = None,
    bounds: dict[str, Any] | None = None,
    max_documents_per_customer: int = DEFAULT_MAX_DOCUMENTS,
    requester: str = "system",
    scope: str = "system",
    channel: str = "api",
    user=None,
) -> ReleaseOutcome:
    """Release the run's aggregates with noise, paying from the budget, or serve the stored
    release of the same key without paying again.

    `scope` names who asks ("user:3", "cli", "policy:7"): a repeat within the
    same scope is served from storage. `bounds` maps behavioural features to
    declared [lower, upper]; other behavioural features of the run get bounds
    found privately within the release (a share of their ε).
    Raises ReleaseError (bad settings), ReleaseRefused (run not succeeded) and
    BudgetExceeded (nothing is released then).
    """
    epsilon, delta = check_privacy_parameters(epsilon, delta)
    asked = check_quantities(quantities)
    cap = check_document_cap(max_documents_per_customer)
    seed = _checked_seed(seed)
    if seed is not None and not settings.VOXSEG_DP_ALLOW_SEEDS:
        raise ReleaseError(SEEDS_REFUSED)
    declared = _checked_bounds(bounds)
    if run.status != RunStatus.SUCCEEDED:
        raise ReleaseRefused(f"Run {run.pk} has not succeeded ({run.status}); nothing to release.")
    settings_of = {
        "run": run.pk,
        "epsilon": epsilon,
        "delta": delta,
        "seed": seed,
        "quantities": list(asked),
        "bounds": {f: list(b) for f, b in sorted(declared.items())},
        "max_documents_per_customer": cap,
    }
    key = hashlib.sha256(_canonical({**settings_of, "scope": scope}).encode()).hexdigest()
    stored = PrivacyRelease.objects.filter(run=run, key=key).first()
    if stored is not None:
        _record_repeat(stored, user, channel)
        return ReleaseOutcome(stored, created=False)
    budget = budget_for(DATASET)
    if not _can_pay(budget, epsilon, delta):  # checked again under the lock when paying
        raise BudgetExceeded(_refusal(budget, epsilon, delta))
    data = release_input(run)
    all_bounds, sources, notes = _bounds(run, declared)
    random_state = None
    if seed is not None:
        material = _canonical({**settings_of, "data": data.fingerprint()})
        random_state = random_state_from_key(_noise_key(material))
    result = AggregateRelease(
        epsilon=epsilon,
        delta=delta,
        quantities=asked,
        bounds=all_bounds,
        bounds_source=sources,
        max_documents_per_customer=cap,
        min_group_size=min_group_size(),
        random_state=random_state,
    ).release(data)
    if isinstance(result.get("sizes"), dict):
        result["sizes"]["counts"] = FITTED_LABEL
    result.update(
        dataset=DATASET,
        seed=seed,
        reproducible=seed is not None,
        randomness=(
            "seeded (test setting VOXSEG_DP_ALLOW_SEEDS): reproducible bit for bit on the "
            "same data and SECRET_KEY"
            if seed is not None
            else "fresh: every new release draws new noise from the operating system's "
            "random source"
        ),
        notes=[*notes, FITTED_ONLY_NOTE],
    )
    return _store(run, key, result, epsilon, delta, seed, requester, channel, user)


def _store(run, key, result, epsilon, delta, seed, requester, channel, user) -> ReleaseOutcome:
    """Pay and save in one transaction, the budget row locked; a concurrent twin is served."""
    for _ in range(SPEND_ATTEMPTS):
        with transaction.atomic():
            budget = PrivacyBudget.objects.select_for_update().get(dataset=DATASET)
            stored = PrivacyRelease.objects.filter(run=run, key=key).first()
            if stored is not None:
                return ReleaseOutcome(stored, created=False)
            if not _can_pay(budget, epsilon, delta):
                raise BudgetExceeded(_refusal(budget, epsilon, delta))
            spent_e = _added(budget.epsilon_spent, epsilon)
            spent_d = _added(budget.delta_spent, delta)
            # Compare-and-set as well as the row lock: databases without row locks
            # (SQLite) still never lose a spend.
            paid = PrivacyBudget.objects.filter(
                pk=budget.pk, epsilon_spent=budget.epsilon_spent, delta_spent=budget.delta_spent
            ).update(epsilon_spent=spent_e, delta_spent=spent_d, updated_at=timezone.now())
            if not paid:
                continue
            release = PrivacyRelease.objects.create(
                budget=budget,
                run=run,
                epsilon=epsilon,
                delta=delta,
                seed=seed,
                requested_by=str(requester)[:150],
                channel=channel,
                key=key,
                result=result,
            )
            audit.record(
                user,
                AuditAction.PRIVATE_RELEASE,
                f"run {run.pk}",
                channel="cli" if channel == "cli" else "api",
                release=release.pk,
                epsilon=epsilon,
                delta=delta,
                seed=seed,
                quantities=result["quantities"],
                via=channel,
                budget_epsilon_spent=spent_e,
                budget_delta_spent=spent_d,
            )
            return ReleaseOutcome(release, created=True)
    raise BudgetExceeded("The privacy budget is busy with other releases; try again.")


def _record_repeat(release: PrivacyRelease, user, channel: str) -> None:
    """An explicit repeat is audited (who saw it again); a policy token's reads are not."""
    if channel == "token":
        return
    audit.record(
        user,
        AuditAction.PRIVATE_RELEASE,
        f"run {release.run_id}",
        channel="cli" if channel == "cli" else "api",
        release=release.pk,
        epsilon=release.epsilon,
        delta=release.delta,
        served_again=True,
    )


def release_document(
    release: PrivacyRelease, *, served_again: bool = False, budget: PrivacyBudget | None = None
) -> dict[str, Any]:
    """A stored release as callers see it: ids, who and when, the result, the budget now."""
    budget = budget or release.budget
    budget.refresh_from_db()
    return {
        "release": release.pk,
        "run": release.run_id,
        "created_at": release.created_at.isoformat(),
        "requested_by": release.requested_by,
        "channel": release.channel,
        "served_again": served_again,
        **release.result,
        "budget": {
            "dataset": budget.dataset,
            "epsilon_total": budget.epsilon_total,
            "epsilon_spent": budget.epsilon_spent,
            "delta_total": budget.delta_total,
            "delta_spent": budget.delta_spent,
        },
    }


def release_input(run: SegmentationRun) -> ReleaseInput:
    """The run's current rows as nlp.dp takes them (3 queries plus the segments and topics).

    Only the customers the run was fitted on: those placed after it are left out.
    """
    features = behaviour_features(run)
    rows = Membership.objects.filter(run=run, assigned_after_fit=False).values_list(
        "customer_id", "segment__number", "customer__behaviour", "customer__event_features"
    )
    customers, segments, values = [], [], []
    for customer, segment, behaviour, events in rows.order_by("customer_id").iterator(
        chunk_size=2000
    ):
        merged = {**(behaviour or {}), **(events or {})}
        customers.append(customer)
        segments.append(OUTSIDE if segment is None else int(segment))
        values.append([_number(merged.get(f)) for f in features])
    members = pd.DataFrame(values, columns=features, dtype=float)
    members.insert(0, "segment", np.asarray(segments, dtype=int))
    segment_of = dict(zip(customers, segments, strict=True))
    documents = [
        (customer, segment_of[customer], topic)
        for customer, topic in DocumentResult.objects.filter(run=run)
        .order_by("document__customer_id", "document_id")
        .values_list("document__customer_id", "topic")
        .iterator(chunk_size=5000)
        if customer in segment_of
    ]
    segment_rows = list(Segment.objects.filter(run=run).only("number", "size", "profile"))
    return ReleaseInput(
        members=members,
        documents=pd.DataFrame(documents, columns=["customer", "segment", "topic"]),
        segments=tuple(s.number for s in segment_rows),
        topics=tuple(Topic.objects.filter(run=run).values_list("number", flat=True)),
        small_segments=tuple(s.number for s in segment_rows if is_small(s)),
    )


def behaviour_features(run: SegmentationRun) -> list[str]:
    """The run's behavioural features (those its persona means describe), sorted."""
    features = (run.explain_context or {}).get("features") or {}
    return sorted(f for f, info in features.items() if (info or {}).get("kind") == "behaviour")


def _bounds(
    run: SegmentationRun, declared: dict[str, tuple[float, float]]
) -> tuple[dict[str, tuple[float, float] | None], dict[str, str], list[str]]:
    """Declared bounds; every other behavioural feature of the run gets its bounds found
    privately inside the release (None), paid for from that feature's ε."""
    bounds: dict[str, tuple[float, float] | None] = dict(declared)
    sources, notes, private = dict.fromkeys(declared, "declared"), [], []
    for feature in behaviour_features(run):
        if feature not in bounds:
            bounds[feature] = None
            private.append(feature)
    if private:
        notes.append(
            "Bounds of " + ", ".join(private) + " were not declared, so they were found "
            f"with differential privacy from a noisy histogram, spending {BOUNDS_SHARE:.0%} of "
            "each feature's epsilon; values outside them are clamped. Declare bounds to spend "
            "all of it on the means."
        )
    if not behaviour_features(run) and not declared:
        notes.append("The run stores no behavioural features, so no mean is released.")
    return bounds, sources, notes


def _checked_seed(seed: Any) -> int | None:
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ReleaseError(f"seed must be a whole number, got {seed!r}.")
    if not 0 <= int(seed) <= MAX_SEED:
        raise ReleaseError(f"seed must be from 0 to {MAX_SEED}.")
    return int(seed)


def _checked_bounds(bounds: dict[str, Any] | None) -> dict[str, tuple[float, float]]:
    checked = {}
    for feature, pair in (bounds or {}).items():
        try:
            lower, upper = (float(v) for v in pair)
        except (TypeError, ValueError):
            raise ReleaseError(f"bounds of {feature!r} must be [lower, upper].") from None
        checked[str(feature)] = (lower, upper)
    return checked


def _canonical(value: dict) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _noise_key(material: str) -> bytes:
    secret = f"voxseg-dp-noise|{settings.SECRET_KEY}".encode()
    return hmac.new(secret, material.encode(), hashlib.sha256).digest()


def _number(value: Any) -> float:
    if isinstance(value, bool) or value is None:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


# --- token policies ---------------------------------------------------------------------------


def token_policy(token: Any) -> TokenPrivacyPolicy | None:
    """The privacy policy of the API token a request authenticated with, or None.

    Free when the token was loaded with `select_related("privacy_policy")`,
    otherwise one query per token object (a request's `auth`); anything that
    is not a token (session requests) has none.
    """
    if not isinstance(token, Token):
        return None
    loaded = token._state.fields_cache
    if "privacy_policy" in loaded:
        return loaded["privacy_policy"]
    cache = token.__dict__
    if "_voxseg_privacy_policy" not in cache:
        cache["_voxseg_privacy_policy"] = TokenPrivacyPolicy.objects.filter(token=token).first()
    return cache["_voxseg_privacy_policy"]


def set_token_policy(
    *, username: str, epsilon: float, delta: float = 0.0, user=None
) -> TokenPrivacyPolicy:
    """Make the user's API token read noisy aggregates at (ε, δ); audited as BUDGET_CHANGE."""
    try:
        epsilon, delta = check_privacy_parameters(epsilon, delta)
    except ReleaseError as exc:
        raise PolicyError(str(exc)) from None
    token = _token_of(username)
    policy, _ = TokenPrivacyPolicy.objects.update_or_create(
        token=token,
        defaults={"epsilon": epsilon, "delta": delta, "created_by": _user_or_none(user)},
    )
    audit.record(
        user,
        AuditAction.BUDGET_CHANGE,
        f"token policy of {username}",
        channel="cli",
        epsilon=epsilon,
        delta=delta,
    )
    return policy


def clear_token_policy(*, username: str, user=None) -> bool:
    """Remove the token's policy (it reads exact figures again); True when there was one."""
    token = _token_of(username)
    removed, _ = TokenPrivacyPolicy.objects.filter(token=token).delete()
    if removed:
        audit.record(
            user,
            AuditAction.BUDGET_CHANGE,
            f"token policy of {username}",
            channel="cli",
            cleared=True,
        )
    return bool(removed)


def _token_of(username: str) -> Token:
    found = get_user_model().objects.filter(username=username).first()
    if found is None:
        raise PolicyError(f"No user {username!r}.")
    token = Token.objects.filter(user=found).first()
    if token is None:
        raise PolicyError(
            f"User {username!r} has no API token; create one with: manage.py drf_create_token "
            f"{username}"
        )
    return token


def _user_or_none(user):
    return user if getattr(user, "is_authenticated", False) else None


# --- noisy payloads for policy tokens -----------------------------------------------------------

NOISY = {
    "segments": ["size", "counts.fitted", "share", "top_topics.share", "top_topics.lift"],
    "segment": [
        "size",
        "counts.fitted",
        "share",
        "documents",
        "top_topics.share",
        "top_topics.lift",
        "traits.segment_mean",
        "traits.population_mean",
    ],
    "topics": ["size", "share", "segments.share", "segments.lift"],
}
WITHHELD = {
    "segments": [
        "counts other than fitted",
        "description (it quotes exact figures)",
        "sentiment",
        "sentiment_mix",
        "top_topics.sentiment",
        "top_topics.customers",
    ],
    "segment": [
        "counts other than fitted",
        "description (it quotes exact figures)",
        "sentiment",
        "sentiment_mix",
        "top_topics.sentiment",
        "top_topics.customers",
        "traits.effect_size",
        "traits of topics and sentiment",
        "rules",
        "quotes",
        "representative_customers",
    ],
    "topics": ["sentiment", "aspect_sentiment", "segments.sentiment", "representative_documents"],
}


def private_payload(token: Any, run: SegmentationRun, kind: str, payload: Any) -> Any:
    """The serialized answer of an aggregate endpoint as the requesting token may see it.

    For a token without a policy: unchanged. For a policy token: sizes, shares,
    means and topic counts replaced by the noisy values of the token's stored
    release for the run (made on first use, paid for once); aggregates the
    release does not cover, descriptions quoting exact figures, and quotes and
    other individual rows withheld; a "privacy" block added to each item.
    `kind` is "segments" (persona list), "segment" (one persona), "topics"
    (topic list) or "topic" (one topic). Raises BudgetExceeded when the first
    release cannot be paid for, SegmentNotFound / TopicNotFound when the
    noisy count of the one asked for is below k.
    """
    policy = token_policy(token)
    if policy is None or run.status != RunStatus.SUCCEEDED:
        return payload  # an unfinished run has no aggregates to protect
    release = _policy_release(policy, token, run)
    noisy = _NoisyFigures(release)
    k = min_group_size()
    if kind == "segments":
        return [_summary(item, noisy, k, "segments") for item in payload]
    if kind == "segment":
        return _persona(payload, noisy, k)
    if kind == "topics":
        rows = [_topic(item, noisy) for item in payload]
        return sorted((r for r in rows if r is not None), key=lambda r: (-r["size"], r["topic"]))
    if kind == "topic":
        row = _topic(payload, noisy)
        if row is None:
            raise TopicNotFound(
                f"Topic {payload['topic']} of run {run.pk} has fewer than {k} documents "
                "in this token's private release."
            )
        return row
    raise ValueError(f"unknown payload kind {kind!r}")


def _policy_release(policy: TokenPrivacyPolicy, token: Token, run: SegmentationRun):
    cache = policy.__dict__.setdefault("_voxseg_releases", {})
    if run.pk not in cache:
        cache[run.pk] = release_run(
            run,
            epsilon=policy.epsilon,
            delta=policy.delta,
            requester=token.user.get_username(),
            scope=f"policy:{policy.pk}",
            channel="token",
            user=token.user,
        ).release
    return cache[run.pk]


class _NoisyFigures:
    """Reading one stored release: sizes, shares, means and topic counts by segment."""

    def __init__(self, release: PrivacyRelease) -> None:
        result = release.result
        self.release = release
        self.sizes = (result.get("sizes") or {}).get("segments") or {}
        self.shares = (result.get("shares") or {}).get("segments") or {}
        means = result.get("means") or {}
        self.means = means.get("segments") or {}
        self.population = means.get("population") or {}
        self.topics = result.get("topics") or {}

    def block(self, kind: str) -> dict[str, Any]:
        result = self.release.result
        return {
            "epsilon": result["epsilon"],
            "delta": result["delta"],
            "mechanism": result["mechanism"],
            "release": self.release.pk,
            "dataset": result.get("dataset", DATASET),
            "noisy": NOISY[kind],
            "withheld": WITHHELD[kind],
            "not_covered": NOT_COVERED,
        }

    def size(self, segment: int) -> int | None:
        return self.sizes.get(str(segment))

    def mean(self, segment: int, feature: str) -> float | None:
        return (self.means.get(str(segment)) or {}).get(feature)

    def segment_topics(self, segment: int) -> dict[str, Any]:
        return (self.topics.get("segments") or {}).get(str(segment)) or {}

    def topic_share(self, segment: int, topic: int) -> tuple[float, float | None] | None:
        """(share of the segment's topical documents, lift against everyone's), or None."""
        row = self.segment_topics(segment)
        count, topical = (row.get("topics") or {}).get(str(topic)), row.get("topical_documents")
        if count is None or not topical:
            return None
        share = count / topical
        total = self.topic_total(topic)
        everyone = self.topics.get("topical_documents") or 0
        lift = share / (total / everyone) if total and everyone else None
        return round(share, 4), (round(lift, 3) if lift is not None else None)

    def topic_total(self, topic: int) -> int | None:
        return (self.topics.get("totals") or {}).get(str(topic))


def _summary(item: dict, noisy: _NoisyFigures, k: int, kind: str) -> dict[str, Any]:
    number = item["segment"]
    size = noisy.size(number)
    if item.get("small") or size is None:
        return {
            "segment": number,
            "name": small_segment_name(k),
            "small": True,
            "size": None,
            "share": None,
            "privacy": noisy.block(kind),
        }
    return {
        **item,
        "size": size,
        "counts": {"fitted": size, "placed_after": None, "withdrawn": None, "members": None},
        "share": noisy.shares.get(str(number)),
        "description": "",
        "top_topics": _topic_rows(item.get("top_topics"), number, noisy),
        "sentiment": None,
        "sentiment_mix": {},
        "privacy": noisy.block(kind),
    }


def _persona(item: dict, noisy: _NoisyFigures, k: int) -> dict[str, Any]:
    persona = _summary(item, noisy, k, "segment")
    if persona["small"]:
        raise SegmentNotFound(
            f"Segment {item['segment']} has fewer than {k} customers in this token's private "
            "release; nothing is reported about groups that small."
        )
    persona.update(
        documents=noisy.segment_topics(item["segment"]).get("documents"),
        traits=_traits(item.get("traits"), item["segment"], noisy),
        rules=[],
        quotes=[],
        quotes_hidden=True,
        representative_customers=[],
    )
    return persona


def _topic_rows(rows: list[dict] | None, segment: int, noisy: _NoisyFigures) -> list[dict]:
    rewritten = []
    for row in rows or []:
        found = noisy.topic_share(segment, int(row["topic"]))
        if found is None:
            continue
        share, lift = found
        rewritten.append(
            {"topic": row["topic"], "label": row["label"], "share": share, "lift": lift,
             "sentiment": None}
        )  # fmt: skip
    return sorted(rewritten, key=lambda r: (-(r["lift"] or 0.0), -r["share"], r["topic"]))


def _traits(traits: list[dict] | None, segment: int, noisy: _NoisyFigures) -> list[dict]:
    rewritten = []
    for trait in traits or []:
        mean = noisy.mean(segment, trait["feature"])
        population = noisy.population.get(trait["feature"])
        if mean is None or population is None:
            continue
        rewritten.append(
            {
                **trait,
                "segment_mean": mean,
                "population_mean": population,
                "effect_size": None,
                "direction": "higher" if mean >= population else "lower",
            }
        )
    return rewritten


def _topic(item: dict, noisy: _NoisyFigures) -> dict[str, Any] | None:
    topic = int(item["topic"])
    total = noisy.topic_total(topic)
    if topic == NO_TOPIC or total is None:
        return None
    everyone = noisy.topics.get("all_documents") or 0
    segments = []
    for row in item.get("segments") or []:
        found = noisy.topic_share(int(row["segment"]), topic)
        if found is not None:
            segments.append({**row, "share": found[0], "lift": found[1], "sentiment": None})
    segments.sort(key=lambda r: (-r["share"], r["segment"]))
    return {
        **item,
        "size": total,
        "share": round(total / everyone, 4) if everyone else None,
        "sentiment": None,
        "aspect_sentiment": None,
        "segments": segments,
        "representative_documents": [],
        "representative_documents_hidden": True,
        "privacy": noisy.block("topics"),
    }


# --- flat rows of a release (CSV exports) -------------------------------------------------------

RELEASE_ROW_FIELDS = (
    "run",
    "release",
    "quantity",
    "segment",
    "topic",
    "feature",
    "value",
    "epsilon",
    "delta",
    "part_epsilon",
    "part_delta",
    "mechanism",
    "sensitivity",
    "sensitivity_norm",
    "note",
)


def release_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """A release document as flat rows, each stating the release's ε and δ and its part's
    ε, δ, mechanism and sensitivity; a suppressed figure has an empty value and a note."""
    rows: list[dict[str, Any]] = []
    suppressed = f"fewer than {document['min_group_size']}"

    def add(quantity, part, value, *, segment="", topic="", feature="", sensitivity=None):
        rows.append(
            {
                "run": document["run"],
                "release": document["release"],
                "quantity": quantity,
                "segment": segment,
                "topic": topic,
                "feature": feature,
                "value": "" if value is None else value,
                "epsilon": document["epsilon"],
                "delta": document["delta"],
                "part_epsilon": part.get("epsilon", ""),
                "part_delta": part.get("delta", ""),
                "mechanism": part.get("mechanism", "post-processing"),
                "sensitivity": part.get("sensitivity", "") if sensitivity is None else sensitivity,
                "sensitivity_norm": part.get("sensitivity_norm", ""),
                "note": suppressed if value is None else "",
            }
        )

    sizes = document.get("sizes")
    if sizes:
        for segment, value in sizes["segments"].items():
            add("size", sizes, value, segment=segment)
        add("size", sizes, sizes["outside_segments"], segment="outside")
    shares = document.get("shares")
    if shares:
        part = {**(document["split"].get("sizes") or {}), "mechanism": "post-processing"}
        for segment, value in shares["segments"].items():
            add("share", part, value, segment=segment)
        add("share", part, shares["outside_segments"], segment="outside")
    means = document.get("means")
    if means:
        for segment, values in means["segments"].items():
            for feature, value in values.items():
                info = means["features"][feature]
                add("mean", info, value, segment=segment, feature=feature)
        for feature, value in means["population"].items():
            add("mean", means["features"][feature], value, segment="all", feature=feature)
    topics = document.get("topics")
    if topics:
        for topic, value in topics["totals"].items():
            add("topic_documents", topics, value, segment="all", topic=topic)
        for segment, row in topics["segments"].items():
            if row is None:
                add("topic_documents", topics, None, segment=segment)
                continue
            for topic, value in row["topics"].items():
                add("topic_documents", topics, value, segment=segment, topic=topic)
    return rows
