"""API shapes of runs and their results."""

from __future__ import annotations

from rest_framework import serializers

from segapp.models import Segment, SegmentationRun, Topic


class RunCreateSerializer(serializers.Serializer):
    """Start a run: parameters by name (see PipelineParams), all optional."""

    parameters = serializers.DictField(required=False, default=dict)


class RunSerializer(serializers.ModelSerializer):
    """A run: status, progress per stage, timings, metrics, notes."""

    created_by = serializers.CharField(source="created_by.username", default=None)
    duration_seconds = serializers.FloatField(read_only=True)

    class Meta:
        model = SegmentationRun
        fields = [
            "id", "status", "stage", "stage_progress", "parameters", "model_versions",
            "timings", "metrics", "sentiment", "notes", "error_message", "n_customers",
            "n_documents", "n_segments", "outlier_share", "source", "created_by",
            "created_at", "started_at", "finished_at", "duration_seconds",
        ]  # fmt: skip


class SegmentSerializer(serializers.ModelSerializer):
    """A segment with its profile: top topics, sentiment, behaviour against everyone."""

    segment = serializers.IntegerField(source="number")

    class Meta:
        model = Segment
        fields = ["segment", "name", "size", "share", "profile"]


class TopicSerializer(serializers.ModelSerializer):
    """A topic with keywords, size, sentiment and representative documents."""

    topic = serializers.IntegerField(source="number")

    class Meta:
        model = Topic
        fields = [
            "topic", "label", "keywords", "size", "sentiment", "aspect_sentiment",
            "representative_documents", "parent_number",
        ]  # fmt: skip


class MemberSerializer(serializers.Serializer):
    """A member of a segment (pseudonymous id only)."""

    customer = serializers.CharField()
    segment = serializers.CharField(allow_blank=True)
    segment_name = serializers.CharField(allow_blank=True)
    probability = serializers.FloatField()
    outlier = serializers.BooleanField()
