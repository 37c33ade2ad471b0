"""API of a run's bias audit: `GET /api/v1/runs/{run}/bias/`.

The view checks the role (view_bias_audit: admins, analysts, product managers,
privacy officers; never integrations), computes the audit when the run has
none yet (a few seconds, then stored), and shapes what
`segapp.selectors.bias.bias_audit_view` returns. k-anonymity is the
selector's job. The serializers below only describe and shape that dict.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from segapp.api import examples
from segapp.api.dp_views import NoPrivacyPolicy
from segapp.api.errors import error_response
from segapp.api.permissions import require
from segapp.api.run_views import run_or_404
from segapp.models import RunStatus
from segapp.selectors.bias import bias_audit_view
from segapp.services.bias import current_bias_audit


class RunHasNoResults(APIException):
    """The run has not succeeded, so there is nothing to audit."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "run_not_succeeded"
    default_detail = "The run has not succeeded: only succeeded runs have a bias audit."


class CellSerializer(serializers.Serializer):
    """One category of one segment: shares in the segment and among everyone else."""

    category = serializers.CharField()
    share = serializers.FloatField(
        allow_null=True, help_text="Share of the segment's customers; null: fewer than k."
    )
    rest_share = serializers.FloatField(
        allow_null=True, help_text="Share among everyone else; null: fewer than k."
    )
    difference = serializers.FloatField(
        allow_null=True, help_text="share − rest_share; null when either is hidden."
    )
    cohens_h = serializers.FloatField(allow_null=True, help_text="Cohen's h of the two shares.")
    direction = serializers.ChoiceField(choices=("higher", "lower", "same"))
    flagged = serializers.BooleanField(help_text="This category makes the segment flagged.")


class PopulationCellSerializer(serializers.Serializer):
    """One category among all the run's customers."""

    category = serializers.CharField()
    share = serializers.FloatField(allow_null=True, help_text="null: fewer than k customers.")


class PopulationSerializer(serializers.Serializer):
    """The attribute over all the run's customers."""

    n = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True, required=False)
    median = serializers.FloatField(allow_null=True, required=False)
    cells = PopulationCellSerializer(many=True)


class SegmentRowSerializer(serializers.Serializer):
    """One audited segment against everyone else, on one attribute."""

    segment = serializers.IntegerField(help_text="The segment's number.")
    name = serializers.CharField()
    n = serializers.IntegerField(help_text="Customers in the segment.")
    mean = serializers.FloatField(allow_null=True, required=False)
    median = serializers.FloatField(allow_null=True, required=False)
    rest_mean = serializers.FloatField(allow_null=True, required=False)
    test = serializers.CharField(
        help_text="Mann–Whitney U, chi-square or chi-square (Monte Carlo)."
    )
    statistic = serializers.FloatField()
    dof = serializers.IntegerField(allow_null=True, required=False)
    p_value = serializers.FloatField()
    p_adjusted = serializers.FloatField(help_text="Holm-adjusted over every test of the audit.")
    effect = serializers.DictField(
        child=serializers.FloatField(),
        help_text="cohens_d and rank_biserial (numbers) or cramers_v (categories).",
    )
    significant = serializers.BooleanField()
    flagged = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, help_text="Why it is flagged, in words.")
    cells = CellSerializer(many=True)


class AttributeSerializer(serializers.Serializer):
    """One sensitive attribute: audited per segment, or skipped with a note."""

    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=("numeric", "categorical"), required=False)
    status = serializers.ChoiceField(choices=("audited", "skipped"))
    note = serializers.CharField(required=False, help_text="Why it was skipped.")
    notes = serializers.ListField(child=serializers.CharField(), required=False)
    categories = serializers.ListField(child=serializers.CharField(), required=False)
    population = PopulationSerializer(required=False)
    omnibus = serializers.DictField(allow_null=True, required=False)
    rows = SegmentRowSerializer(many=True, required=False)


class ProxyScoreSerializer(serializers.Serializer):
    """A cross-validated score, its lift over chance, and whether that is material."""

    score = serializers.FloatField()
    lift = serializers.FloatField()
    flagged = serializers.BooleanField()


class ProxyAttributeSerializer(serializers.Serializer):
    """How well one attribute is predicted from the segments and from the features."""

    attribute = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.ChoiceField(choices=("checked", "skipped"))
    note = serializers.CharField(required=False)
    n = serializers.IntegerField(required=False)
    classes = serializers.IntegerField(required=False)
    metric = serializers.CharField(required=False, help_text="balanced accuracy or R².")
    baseline = serializers.FloatField(required=False, help_text="Chance (1/classes) or 0 for R².")
    from_segments = ProxyScoreSerializer(allow_null=True, required=False)
    from_features = ProxyScoreSerializer(allow_null=True, required=False)
    flagged = serializers.BooleanField()
    verdict = serializers.CharField()


class ProxySerializer(serializers.Serializer):
    """The proxy check."""

    n = serializers.IntegerField()
    folds = serializers.IntegerField(allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())
    attributes = ProxyAttributeSerializer(many=True)


class FlagSerializer(serializers.Serializer):
    """A segment strongly skewed on an attribute."""

    segment = serializers.IntegerField()
    name = serializers.CharField()
    attribute = serializers.CharField()
    reason = serializers.CharField()


class AuditedSegmentSerializer(serializers.Serializer):
    """A segment with at least k customers."""

    number = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()


