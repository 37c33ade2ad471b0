"""API shapes: what goes in and out of each endpoint, nothing else."""

from __future__ import annotations


from rest_framework import serializers

from segapp.api.persona_serializers import CustomerMembershipSerializer, ExplanationSerializer
from segapp.models import Customer, Document


class CustomerSerializer(serializers.ModelSerializer):
    """A customer by pseudonym, with behaviour, consent and activity counts."""

    documents = serializers.IntegerField(source="document_count", read_only=True)
    events = serializers.IntegerField(source="event_count", read_only=True)

    class Meta:
        model = Customer
        fields = [
            "pseudonym",
            "behaviour",
            "event_features",
            "attributes",
            "sensitive",
            "segmentation_consent",
            "consent_updated_at",
            "documents",
            "events",
            "created_at",
            "updated_at",
        ]


class CustomerDetailSerializer(CustomerSerializer):
    """A customer with their place in every successful run and, for analysts, an explanation."""

    memberships = CustomerMembershipSerializer(many=True, help_text="Newest run first.")
    explanation = ExplanationSerializer(
        allow_null=True,
        help_text="Why the customer is in their segment in the latest successful run (or "
        "?run=ID); null when your role may not see it or the customer was not in that run.",
    )
    explanation_hidden = serializers.BooleanField(
        help_text="True when your role may not see explanations."
    )

    class Meta(CustomerSerializer.Meta):
        fields = [
            *CustomerSerializer.Meta.fields,
            "memberships",
            "explanation",
            "explanation_hidden",
        ]


class DocumentSerializer(serializers.ModelSerializer):
    """A redacted document."""

    customer = serializers.CharField(source="customer.pseudonym")

    class Meta:
        model = Document
        fields = [
            "id",
            "customer",
            "kind",
            "channel",
            "created_at",
            "rating",
            "text",
            "truncated",
            "original_length",
            "redactions",
            "metadata",
            "import_job",
            "imported_at",
        ]
