"""Grounding: every figure and quote of an answer must come from the tool results."""

from __future__ import annotations

from segapp.services.chat import grounding
from segapp.services.chat.tools import ToolResult, fact

RESULT = ToolResult(
    data={"segment": 3, "name": "Price-minded coupon users", "size": 1234, "share": 0.1342,
          "sentiment": -0.0512, "label": "price · sale · deal"},
    facts=[fact("Customers", "1,234"), fact("Spend (12 months)", "1,737")],
    quotes=[{"document": 7, "text": "The checkout kept failing and the voucher never applied."}],
)  # fmt: skip


def test_figures_written_as_the_results_write_them_are_grounded():
    text = "“Price-minded coupon users” (segment 3) has 1,234 customers, 13.4% of the run, "
    text += "mean sentiment -0.05; spend 1,737."
    assert grounding.check(text, RESULT.quotes, [RESULT]) == []


def test_an_invented_figure_is_reported():
    problems = grounding.check("They have 4,321 customers and 13.4% share.", [], [RESULT])
    assert problems == ["the figure 4,321 is not in any tool result"]


def test_a_share_at_another_precision_or_sign_is_not_backed():
    assert grounding.check("a share of 15.0%", [], [RESULT])
    assert grounding.check("mean sentiment +0.05", [], [RESULT])


def test_quotes_must_be_tool_quotes_and_quoted_passages_part_of_one():
    invented = [{"document": 8, "text": "Best shop ever, I would never go anywhere else."}]
    assert grounding.check("", invented, [RESULT])
    said = "One wrote: “The checkout kept failing and the voucher never applied.”"
    assert grounding.check(said, RESULT.quotes, [RESULT]) == []
    made_up = "One wrote: “The delivery was late every single time I ordered.”"
    assert grounding.check(made_up, [], [RESULT])


def test_numbers_inside_words_and_ids_are_not_figures():
    assert grounding.numbers_in("spend_12m and app_sessions_30d, 3f9a1c…") == []


def test_an_identifier_shortened_to_its_leading_digits_is_grounded_by_the_identifier():
    found = {"data": {"customer": "770789910393ab12cd"}}
    assert grounding.check("the customer (pseudonym 770789910393…)", [], [found]) == []
    assert grounding.check("the customer (pseudonym 77078…) spent 12", [], [found]) != []
