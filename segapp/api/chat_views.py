"""API doors of the chat: ask a question (POST chat/) and read a conversation (GET chat/{id}/).

Thin: validate the body, call `services.chat.engine`, return its answer object
(SPEC §11). Any role may ask; the answers respect the role (quotes need
view_documents, customers explain_customers). A conversation is only ever
visible to, and continued by, the user who started it (404 otherwise).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from segapp.api.dp_views import NoPrivacyPolicy
from segapp.api.errors import error_response
from segapp.api.permissions import require
from segapp.services.chat import engine

# Every role can read runs, so this lets every role ask; the tools check the rest.
ANY_ROLE = require("view_runs")
NOT_FOUND = error_response("You have no conversation with this id (the error shape).")
INVALID = error_response("Empty or over-long question, or a bad conversation id (the error shape).")


class ChatQuestionSerializer(serializers.Serializer):
    """A question, optionally continuing one of your conversations."""

    question = serializers.CharField(
        max_length=engine.MAX_QUESTION, help_text="The question, in plain English."
    )
    conversation = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**62,
        help_text="Continue this conversation of yours (follow-ups use its context).",
    )


class ChatFactSerializer(serializers.Serializer):
    """A figure the answer used, as a person reads it."""

    label = serializers.CharField()
    value = serializers.CharField()


class ChatQuoteSerializer(serializers.Serializer):
    """A redacted document the answer quotes."""

    document = serializers.IntegerField()
    text = serializers.CharField()
    segment = serializers.IntegerField(required=False)


class ChatPlanStepSerializer(serializers.Serializer):
    """One tool call the answer executed: its arguments and a compact result."""

    tool = serializers.CharField()
    args = serializers.DictField()
    result = serializers.DictField()


class ChatAnswerSerializer(serializers.Serializer):
    """The chat's answer object (SPEC §11)."""

    answer = serializers.CharField(help_text="A short answer with the figures.")
    facts = ChatFactSerializer(many=True)
    quotes = ChatQuoteSerializer(many=True, help_text="Only for roles that may read documents.")
    plan = ChatPlanStepSerializer(many=True, help_text="The tool calls executed (how I answered).")
    conversation = serializers.IntegerField(help_text="Send it back to ask a follow-up.")
    run = serializers.IntegerField(required=False, help_text="The run the answer is about.")
    intent = serializers.CharField(required=False)
    engine = serializers.CharField(required=False, help_text="local, or llm when it was used.")
    table = serializers.DictField(required=False)
    chart = serializers.DictField(required=False)
    suggestions = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="When it cannot answer."
    )
    llm_fallback = serializers.CharField(
        required=False, help_text="Why the LLM backend's answer was not used."
    )


class ChatMessageSerializer(serializers.Serializer):
    """A question of a conversation and its answer."""

    question = serializers.CharField()
    response = ChatAnswerSerializer()
    created_at = serializers.DateTimeField()


class ConversationSerializer(serializers.Serializer):
    """A conversation with every question and answer, oldest first."""

    conversation = serializers.IntegerField()
    run = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    messages = ChatMessageSerializer(many=True)


ANSWER = {
    "answer": "“Price-minded coupon users” (segment 6) has the highest mean coupon use rate: "
    "0.61. Then: “Sugar-minded low-return customers” 0.13, “Leather-minded quiet customers” 0.12.",
    "facts": [
        {"label": "Price-minded coupon users: mean coupon use rate", "value": "0.61"},
        {"label": "Sugar-minded low-return customers: mean coupon use rate", "value": "0.13"},
    ],
    "quotes": [],
    "plan": [
        {
            "tool": "rank_segments",
            "args": {"measure": "coupon_use_rate", "order": "desc", "position": 1, "topic": None},
            "result": {"measure": "coupon_use_rate", "answer": 6, "ranking": [
                {"segment": 6, "name": "Price-minded coupon users", "value": 0.6144, "rank": 1}]},
        }
    ],
    "conversation": 12,
    "run": 3,
    "intent": "rank_segments",
    "engine": "local",
}  # fmt: skip
QUESTION_EXAMPLE = OpenApiExample(
    "A question",
    value={"question": "Which segment uses coupons the most?"},
    request_only=True,
)
FOLLOW_UP_EXAMPLE = OpenApiExample(
    "A follow-up",
    value={"question": "and the second?", "conversation": 12},
    request_only=True,
)
ANSWER_EXAMPLE = OpenApiExample("An answer", value=ANSWER, response_only=True, status_codes=["200"])
DECLINE_EXAMPLE = OpenApiExample(
    "A decline",
    value={
        "answer": "I don't know a segment called “the astronauts” in this run.",
        "facts": [],
        "quotes": [],
        "plan": [],
        "conversation": 13,
        "run": 3,
        "intent": "describe_segment",
        "engine": "local",
        "suggestions": ["How many segments are there and how big are they?"],
    },  # fmt: skip
    response_only=True,
    status_codes=["200"],
)
HISTORY_EXAMPLE = OpenApiExample(
    "A conversation",
    value={
        "conversation": 12,
        "run": 3,
        "created_at": "2026-03-01T12:00:00Z",
        "messages": [
            {
                "question": "Which segment uses coupons the most?",
                "response": ANSWER,
                "created_at": "2026-03-01T12:00:00Z",
            }
        ],
    },  # fmt: skip
    response_only=True,
    status_codes=["200"],
)


class ChatView(APIView):
    """Ask the chat one question about the latest run (or continue a conversation)."""

    permission_classes = [ANY_ROLE, NoPrivacyPolicy]

    @extend_schema(
        summary="Ask the chat",
        description="A question in plain English about the latest successful run's segments, "
        "topics, sentiment, behaviour, changes and (for analysts and admins) customers. The "
        "answer gives the figures it used (`facts`), the redacted quotes (roles that may read "
        "documents), and the `plan` it executed. It declines plainly, with `suggestions`, "
        "when it cannot answer. Send `conversation` back to ask a follow-up. Every question "
        "is written to the audit log.",
        request=ChatQuestionSerializer,
        responses={200: ChatAnswerSerializer, 400: INVALID, 404: NOT_FOUND},
        examples=[QUESTION_EXAMPLE, FOLLOW_UP_EXAMPLE, ANSWER_EXAMPLE, DECLINE_EXAMPLE],
    )
    def post(self, request):
        body = ChatQuestionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            answer = engine.ask(
                body.validated_data["question"],
                user=request.user,
                conversation_id=body.validated_data.get("conversation"),
                channel="api",
            )
        except engine.ConversationNotFound as exc:
            raise NotFound(str(exc)) from None
        except engine.QuestionError as exc:
            raise serializers.ValidationError({"question": [str(exc)]}) from None
        return Response(answer)


class ConversationView(APIView):
    """One of your conversations: every question and answer."""

    permission_classes = [ANY_ROLE, NoPrivacyPolicy]

    @extend_schema(
        summary="A chat conversation",
        description="Your conversation with every question and its answer, oldest first. "
        "Other users' conversations are not found (404).",
        parameters=[
            OpenApiParameter("id", int, OpenApiParameter.PATH, description="The conversation.")
        ],
        responses={200: ConversationSerializer, 404: NOT_FOUND},
        examples=[HISTORY_EXAMPLE],
    )
    def get(self, request, id):
        try:
            found = engine.history(request.user, id)
        except engine.ConversationNotFound as exc:
            raise NotFound(str(exc)) from None
        return Response(ConversationSerializer(found).data)
