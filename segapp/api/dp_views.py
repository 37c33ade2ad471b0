"""API doors of differential privacy: private releases of a run, the budget, policy tokens.

`POST runs/{run}/private-release/` releases a run's aggregates with noise
(capability release_private); `GET privacy/budget/` reads the budget
(release_private) and `PUT`/`POST` change it (manage_budgets). Refusals by the
budget are 409 in the error shape. The aggregate endpoints call
:func:`noisy_payload` so that a token with a privacy policy reads noisy
figures, and the endpoints that give exact figures or individual rows refuse
such a token (:class:`NoPrivacyPolicy`).
"""

from __future__ import annotations

import math

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from nlp.dp import DEFAULT_MAX_DOCUMENTS, MAX_EPSILON, MIN_EPSILON, QUANTITIES
from segapp.api import examples
from segapp.api.caching import lookup_run
from segapp.api.errors import error_response
from segapp.api.permissions import require
from segapp.selectors.privacy_budget import budget_status
from segapp.selectors.runs import RunNotFound
from segapp.services import dp
from segapp.services.accounts import can

CONFLICT = error_response(
    "The privacy budget cannot pay for the release, or the run has not succeeded "
    "(the error shape; codes budget_exhausted, run_not_released)."
)
FORBIDDEN = error_response("Your role does not allow this (the error shape).")


class BudgetExhausted(APIException):
    """409: the dataset's privacy budget cannot pay for a release."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "budget_exhausted"
    default_detail = "The privacy budget cannot pay for this release."


class RunNotReleased(APIException):
    """409: the run has no results to release."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "run_not_released"
    default_detail = "The run has not succeeded; nothing to release."


class NoPrivacyPolicy(BasePermission):
    """Refuses API tokens with a privacy policy: they may read noisy aggregates only."""

    message = (
        "This API token has a differential-privacy policy: it reads noisy aggregates only "
        "(runs/{run}/segments/, runs/{run}/topics/ and private releases), never exact "
        "figures or individual rows."
    )

    def has_permission(self, request, view) -> bool:
        return dp.token_policy(getattr(request, "auth", None)) is None


def noisy_payload(request, run, kind: str, payload):
    """The serialized answer as the caller's token may see it (see services.dp.private_payload).

    A budget that cannot pay for a policy token's first release is a 409.
    """
    try:
        return dp.private_payload(getattr(request, "auth", None), run, kind, payload)
    except dp.BudgetExceeded as exc:
        raise BudgetExhausted(str(exc)) from None


# --- shapes -----------------------------------------------------------------------------------


class ReleaseRequestSerializer(serializers.Serializer):
    """What to release and at what privacy cost."""

    epsilon = serializers.FloatField(
        min_value=MIN_EPSILON,
        max_value=MAX_EPSILON,
        help_text="ε of the whole release (split over the parts).",
    )
    delta = serializers.FloatField(
        min_value=0.0,
        max_value=0.1,
        default=0.0,
        help_text="δ; 0 (default) is pure ε-DP with the Laplace mechanism, above 0 the "
        "analytic Gaussian mechanism.",
    )
    seed = serializers.IntegerField(
        min_value=0,
        max_value=dp.MAX_SEED,
        required=False,
        allow_null=True,
        default=None,
        help_text="Refused (400) unless the deployment sets VOXSEG_DP_ALLOW_SEEDS, a test "
        "setting: then the release is reproducible bit for bit. Leave it out: every release "
        "draws fresh noise from the operating system's random source.",
    )
    quantities = serializers.ListField(
        child=serializers.ChoiceField(choices=QUANTITIES),
        required=False,
        allow_empty=False,
        help_text="Any of sizes, shares, means, topics (default: all).",
    )
    bounds = serializers.DictField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        required=False,
        help_text="Declared [lower, upper] per behavioural feature for the means. Features "
        "without them get bounds found with differential privacy from a noisy histogram, "
        "paid for with half of the feature's epsilon.",
    )
    max_documents_per_customer = serializers.IntegerField(
        min_value=1,
        max_value=1000,
        default=DEFAULT_MAX_DOCUMENTS,
        help_text="Documents counted per customer in the topic counts (their sensitivity).",
    )

    def validate_epsilon(self, value: float) -> float:
        if not math.isfinite(value):
            raise serializers.ValidationError("epsilon must be a finite number.")
        return value


