"""`manage.py dsar export|erase|consent` (SPEC §11)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from segapp.models import Customer, PrivacyRequest
from segapp.services.pseudonyms import pseudonymise
from tests.api.persona_data import build_persona_run

pytestmark = pytest.mark.django_db


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("dsar", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_writes_json_and_html(tmp_path):
    build_persona_run()
    out, err = _run("export", "p-4", "-o", str(tmp_path / "p4.json"))
    export = json.loads((tmp_path / "p4.json").read_text())
    assert export["customer"] == pseudonymise("p-4") and len(export["documents"]) == 2
    assert "What VoxSeg holds about you" in (tmp_path / "p4.html").read_text()
    assert out.strip().startswith("exported held=yes documents=2 events=0 runs=1")
    assert PrivacyRequest.objects.get(kind="access").counts["documents"] == 2


def test_export_of_an_unknown_customer_writes_that_nothing_is_held(tmp_path):
    out, _ = _run("export", "nobody", "-o", str(tmp_path / "x.json"), "--format", "json")
    assert json.loads((tmp_path / "x.json").read_text())["held"] is False
    assert "held=no" in out and not (tmp_path / "x.html").exists()


def test_erase_prints_the_receipt_line_and_is_idempotent():
    build_persona_run()
    out, err = _run("erase", "p-4")
    assert out.strip().splitlines()[-1].startswith("erased documents=2 artifacts=")
    assert int(out.split("artifacts=")[1]) >= 3
    assert "request=" in err
    assert not Customer.objects.filter(pseudonym=pseudonymise("p-4")).exists()
    again, _ = _run("erase", "p-4")
    assert again.strip() == "erased documents=0 artifacts=0"
    never, _ = _run("erase", "never-imported")
    assert never.strip() == "erased documents=0 artifacts=0"


def test_consent_subcommand_and_unknown_customer_error(capsys):
    build_persona_run()
    out, _ = _run("consent", "p-5", "withdraw", "--reason", "letter")
    assert out.strip() == "consent=withdrawn changed=yes"
    assert Customer.objects.get(pseudonym=pseudonymise("p-5")).segmentation_consent is False
    with pytest.raises(SystemExit) as exit_:
        _run("consent", "nobody", "give")
    assert exit_.value.code == 1
