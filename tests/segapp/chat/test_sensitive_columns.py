"""The chat reads customer columns by canonical key and never offers a declared name as a measure."""

from __future__ import annotations

import pytest

from segapp.models import Customer, Membership
from segapp.services.chat import vocabulary
from segapp.services.chat.tools import ToolContext, run_tool
from segapp.services.chat.vocabulary import build_vocabulary, run_categories
from segapp.services.sensitive import declare_sensitive
from tests.api.persona_data import build_persona_run

pytestmark = pytest.mark.django_db
K = 10


@pytest.fixture
def built(settings):
    settings.VOXSEG_MIN_GROUP_SIZE = K
    vocabulary.forget()
    yield build_persona_run()
    vocabulary.forget()


def _spell_gender_two_ways(run) -> dict[str, int]:
    """Half the members hold "Gender", half "gender"; each value is held by at least k of them,
    but no spelling alone holds a value k times. Returns members per value."""
    members = list(Membership.objects.filter(run=run).order_by("customer_id"))
    held: dict[str, int] = {}
    for i, membership in enumerate(members):
        value = "f" if i < len(members) // 2 else "m"
        spelling = "Gender" if i % 2 else "gender"
        Customer.objects.filter(pk=membership.customer_id).update(sensitive={spelling: value})
        if membership.segment is None or membership.segment.number != 2:  # 2 is below k
            held[value] = held.get(value, 0) + 1
    return held


def test_spellings_of_one_sensitive_name_are_one_category(built, bob):
    held = _spell_gender_two_ways(built.run)

    categories = run_categories(built.run, K)
    assert categories["gender"] == ["f", "m"]
    assert "Gender" not in categories

    ctx = ToolContext(run=built.run, user=bob, k=K)
    result = run_tool(
        ctx, "count_members", {"filters": [{"measure": "gender", "op": "==", "value": "f"}]}
    )
    assert result.refused is None, result.refused
    assert result.data["count"] == held["f"]


def test_an_attribute_spelt_like_a_declared_name_joins_its_category(built, bob):
    declare_sensitive(["Gender"])
    members = list(Membership.objects.filter(run=built.run).order_by("customer_id"))
    for i, membership in enumerate(members):
        place = "attributes" if i % 2 else "sensitive"  # a later write kept it as an attribute
        name = "GENDER" if i % 2 else "gender"
        value = "f" if i < len(members) // 2 else "m"
        Customer.objects.filter(pk=membership.customer_id).update(**{place: {name: value}})

    assert run_categories(built.run, K)["gender"] == ["f", "m"]
    assert not {"GENDER", "Gender"} & set(run_categories(built.run, K))


def test_a_name_declared_sensitive_is_never_offered_as_a_behaviour_measure(built, bob):
    ctx = ToolContext(run=built.run, user=bob, k=K)
    offered = run_tool(ctx, "rank_segments", {"measure": "coupon_share"})
    assert offered.refused is None  # a behaviour measure of the run until it is declared

    declare_sensitive(["Coupon Share"])

    ctx = ToolContext(run=built.run, user=bob, k=K)
    ranked = run_tool(ctx, "rank_segments", {"measure": "coupon_share"})
    assert ranked.refused.startswith("I don't have coupon_share. I have:")
    assert "coupon" not in ranked.refused.split("I have:")[1]  # nor offered instead
    counted = run_tool(
        ctx, "count_members", {"filters": [{"measure": "coupon_share", "op": ">", "value": 0.1}]}
    )
    assert counted.refused and counted.refused.startswith("I don't have coupon_share.")
    measures = {m.key for m in build_vocabulary(built.run).measures}
    assert "coupon_share" not in measures and "spend_12m" in measures
    still = run_tool(ctx, "rank_segments", {"measure": "spend_12m"})
    assert still.refused is None