class BiasAuditSerializer(serializers.Serializer):
    """A run's bias audit; `state` says whether there is one (see its values)."""

    run = serializers.IntegerField()
    run_status = serializers.CharField()
    state = serializers.ChoiceField(
        choices=("ready", "missing", "error", "not_succeeded"),
        help_text="ready: the audit below; error: it could not be computed (message).",
    )
    message = serializers.CharField(required=False)
    summary = serializers.CharField(help_text="One line, as on the run page.")
    computed_at = serializers.CharField(allow_null=True, required=False)
    seconds = serializers.FloatField(allow_null=True, required=False)
    min_group_size = serializers.IntegerField(required=False, help_text="k of k-anonymity.")
    n_customers = serializers.IntegerField(required=False)
    n_outliers = serializers.IntegerField(required=False)
    small_segments = serializers.IntegerField(
        required=False, help_text="Segments below k: counted, not audited one by one."
    )
    segments = AuditedSegmentSerializer(many=True, required=False)
    thresholds = serializers.DictField(child=serializers.FloatField(), required=False)
    attributes = AttributeSerializer(many=True, required=False)
    flags = FlagSerializer(many=True, required=False)
    proxy = ProxySerializer(required=False)
    notes = serializers.ListField(child=serializers.CharField(), required=False)


_CELLS = [
    {"category": "18–24", "share": None, "rest_share": 0.14, "difference": None,
     "cohens_h": None, "direction": "lower", "flagged": True},
    {"category": "55–64", "share": 0.35, "rest_share": 0.08, "difference": 0.27,
     "cohens_h": 0.68, "direction": "higher", "flagged": True},
]  # fmt: skip
BIAS_AUDIT_EXAMPLE = OpenApiExample(
    "A bias audit",
    response_only=True,
    value={
        "run": 12,
        "run_status": "succeeded",
        "state": "ready",
        "summary": "1 segment strongly skewed (age) · proxy: age (from segments)",
        "computed_at": "2026-03-02T10:15:04+00:00",
        "seconds": 1.4,
        "min_group_size": 10,
        "n_customers": 3000,
        "n_outliers": 240,
        "small_segments": 1,
        "segments": [{"number": 8, "name": "Occasional gifters", "size": 300}],
        "thresholds": {"alpha": 0.05, "min_abs_d": 0.5, "min_share_difference": 0.15,
                       "min_abs_h": 0.5, "min_proxy_lift": 0.2, "min_proxy_r2": 0.13},
        "attributes": [
            {
                "name": "age",
                "kind": "numeric",
                "status": "audited",
                "notes": [],
                "categories": ["18–24", "55–64"],
                "population": {"n": 3000, "mean": 37.6, "median": 36.0, "cells": [
                    {"category": "18–24", "share": 0.13}, {"category": "55–64", "share": 0.1}]},
                "omnibus": {"test": "Kruskal–Wallis", "statistic": 1172.9, "p_value": 7e-248},
                "rows": [
                    {"segment": 8, "name": "Occasional gifters", "n": 300, "mean": 55.3,
                     "median": 55.0, "rest_mean": 35.6, "test": "Mann–Whitney U",
                     "statistic": 392000.0, "p_value": 2e-104, "p_adjusted": 1.8e-103,
                     "effect": {"cohens_d": 1.63, "rank_biserial": 0.76}, "significant": True,
                     "flagged": True, "cells": _CELLS,
                     "reason": "older: mean 55.3 vs 35.6 for everyone else (Cohen's d +1.63)"}
                ],
            },
            {"name": "postcode", "status": "skipped",
             "note": "2871 distinct values for 3000 customers: nearly one per customer, so it "
                     "cannot be audited as categories (coarsen it before importing)."},
        ],
        "flags": [{"segment": 8, "name": "Occasional gifters", "attribute": "age",
                   "reason": "older: mean 55.3 vs 35.6 for everyone else (Cohen's d +1.63)"}],
        "proxy": {
            "n": 3000,
            "folds": 5,
            "notes": [],
            "attributes": [
                {"attribute": "age", "kind": "numeric", "status": "checked", "n": 3000,
                 "metric": "R²", "baseline": 0.0,
                 "from_segments": {"score": 0.41, "lift": 0.41, "flagged": True},
                 "from_features": {"score": 0.06, "lift": 0.06, "flagged": False},
                 "flagged": True, "verdict": "Predictable from the segments."}
            ],
        },
        "notes": [],
    },
)  # fmt: skip


class RunBiasAuditView(APIView):
    """The bias audit of a run: mix of sensitive attributes per segment, flags, proxy check."""

    permission_classes = [require("view_bias_audit"), NoPrivacyPolicy]

    @extend_schema(
        summary="Bias audit of a run",
        description="For every segment with at least k customers and every sensitive attribute "
        "(age, gender, region, …): the share of each category (or age band) in the segment "
        "against everyone else, a test (Mann–Whitney U or chi-square, Holm-corrected), effect "
        "sizes and a flag when the difference is both significant and at least medium "
        "(|d| ≥ 0.5; 15 percentage points or |h| ≥ 0.5). The proxy check tells how well each "
        "attribute is predicted from the segment labels and from the clustering features, "
        "cross-validated, against chance. Shares held by fewer than k customers are null. "
        "Computed when the run succeeds; a run without an audit yet gets one on this call. "
        "Admins, analysts, product managers and privacy officers.",
        parameters=[examples.RUN_PARAMETER],
        responses={
            200: BiasAuditSerializer,
            403: error_response("Your role does not allow this (the error shape)."),
            404: error_response("No such run (the error shape)."),
            409: error_response("The run has not succeeded, so it has no audit (the error shape)."),
        },
        examples=[BIAS_AUDIT_EXAMPLE],
    )
    def get(self, request, run):
        found = run_or_404(request, run)
        if found.status != RunStatus.SUCCEEDED:
            raise RunHasNoResults(
                f"Run {found.pk} has status {found.status}: only succeeded runs have a bias audit."
            )
        view = bias_audit_view(found, current_bias_audit(found))
        return Response(BiasAuditSerializer(view).data)