class BudgetChangeSerializer(serializers.Serializer):
    """New totals and/or a reset of what was spent."""

    epsilon_total = serializers.FloatField(
        min_value=MIN_EPSILON, max_value=MAX_EPSILON, required=False
    )
    delta_total = serializers.FloatField(min_value=0.0, max_value=0.1, required=False)
    reset = serializers.BooleanField(
        default=False, help_text="Start a new accounting period: spent ε and δ go back to 0."
    )

    def validate(self, attrs):
        if "epsilon_total" not in attrs and "delta_total" not in attrs and not attrs["reset"]:
            raise serializers.ValidationError("Give epsilon_total, delta_total or reset.")
        for name in ("epsilon_total", "delta_total"):
            if name in attrs and not math.isfinite(attrs[name]):
                raise serializers.ValidationError({name: ["Must be a finite number."]})
        return attrs


class PartSerializer(serializers.Serializer):
    """One released part: ε, δ, mechanism and sensitivity, then its figures."""

    mechanism = serializers.CharField()
    epsilon = serializers.FloatField()
    delta = serializers.FloatField()
    sensitivity = serializers.FloatField(required=False)
    sensitivity_norm = serializers.CharField(required=False)
    noise_scale = serializers.FloatField(required=False)


class ReleaseBudgetSerializer(serializers.Serializer):
    """The budget after the release."""

    dataset = serializers.CharField()
    epsilon_total = serializers.FloatField()
    epsilon_spent = serializers.FloatField()
    delta_total = serializers.FloatField()
    delta_spent = serializers.FloatField()


class ReleaseSerializer(serializers.Serializer):
    """A differentially private release of a run's aggregates.

    Every part states its ε, δ, mechanism and sensitivity; null figures are
    suppressed (fewer than k). `sizes` and `shares` are keyed by segment number.
    """

    release = serializers.IntegerField()
    run = serializers.IntegerField()
    dataset = serializers.CharField()
    created_at = serializers.DateTimeField()
    requested_by = serializers.CharField()
    channel = serializers.CharField()
    served_again = serializers.BooleanField(
        help_text="True: the stored release of an identical earlier request (no budget spent)."
    )
    epsilon = serializers.FloatField()
    delta = serializers.FloatField()
    mechanism = serializers.ChoiceField(choices=("laplace", "gaussian_analytic"))
    neighbouring = serializers.CharField()
    composition = serializers.CharField()
    split = serializers.DictField(child=serializers.DictField())
    quantities = serializers.ListField(child=serializers.CharField())
    min_group_size = serializers.IntegerField()
    suppressed = serializers.CharField()
    seed = serializers.IntegerField(allow_null=True)
    reproducible = serializers.BooleanField()
    randomness = serializers.CharField()
    sizes = PartSerializer(required=False)
    shares = serializers.DictField(required=False)
    means = PartSerializer(required=False)
    topics = PartSerializer(required=False)
    notes = serializers.ListField(child=serializers.CharField())
    budget = ReleaseBudgetSerializer()


class LastReleaseSerializer(serializers.Serializer):
    """A recent release in the budget state."""

    release = serializers.IntegerField()
    run = serializers.IntegerField()
    epsilon = serializers.FloatField()
    delta = serializers.FloatField()
    seeded = serializers.BooleanField()
    requested_by = serializers.CharField()
    channel = serializers.CharField()
    created_at = serializers.DateTimeField()


class BudgetSerializer(ReleaseBudgetSerializer):
    """The dataset's privacy budget: totals, spent, remaining, releases."""

    epsilon_remaining = serializers.FloatField()
    delta_remaining = serializers.FloatField()
    epsilon_used_share = serializers.FloatField()
    releases = serializers.IntegerField()
    last_releases = LastReleaseSerializer(many=True)
    composition = serializers.CharField()
    updated_at = serializers.DateTimeField(allow_null=True)


