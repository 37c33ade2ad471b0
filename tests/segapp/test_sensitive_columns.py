"""Sensitive means sensitive everywhere: declared names leave behaviour and attributes for
`Customer.sensitive`, under one key however they are spelt, and no run reads them."""

from __future__ import annotations

import pytest

from segapp.models import Customer, SensitiveName
from segapp.services.ingest.service import ImportOptions, create_import_job, run_import_job
from segapp.services.pseudonyms import pseudonymise
from segapp.services.segmentation.inputs import load_run_inputs
from segapp.services.sensitive import canonical_sensitive, declare_sensitive

pytestmark = pytest.mark.django_db


@pytest.fixture
def import_customers(write_file):
    def run(name: str, body: str, *, sensitive: tuple[str, ...] = ()):
        job = create_import_job(
            file_type="customers",
            original_filename=name,
            options=ImportOptions(sensitive=sensitive),
            source="test",
            path=write_file(name, body),
        )
        return run_import_job(job.pk)

    return run


def _customer(external_id: str) -> Customer:
    return Customer.objects.get(pseudonym=pseudonymise(external_id))


def test_declaring_a_column_on_earlier_customers_moves_their_old_values(import_customers):
    import_customers(
        "first.csv",
        "customer_id,Loyalty Member,Payment Method,orders\n"
        "A,yes,card,3\nB,no,paypal,5\nC,yes,card,1\n",
    )
    assert _customer("C").behaviour["Loyalty Member"] == 1.0  # numeric yes/no: behaviour
    assert _customer("C").attributes["Payment Method"] == "card"

    import_customers(
        "second.csv",
        "customer_id,Loyalty Member,Payment Method\nA,no,cash\nB,no,paypal\n",
        sensitive=("Loyalty Member", "Payment Method"),
    )

    for external_id in "ABC":
        customer = _customer(external_id)
        assert set(customer.behaviour) == {"orders"}, external_id
        assert customer.attributes == {}, external_id
    assert _customer("A").sensitive == {"loyalty_member": "no", "payment_method": "cash"}
    assert _customer("C").sensitive == {"loyalty_member": 1.0, "payment_method": "card"}
    assert set(SensitiveName.objects.values_list("key", flat=True)) == {
        "loyalty_member",
        "payment_method",
    }


def test_a_run_after_the_declaration_reads_none_of_the_declared_columns(import_customers):
    import_customers("first.csv", "customer_id,Loyalty Member,orders\nA,yes,3\nB,no,5\nC,yes,1\n")
    assert "Loyalty Member" in load_run_inputs().behaviour.columns
    import_customers(
        "second.csv", "customer_id,Loyalty Member\nA,no\n", sensitive=("Loyalty Member",)
    )

    inputs = load_run_inputs()

    assert list(inputs.behaviour.columns) == ["orders"]
    assert inputs.n_customers == 3


def test_a_declared_name_that_a_later_import_brings_back_is_moved_again(import_customers):
    import_customers(
        "first.csv", "customer_id,LoyaltyMember\nA,yes\n", sensitive=("LoyaltyMember",)
    )

    import_customers("later.csv", "customer_id,loyalty_member,orders\nA,no,2\nB,yes,4\n")

    assert _customer("A").behaviour == {"orders": 2.0}
    assert _customer("A").sensitive == {"loyalty_member": 0.0}  # the newer value wins
    assert _customer("B").sensitive == {"loyalty_member": 1.0}


def test_a_spelling_without_separators_is_the_same_declared_name(import_customers):
    import_customers(
        "first.csv",
        "customer_id,Loyalty Member,orders\nA,yes,3\n",
        sensitive=("Loyalty Member",),
    )

    import_customers("later.csv", "customer_id,loyaltymember,orders\nA,no,2\n")

    assert _customer("A").behaviour == {"orders": 2.0}
    assert _customer("A").sensitive == {"loyalty_member": 0.0}
    assert list(load_run_inputs().behaviour.columns) == ["orders"]
    assert list(SensitiveName.objects.values_list("key", flat=True)) == ["loyalty_member"]


def test_spellings_of_one_name_are_one_canonical_key(db):
    customer = Customer.objects.create(
        pseudonym=pseudonymise("X"),
        behaviour={"Loyalty Member": 1.0, "orders": 4.0},
        attributes={"loyaltyMember": "gold", "plan": "basic"},
        sensitive={"Gender": "F", "gender": "female", "AGE": "41"},
    )

    changed = declare_sensitive(["loyalty_member", "Gender"])

    customer.refresh_from_db()
    assert changed == 1
    assert customer.behaviour == {"orders": 4.0}
    assert customer.attributes == {"plan": "basic"}
    assert set(customer.sensitive) == {"gender", "age", "loyalty_member"}
    assert customer.sensitive["age"] == "41"
    assert customer.sensitive["gender"] in {"F", "female"}
    assert declare_sensitive(["Loyalty Member"]) == 0  # nothing left to move


def test_runs_leave_out_declared_names_still_held_as_features(db):
    Customer.objects.create(
        pseudonym=pseudonymise("Y"),
        behaviour={"orders": 2.0, "Credit Score": 700.0},
        event_features={"monetary": 120.0, "frequency": 3.0},
    )
    SensitiveName.objects.create(key="credit_score")
    SensitiveName.objects.create(key="monetary")

    inputs = load_run_inputs()

    assert sorted(inputs.behaviour.columns) == ["frequency", "orders"]


def test_reading_sensitive_values_merges_spellings():
    merged = canonical_sensitive(
        {"Gender": "", "gender": "f", "Post Code": "SW1A 1AA", "postcode": "N1 9GU"}
    )

    assert merged == {"gender": "f", "post_code": "SW1A 1AA"}
