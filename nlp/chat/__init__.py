"""The chat's understanding: a question in plain English -> intent, entities, a plan of tool calls.

Pure Python (no Django): :mod:`nlp.chat.intents` lists the intents and tools once,
:class:`~nlp.chat.vocabulary.Vocabulary` is what a run lets the chat talk about,
:class:`~nlp.chat.understand.Interpreter` reads a question against it,
:func:`~nlp.chat.plan.make_plan` turns the reading into tool calls or a plain
:class:`~nlp.chat.plan.Decline`.
"""

from nlp.chat.intents import INTENT_REGISTRY, INTENTS, TOOL_REGISTRY, TOOLS, Intent, Tool
from nlp.chat.plan import Decline, Plan, Step, make_plan, suggest_questions
from nlp.chat.understand import Filter, Interpreter, Understanding
from nlp.chat.vocabulary import MeasureTerm, SegmentTerm, TopicTerm, Vocabulary

__all__ = [
    "INTENTS",
    "INTENT_REGISTRY",
    "TOOLS",
    "TOOL_REGISTRY",
    "Decline",
    "Filter",
    "Intent",
    "Interpreter",
    "MeasureTerm",
    "Plan",
    "SegmentTerm",
    "Step",
    "Tool",
    "TopicTerm",
    "Understanding",
    "Vocabulary",
    "make_plan",
    "suggest_questions",
]
