"""Persona names persist while the segment does, measured on the customers both runs saw.

Built directly from runs, segments and memberships (no pipeline fit), so each
test reads as the situation it describes.
"""

from __future__ import annotations

import hashlib

import pytest

from segapp.models import Customer, Membership, RunStatus, Segment, SegmentationRun
from segapp.services.segmentation.naming import carry_names

pytestmark = pytest.mark.django_db


def _customers(prefix: str, n: int) -> list[Customer]:
    return Customer.objects.bulk_create(
        Customer(pseudonym=hashlib.sha256(f"{prefix}{i}".encode()).hexdigest()) for i in range(n)
    )


def _run(groups: dict[str, list[Customer]], *, status=RunStatus.SUCCEEDED) -> SegmentationRun:
    """A run with one segment per named group of customers, numbered in order."""
    run = SegmentationRun.objects.create(parameters={}, source="test", status=status)
    total = sum(len(members) for members in groups.values())
    for number, (name, members) in enumerate(groups.items()):
        segment = Segment.objects.create(
            run=run, number=number, name=name, size=len(members), share=len(members) / total,
            profile={"small": False, "name": name},
        )  # fmt: skip
        Membership.objects.bulk_create(
            Membership(run=run, customer=c, segment=segment, probability=1.0, outlier=False)
            for c in members
        )
    return run


def _names(run: SegmentationRun) -> dict[int, str]:
    return dict(Segment.objects.filter(run=run).values_list("number", "name"))


def test_a_segment_keeps_its_name_when_many_unrelated_customers_join_it():
    gifters, parents = _customers("g", 60), _customers("p", 80)
    _run({"Gift-minded lapsed customers": gifters, "Busy parents": parents})
    newcomers = _customers("n", 400)  # imported later: far more than the segment had
    later = _run(
        {"Gift-minded newcomers": gifters[:55] + newcomers, "Busy parents": parents + gifters[55:]},
        status=RunStatus.RUNNING,
    )
    assert carry_names(later) == 2
    assert _names(later)[0] == "Gift-minded lapsed customers"
    continues = Segment.objects.get(run=later, number=0).profile["continues"]
    assert continues["kept"] == pytest.approx(55 / 60, abs=1e-4)
    assert continues["came_from"] == 1.0
    assert continues["overlap"] < 1.0


def test_a_segment_whose_members_scattered_gets_its_own_name():
    first, second = _customers("a", 60), _customers("b", 60)
    _run({"Eco-minded shoppers": first, "Bargain hunters": second})
    mixed = first[:30] + second[:30]
    rest = first[30:] + second[30:]
    later = _run({"Refill buyers": mixed, "Coupon users": rest}, status=RunStatus.RUNNING)
    assert carry_names(later) == 0
    assert _names(later) == {0: "Refill buyers", 1: "Coupon users"}


def test_a_split_segment_lends_its_name_to_one_part_only():
    members, others = _customers("s", 100), _customers("o", 50)
    _run({"Tech enthusiasts": members, "Busy parents": others})
    later = _run(
        {"Firmware-minded buyers": members[:70], "App-minded buyers": members[70:],
         "Busy parents": others},
        status=RunStatus.RUNNING,
    )  # fmt: skip
    carry_names(later)
    names = _names(later)
    assert names[0] == "Tech enthusiasts"  # 70 of 100 went there, all 70 came from it
    assert names[1] == "App-minded buyers"  # 30% kept: not the same segment
    assert names[2] == "Busy parents"