# --- examples ---------------------------------------------------------------------------------

_LAPLACE_SIZES = {
    "mechanism": "laplace",
    "epsilon": 0.25,
    "delta": 0.0,
    "sensitivity": 1.0,
    "sensitivity_norm": "L1",
    "noise_scale": 4.0,
    "noise_scale_is": "Laplace b",
    "unit": "customers",
    "segments": {"0": 2431, "1": 1790, "5": None},
    "outside_segments": 402,
    "total": 13498,
}
RELEASE = {
    "release": 7,
    "run": 12,
    "dataset": "customers",
    "created_at": "2026-03-01T12:10:00+00:00",
    "requested_by": "bob",
    "channel": "api",
    "served_again": False,
    "epsilon": 1.0,
    "delta": 0.0,
    "mechanism": "laplace",
    "neighbouring": "add or remove one customer (with all their documents)",
    "composition": "basic sequential composition: the epsilons and deltas of the parts add "
    "up; parallel composition within a part (a customer is in one segment)",
    "split": {"sizes": {"epsilon": 0.5, "delta": 0.0}, "topics": {"epsilon": 0.5, "delta": 0.0}},
    "quantities": ["sizes", "shares", "topics"],
    "min_group_size": 10,
    "suppressed": "null: fewer than 10 (k-anonymity applies to noisy counts)",
    "seed": None,
    "reproducible": False,
    "randomness": "fresh: every new release draws new noise from the operating system's "
    "random source",
    "sizes": _LAPLACE_SIZES,
    "shares": {
        "derived_from": "sizes (post-processing: no extra privacy cost)",
        "segments": {"0": 0.1801, "1": 0.1326, "5": None},
        "outside_segments": 0.0298,
    },
    "topics": {
        "mechanism": "laplace",
        "epsilon": 0.5,
        "delta": 0.0,
        "sensitivity": 5.0,
        "sensitivity_norm": "L1",
        "noise_scale": 20.0,
        "unit": "documents",
        "max_documents_per_customer": 5,
        "totals": {"3": 4198},
        "segments": {"0": {"documents": 9101, "topical_documents": 8210, "topics": {"3": 2544}}},
    },
    "notes": [],
    "budget": {
        "dataset": "customers",
        "epsilon_total": 10.0,
        "epsilon_spent": 3.0,
        "delta_total": 1e-05,
        "delta_spent": 0.0,
    },
}
BUDGET = {
    "dataset": "customers",
    "epsilon_total": 10.0,
    "epsilon_spent": 3.0,
    "epsilon_remaining": 7.0,
    "delta_total": 1e-05,
    "delta_spent": 0.0,
    "delta_remaining": 1e-05,
    "epsilon_used_share": 0.3,
    "releases": 3,
    "last_releases": [
        {
            "release": 7,
            "run": 12,
            "epsilon": 1.0,
            "delta": 0.0,
            "seeded": False,
            "requested_by": "bob",
            "channel": "api",
            "created_at": "2026-03-01T12:10:00Z",
        }
    ],
    "composition": "basic sequential composition: the epsilons and deltas of all releases add up",
    "updated_at": "2026-03-01T12:10:00Z",
}


# --- views ------------------------------------------------------------------------------------


