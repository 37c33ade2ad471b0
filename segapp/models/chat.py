"""Chat conversations: who asked what, and what the chat answered, per user.

A conversation belongs to one user (or to the command line's operator, with no
user) and to the run it was about; `context` keeps what a follow-up question
needs ("and the second largest?"): the last understanding and the entities the
last answer named. Each question and its full answer is a `ChatMessage`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Conversation(models.Model):
    """A user's conversation with the chat; follow-ups continue it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="chat_conversations",
    )
    run = models.ForeignKey(
        "segapp.SegmentationRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_conversations",
    )
    context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"conversation {self.pk} of {self.user_id or 'the command line'}"


class ChatMessage(models.Model):
    """One question of a conversation and the answer object the chat returned."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    question = models.TextField()
    response = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conversation", "id"]

    def __str__(self) -> str:
        return f"message {self.pk} of conversation {self.conversation_id}"
