"""The chat's understanding: a question in plain English -> intent, entities, a plan of tool calls.

Pure Python (no Django): :class:`~nlp.chat.vocabulary.Vocabulary` is what a run lets
the chat talk about, :class:`~nlp.chat.understand.Interpreter` reads a question
against it, :func:`~nlp.chat.plan.make_plan` turns the reading into tool calls or a
plain :class:`~nlp.chat.plan.Decline`.
"""

from nlp.chat.plan import TOOLS, Decline, Plan, Step, make_plan, suggest_questions
from nlp.chat.understand import INTENTS, Filter, Interpreter, Understanding
from nlp.chat.vocabulary import MeasureTerm, SegmentTerm, TopicTerm, Vocabulary

__all__ = [
    "INTENTS",
    "TOOLS",
    "Decline",
    "Filter",
    "Interpreter",
    "MeasureTerm",
    "Plan",
    "SegmentTerm",
    "Step",
    "TopicTerm",
    "Understanding",
    "Vocabulary",
    "make_plan",
    "suggest_questions",
]
