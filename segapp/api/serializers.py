"""API shapes: what goes in and out of each endpoint, nothing else."""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework import serializers

from segapp.api.persona_serializers import CustomerMembershipSerializer, ExplanationSerializer
from segapp.models import Customer, Document
from segapp.services.accounts import can


class CustomerIdentitySerializer(serializers.ModelSerializer):
    """A customer as roles without profile access see them: the pseudonym and when it changed."""

    class Meta:
        model = Customer
        fields = ["pseudonym", "created_at", "updated_at"]


class CustomerSerializer(CustomerIdentitySerializer):
    """A customer by pseudonym, with behaviour, consent and activity counts (admins, analysts)."""

    documents = serializers.IntegerField(source="document_count", read_only=True)
    events = serializers.IntegerField(source="event_count", read_only=True)

    class Meta(CustomerIdentitySerializer.Meta):
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


_MEMBERSHIPS_HELP = "Newest run first."
_WAITING_HELP = (
    "Runs the customer arrived after but was not placed in, because they lack what its "
    "segments were fitted on (no text for segments defined by what members write, or missing "
    "behaviour columns); they wait for the next run. Newest run first."
)


class WaitingSerializer(serializers.Serializer):
    """A run a customer waits to be segmented after, and why they were not placed in it."""

    run = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=("no_text", "missing_behaviour"))
    text = serializers.CharField(help_text="The reason in words.")
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="The features the customer lacks."
    )
    checked_at = serializers.DateTimeField()


_EXPLANATION_HELP = (
    "Why the customer is in their segment in the latest successful run (or ?run=ID); null "
    "when your role may not see it or the customer was not in that run."
)
_HIDDEN_HELP = "True when your role may not see explanations."


class CustomerMembershipsDetailSerializer(CustomerIdentitySerializer):
    """A customer as integrations see them: pseudonym and their place in every successful run."""

    memberships = CustomerMembershipSerializer(
        many=True, source="run_memberships", help_text=_MEMBERSHIPS_HELP
    )
    waiting = WaitingSerializer(many=True, help_text=_WAITING_HELP)
    explanation = ExplanationSerializer(allow_null=True, help_text=_EXPLANATION_HELP)
    explanation_hidden = serializers.BooleanField(help_text=_HIDDEN_HELP)

    class Meta(CustomerIdentitySerializer.Meta):
        fields = [
            *CustomerIdentitySerializer.Meta.fields,
            "memberships",
            "waiting",
            "explanation",
            "explanation_hidden",
        ]


class CustomerDetailSerializer(CustomerSerializer):
    """A customer with their place in every successful run and, for analysts, an explanation."""

    memberships = CustomerMembershipSerializer(
        many=True, source="run_memberships", help_text=_MEMBERSHIPS_HELP
    )
    waiting = WaitingSerializer(many=True, help_text=_WAITING_HELP)
    explanation = ExplanationSerializer(allow_null=True, help_text=_EXPLANATION_HELP)
    explanation_hidden = serializers.BooleanField(help_text=_HIDDEN_HELP)

    class Meta(CustomerSerializer.Meta):
        fields = [
            *CustomerSerializer.Meta.fields,
            "memberships",
            "waiting",
            "explanation",
            "explanation_hidden",
        ]


@dataclass(frozen=True)
class CustomerShape:
    """What one role reads of customers: the list and detail serializers, and its audit name."""

    scope: str
    list: type[serializers.ModelSerializer]
    detail: type[serializers.ModelSerializer]
    explains: bool


PROFILE = CustomerShape("profile", CustomerSerializer, CustomerDetailSerializer, explains=True)
MEMBERSHIPS_ONLY = CustomerShape(
    "memberships", CustomerIdentitySerializer, CustomerMembershipsDetailSerializer, explains=False
)


def customer_shape(user) -> CustomerShape:
    """The customer shape a user's role may read: the whole profile, or memberships only."""
    return PROFILE if can(user, "view_customer_profiles") else MEMBERSHIPS_ONLY


_PROFILE_ONLY = "Admins and analysts only: absent for roles that read memberships only."


class CustomerListItemByRoleSerializer(serializers.Serializer):
    """The documented shape of a customer in the list: profile fields only for some roles."""

    pseudonym = serializers.CharField(help_text="HMAC-SHA256 of the external id (lowercase hex).")
    behaviour = serializers.DictField(
        child=serializers.FloatField(), required=False, help_text=_PROFILE_ONLY
    )
    event_features = serializers.DictField(
        child=serializers.FloatField(), required=False, help_text=_PROFILE_ONLY
    )
    attributes = serializers.DictField(required=False, help_text=_PROFILE_ONLY)
    sensitive = serializers.DictField(required=False, help_text=_PROFILE_ONLY)
    segmentation_consent = serializers.BooleanField(required=False, help_text=_PROFILE_ONLY)
    consent_updated_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=_PROFILE_ONLY
    )
    documents = serializers.IntegerField(required=False, help_text=_PROFILE_ONLY)
    events = serializers.IntegerField(required=False, help_text=_PROFILE_ONLY)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class CustomerByRoleSerializer(CustomerListItemByRoleSerializer):
    """The documented shape of one customer: memberships for every role, the profile for some."""

    memberships = CustomerMembershipSerializer(many=True, help_text=_MEMBERSHIPS_HELP)
    waiting = WaitingSerializer(many=True, help_text=_WAITING_HELP)
    explanation = ExplanationSerializer(allow_null=True, help_text=_EXPLANATION_HELP)
    explanation_hidden = serializers.BooleanField(help_text=_HIDDEN_HELP)


class CustomerLookupQuerySerializer(serializers.Serializer):
    """?external_id=: a customer by the integrator's own id."""

    external_id = serializers.CharField(
        max_length=500,
        trim_whitespace=False,
        help_text="Your own id of the customer, as in the files you import; VoxSeg computes "
        "its pseudonym and never stores it.",
    )

    def validate_external_id(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("external_id is empty.")
        return value


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
