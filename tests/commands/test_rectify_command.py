"""`manage.py rectify`: one receipt line, or exit 1 with one error line and no traceback."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from segapp.models import AuditAction, AuditEvent, Customer, Document, PrivacyRequest
from segapp.services.pseudonyms import pseudonymise
from tests.api.persona_data import build_persona_run

pytestmark = pytest.mark.django_db

RECEIPT = re.compile(r"^rectified customer fields=(\d+) documents=(\d+) request=([0-9a-f-]{36})$")


@pytest.fixture
def built(db):
    built = build_persona_run()
    Customer.objects.filter(pseudonym=pseudonymise("p-1")).update(attributes={"tier": "gold"})
    return built


def run_rectify(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("rectify", *map(str, args), stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def p1() -> Customer:
    return Customer.objects.get(pseudonym=pseudonymise("p-1"))


def test_set_unset_and_a_document_in_one_request(built):
    document = built.documents[pseudonymise("p-1")][0]
    code, out, err = run_rectify(
        " p-1 ",  # the external id is normalised like an import's
        "--set", "spend_12m=1,234.5",
        "--set", "coupon_share=0.25",
        "--unset", "tier",
        "--document", document.pk,
        "--text", "Corrected: call me on +44 20 7946 0958",
    )  # fmt: skip
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1
    match = RECEIPT.match(lines[0])
    assert match and match.group(1, 2) == ("3", "1")
    request = PrivacyRequest.objects.get(request_id=match.group(3))
    assert (request.kind, request.channel, request.requested_by) == (
        "rectification",
        "cli",
        "system",
    )
    customer = p1()
    assert customer.behaviour == {"spend_12m": 1234.5, "coupon_share": 0.25}
    assert customer.attributes == {}
    text = Document.objects.get(pk=document.pk).text
    assert text == "Corrected: call me on [PHONE]"
    assert AuditEvent.objects.filter(action=AuditAction.RECTIFICATION, channel="cli").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody", "--set", "spend_12m=1"], "error: No customer has this id."),
        (["p-1", "--set", "spend_12m=lots"], "error: spend_12m: 'lots' is not a number"),
        (["p-1", "--set", "favourite=red"], "error: Unknown attribute 'favourite'"),
        (["p-1", "--set", "novalue"], "error: --set takes NAME=VALUE"),
        (["p-1", "--set", "tier=x", "--unset", "tier"], "error: 'tier' is both set and unset."),
        (["p-1", "--document", "1"], "error: --document and --text go together."),
        (["p-1", "--document", "999999", "--text", "x"], "error: This customer has no document"),
        (["p-1", "--document", "abc", "--text", "x"], "error: 'abc' is not a document id."),
        (["p-1"], "error: Nothing to correct"),
    ],
)
def test_bad_input_exits_1_with_one_error_line(built, args, message):
    before = p1()
    code, out, err = run_rectify(*args)
    assert code == 1
    assert out == ""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(message), lines
    assert "Traceback" not in err
    assert p1().behaviour == before.behaviour
    assert not PrivacyRequest.objects.exists()


def test_an_empty_set_value_removes_the_attribute(built):
    code, out, _ = run_rectify("p-1", "--set", "tier=")
    assert code == 0
    assert RECEIPT.match(out.strip()).group(1, 2) == ("1", "0")
    assert p1().attributes == {}