class PrivateReleaseView(APIView):
    """Release a run's sizes, shares, means and topic counts with calibrated noise."""

    permission_classes = [require("release_private")]

    @extend_schema(
        summary="A differentially private release of a run",
        description="Noisy segment sizes, shares, means of behavioural features and topic "
        "counts, with ε and δ, mechanism and sensitivity stated for every part, paid from "
        "the dataset's privacy budget (basic sequential composition). The same request "
        "again (same run, ε, δ, seed, quantities, bounds, cap, caller) returns the stored "
        "release with `served_again: true` and spends nothing. 409 when the budget cannot "
        "pay.",
        parameters=[examples.RUN_PARAMETER],
        request=ReleaseRequestSerializer,
        responses={
            201: OpenApiResponse(ReleaseSerializer, description="A new release."),
            200: OpenApiResponse(ReleaseSerializer, description="The stored release, again."),
            400: error_response("Invalid ε, δ, seed, quantities or bounds (the error shape)."),
            403: FORBIDDEN,
            404: error_response("No such run (the error shape)."),
            409: CONFLICT,
        },
        examples=[
            OpenApiExample(
                "Sizes, shares and topics at ε = 1",
                value={"epsilon": 1.0, "quantities": ["sizes", "shares", "topics"]},
                request_only=True,
            ),
            OpenApiExample("A release", value=RELEASE, response_only=True),
        ],
    )
    def post(self, request, run):
        data = ReleaseRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            outcome = dp.release_run(
                _run_or_404(request, run),
                epsilon=values["epsilon"],
                delta=values["delta"],
                seed=values.get("seed"),
                quantities=values.get("quantities"),
                bounds=values.get("bounds"),
                max_documents_per_customer=values["max_documents_per_customer"],
                requester=request.user.get_username(),
                scope=f"user:{request.user.pk}",
                channel="api",
                user=request.user,
            )
        except dp.ReleaseError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        except dp.ReleaseRefused as exc:
            raise RunNotReleased(str(exc)) from None
        except dp.BudgetExceeded as exc:
            raise BudgetExhausted(str(exc)) from None
        document = dp.release_document(outcome.release, served_again=not outcome.created)
        return Response(document, status=201 if outcome.created else 200)


class BudgetView(APIView):
    """The dataset's privacy budget: read it (release_private), change it (manage_budgets)."""

    permission_classes = [require("release_private")]

    @extend_schema(
        summary="The privacy budget",
        description="ε and δ spent of the totals, the number of releases and the latest ones: "
        "everyone's for admins and privacy officers, the caller's own for other roles. "
        "Every run releases facts about the same customers, so they share one budget, "
        "dataset `customers`.",
        responses={200: BudgetSerializer, 403: FORBIDDEN},
        examples=[OpenApiExample("The budget", value=BUDGET, response_only=True)],
    )
    def get(self, request):
        return Response(BudgetSerializer(_budget_as_seen_by(request.user)).data)

    @extend_schema(
        summary="Change the privacy budget",
        description="Set new totals and/or reset what was spent (a new accounting period). "
        "Needs manage_budgets (admin, privacy officer); audited.",
        request=BudgetChangeSerializer,
        responses={
            200: BudgetSerializer,
            400: error_response("Invalid totals, or nothing to change (the error shape)."),
            403: FORBIDDEN,
        },
        examples=[
            OpenApiExample("Raise ε to 20", value={"epsilon_total": 20.0}, request_only=True),
            OpenApiExample("The budget", value=BUDGET, response_only=True),
        ],
    )
    def put(self, request):
        return self._change(request)

    @extend_schema(
        summary="Change the privacy budget (POST)",
        description="The same as PUT, for clients that only POST.",
        request=BudgetChangeSerializer,
        responses={
            200: BudgetSerializer,
            400: error_response("Invalid totals, or nothing to change (the error shape)."),
            403: FORBIDDEN,
        },
        examples=[
            OpenApiExample("Reset the spending", value={"reset": True}, request_only=True),
            OpenApiExample("The budget", value=BUDGET, response_only=True),
        ],
    )
    def post(self, request):
        return self._change(request)

    def _change(self, request) -> Response:
        if not can(request.user, "manage_budgets"):
            raise PermissionDenied("Your role does not allow changing privacy budgets.")
        data = BudgetChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            dp.change_budget(**data.validated_data, user=request.user, channel="api")
        except dp.BudgetError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        return Response(BudgetSerializer(_budget_as_seen_by(request.user)).data)


def _budget_as_seen_by(user) -> dict:
    """The budget with every release for admins and privacy officers, else the user's own."""
    return budget_status(requested_by=None if can(user, "manage_budgets") else user.get_username())


def _run_or_404(request, ref: str):
    try:
        return lookup_run(request, ref)
    except RunNotFound as exc:
        raise NotFound(str(exc)) from None
