"""API of rectification: correct a customer's attributes or a document's text.

Thin doors over :mod:`segapp.services.privacy.rectify`; privacy officers and
admins only (`manage_privacy`). Each answer is the request's receipt (which
fields and documents changed, never old values) and the data as now stored.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from segapp.api import examples
from segapp.api.errors import error_response
from segapp.api.permissions import require
from segapp.models import Customer, Document, PrivacyRequest
from segapp.services.privacy.rectify import (
    RectificationError,
    UnknownCustomer,
    UnknownDocument,
    rectify_customer,
    rectify_document,
)

ERRORS = {
    400: error_response("The correction cannot be applied; nothing was changed (the error shape)."),
    403: error_response("Your role does not allow this (the error shape)."),
    404: error_response("No such customer, or no such document of theirs (the error shape)."),
}
PSEUDONYM_PARAMETER = OpenApiParameter(
    "pseudonym",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The customer's pseudonym (HMAC-SHA256 of the external id, lowercase hex).",
)
DOCUMENT_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The document's id."
)


class RectifyAttributesInputSerializer(serializers.Serializer):
    """The corrections: attribute name → corrected value, or null/"" to remove it."""

    attributes = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        allow_empty=False,
        help_text="Attribute name → corrected value (a number or text); null or an empty "
        "string removes the attribute. Numeric behavioural attributes take numbers, "
        "sensitive ones (age, gender, region …) are kept as sensitive.",
    )


class RectifyTextInputSerializer(serializers.Serializer):
    """The corrected text of a document."""

    text = serializers.CharField(
        trim_whitespace=False,
        allow_blank=True,
        help_text="The corrected text; redacted, hashed and cut to the length limit "
        "exactly as an import would.",
    )


class RectificationReceiptSerializer(serializers.Serializer):
    """The rectification request's receipt: what changed, never old values."""

    request = serializers.UUIDField(source="request_id")
    kind = serializers.CharField()
    status = serializers.CharField()
    fields = serializers.IntegerField(help_text="How many attributes changed.")
    documents = serializers.IntegerField(help_text="How many document texts changed.")
    changed = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Attribute names set, by where they are kept (behaviour, attributes, sensitive).",
    )
    removed = serializers.ListField(child=serializers.CharField())
    document_ids = serializers.ListField(child=serializers.IntegerField())
    created_at = serializers.DateTimeField()


class RectifiedCustomerSerializer(serializers.Serializer):
    """A customer's attributes as now stored."""

    pseudonym = serializers.CharField()
    behaviour = serializers.DictField()
    attributes = serializers.DictField()
    sensitive = serializers.DictField()


class RectifiedDocumentSerializer(serializers.Serializer):
    """A document's text as now stored (redacted) and what was computed from it."""

    id = serializers.IntegerField()
    text = serializers.CharField()
    text_hash = serializers.CharField()
    original_length = serializers.IntegerField()
    truncated = serializers.BooleanField()
    redactions = serializers.DictField(child=serializers.IntegerField())


class CustomerRectificationSerializer(serializers.Serializer):
    """Answer to an attribute correction."""

    receipt = RectificationReceiptSerializer()
    customer = RectifiedCustomerSerializer()


class DocumentRectificationSerializer(serializers.Serializer):
    """Answer to a text correction."""

    receipt = RectificationReceiptSerializer()
    document = RectifiedDocumentSerializer()


def _receipt(request: PrivacyRequest) -> dict:
    return {
        "request_id": request.request_id,
        "kind": request.kind,
        "status": request.status,
        "fields": request.counts.get("fields", 0),
        "documents": request.counts.get("documents", 0),
        "changed": request.details.get("fields", {}),
        "removed": request.details.get("removed", []),
        "document_ids": request.details.get("documents", []),
        "created_at": request.created_at,
    }


