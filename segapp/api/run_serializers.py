"""API shapes of runs and their results."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from segapp.models import Segment, SegmentationRun
from segapp.selectors.jobs import waiting_for
from segapp.selectors.placement import run_placement, run_populations


class RunCreateSerializer(serializers.Serializer):
    """Start a run: parameters by name (see PipelineParams), all optional."""

    parameters = serializers.DictField(required=False, default=dict)


class RunSerializer(serializers.ModelSerializer):
    """A run: status, progress per stage, timings, metrics, notes."""

    created_by = serializers.CharField(
        source="created_by.username",
        default=None,
        allow_null=True,
        help_text="Username; null when started by the system or from the command line.",
    )
    duration_seconds = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Null until it has finished."
    )
    customers_withdrawn = serializers.IntegerField(
        read_only=True,
        help_text="Customers who opted out or were erased since the run: they are gone from its "
        "members, quotes and answers, but its stored sizes and shares still count them.",
    )
    waiting_for = serializers.SerializerMethodField(
        help_text="What a queued run waits for (workers busy, runs ahead), or why a running "
        "one seems stalled; empty otherwise."
    )

    class Meta:
        model = SegmentationRun
        fields = [
            "id", "status", "stage", "stage_progress", "parameters", "model_versions",
            "timings", "metrics", "sentiment", "notes", "error_message", "n_customers",
            "n_documents", "n_segments", "outlier_share", "source", "created_by",
            "created_at", "started_at", "finished_at", "duration_seconds", "reused_from",
            "input_fingerprint", "customers_withdrawn", "privacy_changed_at", "waiting_for",
        ]  # fmt: skip

    def get_waiting_for(self, run: SegmentationRun) -> str:
        return waiting_for(run)


class WaitingReasonSerializer(serializers.Serializer):
    """Customers waiting for the next run for one reason."""

    reason = serializers.ChoiceField(choices=("no_text", "missing_behaviour"))
    customers = serializers.IntegerField()
    text = serializers.CharField()


class PlacementSerializer(serializers.Serializer):
    """The run's customers: fitted, placed after it by its model, waiting for the next run."""

    fitted = serializers.IntegerField(help_text="Customers the run was fitted on.")
    placed_after = serializers.IntegerField(help_text="Placed after the run by its saved model.")
    placed_after_outliers = serializers.IntegerField(
        help_text="Of those, placed in no segment (outliers)."
    )
    waiting = serializers.IntegerField(
        help_text="Arrived after the run but lack what its segments were fitted on."
    )
    waiting_reasons = WaitingReasonSerializer(many=True)


class RunDetailSerializer(RunSerializer):
    """One run, with its placement counts and the populations it read before fitting."""

    placement = serializers.SerializerMethodField()
    populations = serializers.SerializerMethodField(
        help_text="Groups of customers holding different features (text or not, which "
        "behaviour columns), found when the run began; null for older runs."
    )

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "placement", "populations"]

    @extend_schema_field(PlacementSerializer(allow_null=True))
    def get_placement(self, run: SegmentationRun) -> dict | None:
        return run_placement(run).as_dict() if run.status == "succeeded" else None

    @extend_schema_field(serializers.JSONField(allow_null=True))
    def get_populations(self, run: SegmentationRun) -> dict | None:
        return run_populations(run)


class SegmentSerializer(serializers.ModelSerializer):
    """A segment with its profile: top topics, sentiment, behaviour against everyone."""

    segment = serializers.IntegerField(source="number")

    class Meta:
        model = Segment
        fields = ["segment", "name", "size", "share", "profile"]


class RepresentativeDocumentSerializer(serializers.Serializer):
    """A document quoted for a topic: redacted text, kind, rating, sentiment in this run."""

    id = serializers.IntegerField(help_text="The document's id, as in /api/v1/documents/.")
    text = serializers.CharField(help_text="The text as stored: PII already redacted.")
    kind = serializers.CharField(help_text="review | survey | social")
    rating = serializers.FloatField(allow_null=True)
    sentiment = serializers.FloatField(help_text="Compound sentiment in [-1, 1].")
    sentiment_label = serializers.CharField(help_text="positive | neutral | negative")


class TopicSegmentSerializer(serializers.Serializer):
    """A segment that talks about a topic."""

    segment = serializers.IntegerField(source="number")
    name = serializers.CharField()
    share = serializers.FloatField(help_text="Share of the segment's documents on this topic.")
    lift = serializers.FloatField(
        allow_null=True, help_text="That share against everyone's (2.0: twice as often)."
    )
    sentiment = serializers.FloatField(
        allow_null=True, help_text="Mean sentiment of the segment's documents on this topic."
    )


class TopicSerializer(serializers.Serializer):
    """A topic: keywords, size, sentiment, related topics, segments and representative documents.

    `representative_documents` holds the quoted texts only for roles that may
    read documents (`view_documents`); for other roles it is an empty list and
    `representative_documents_hidden` is true.
    """

    topic = serializers.IntegerField(source="number")
    label = serializers.CharField()
    keywords = serializers.ListField(child=serializers.CharField())
    size = serializers.IntegerField(help_text="Documents assigned to the topic.")
    share = serializers.FloatField(
        allow_null=True, help_text="The topic's share of all documents of the run."
    )
    sentiment = serializers.FloatField(allow_null=True)
    aspect_sentiment = serializers.FloatField(
        allow_null=True, help_text="Sentiment of the sentences about this topic."
    )
    parent_number = serializers.IntegerField(allow_null=True)
    children = serializers.SerializerMethodField()
    segments = TopicSegmentSerializer(
        many=True, help_text="The segments that talk about this topic most, by share."
    )
    representative_documents = RepresentativeDocumentSerializer(
        many=True,
        help_text="Documents typical of the topic; empty when "
        "`representative_documents_hidden` is true.",
    )
    small = serializers.BooleanField(
        help_text="Written by fewer than k customers: label, keywords, sentiment, segments "
        "and documents are withheld."
    )
    representative_documents_hidden = serializers.BooleanField(
        source="documents_hidden",
        help_text="True when your role may not read documents, so no texts are given.",
    )

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_children(self, topic) -> list[int]:
        return [child.number for child in topic.children]


class MemberSerializer(serializers.Serializer):
    """A member of a segment (pseudonymous id only)."""

    customer = serializers.CharField()
    segment = serializers.CharField(allow_blank=True)
    segment_name = serializers.CharField(allow_blank=True)
    probability = serializers.FloatField()
    outlier = serializers.BooleanField()