RECEIPT = {
    "request": "5b0e6c1e-2d1f-4a8e-9c61-0d3f5a7b9e21",
    "kind": "rectification",
    "status": "done",
    "fields": 2,
    "documents": 0,
    "changed": {"behaviour": ["spend_12m"]},
    "removed": ["tier"],
    "document_ids": [],
    "created_at": "2026-03-02T09:15:00Z",
}
ATTRIBUTES_REQUEST_EXAMPLE = OpenApiExample(
    "Correct one value, remove another",
    value={"attributes": {"spend_12m": 120.5, "tier": None}},
    request_only=True,
)
ATTRIBUTES_RESPONSE_EXAMPLE = OpenApiExample(
    "Corrected",
    value={
        "receipt": RECEIPT,
        "customer": {
            "pseudonym": examples.PSEUDONYM,
            "behaviour": {"spend_12m": 120.5, "orders_12m": 4.0},
            "attributes": {},
            "sensitive": {"region": "North"},
        },
    },
    response_only=True,
)
TEXT_REQUEST_EXAMPLE = OpenApiExample(
    "Correct a review",
    value={"text": "The refills arrived broken; write to me at jane@example.com."},
    request_only=True,
)
TEXT_RESPONSE_EXAMPLE = OpenApiExample(
    "Corrected and redacted",
    value={
        "receipt": {
            **RECEIPT,
            "fields": 0,
            "documents": 1,
            "changed": {},
            "removed": [],
            "document_ids": [812],
        },
        "document": {
            "id": 812,
            "text": "The refills arrived broken; write to me at [EMAIL].",
            "text_hash": "a3c1…",
            "original_length": 60,
            "truncated": False,
            "redactions": {"EMAIL": 1},
        },
    },
    response_only=True,
)


def _not_found(exc: LookupError) -> NotFound:
    return NotFound(str(exc))


class CustomerRectifyView(APIView):
    """Correct a customer's attributes (right to rectification)."""

    permission_classes = [require("manage_privacy")]

    @extend_schema(
        summary="Correct a customer's attributes",
        description="Corrects attributes where an import would keep them: numeric behavioural "
        "columns, other attributes (text redacted as on import) or sensitive attributes. "
        '`null` or `""` removes one. An unknown attribute, or a value that does not fit '
        "it, changes nothing and answers 400. Recorded as a rectification request (its "
        "receipt names the fields changed, never values) and in the audit log. Later runs "
        "read the corrected data. Admins and privacy officers only.",
        parameters=[PSEUDONYM_PARAMETER],
        request=RectifyAttributesInputSerializer,
        responses={
            200: CustomerRectificationSerializer,
            400: ERRORS[400],
            403: ERRORS[403],
            404: ERRORS[404],
        },
        examples=[ATTRIBUTES_REQUEST_EXAMPLE, ATTRIBUTES_RESPONSE_EXAMPLE],
    )
    def patch(self, request, pseudonym):
        body = RectifyAttributesInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            receipt = rectify_customer(
                pseudonym, body.validated_data["attributes"], user=request.user, channel="api"
            )
        except UnknownCustomer as exc:
            raise _not_found(exc) from None
        except RectificationError as exc:
            raise serializers.ValidationError({"attributes": [str(exc)]}) from None
        customer = Customer.objects.get(pseudonym=receipt.subject)
        return Response(
            CustomerRectificationSerializer(
                {"receipt": _receipt(receipt), "customer": customer}
            ).data
        )


class DocumentRectifyView(APIView):
    """Correct the text of one of a customer's documents (right to rectification)."""

    permission_classes = [require("manage_privacy")]

    @extend_schema(
        summary="Correct a document's text",
        description="Replaces the text of one of the customer's documents. The new text is "
        "redacted, hashed and cut to the length limit exactly as on import; the old text's "
        "embedding is deleted when no other document has that text, and later runs embed "
        "the corrected one. Past runs keep their results for the document. Recorded as a "
        "rectification request and in the audit log. Admins and privacy officers only.",
        parameters=[PSEUDONYM_PARAMETER, DOCUMENT_PARAMETER],
        request=RectifyTextInputSerializer,
        responses={
            200: DocumentRectificationSerializer,
            400: ERRORS[400],
            403: ERRORS[403],
            404: ERRORS[404],
        },
        examples=[TEXT_REQUEST_EXAMPLE, TEXT_RESPONSE_EXAMPLE],
    )
    def patch(self, request, pseudonym, id):
        body = RectifyTextInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            receipt = rectify_document(
                pseudonym, id, body.validated_data["text"], user=request.user, channel="api"
            )
        except (UnknownCustomer, UnknownDocument) as exc:
            raise _not_found(exc) from None
        except RectificationError as exc:
            raise serializers.ValidationError({"text": [str(exc)]}) from None
        document = Document.objects.get(pk=id)
        return Response(
            DocumentRectificationSerializer(
                {"receipt": _receipt(receipt), "document": document}
            ).data
        )
