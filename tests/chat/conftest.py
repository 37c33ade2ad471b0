"""The chat bank's data: two real runs over the demo data, built once per module.

The first run fits 150 demo customers; then 400 more are imported and the
second (latest) run fits all 550, so "what changed since the last run" has a
real answer. Both go through the import service and the real pipeline
(`run_in_foreground`), like production. The rows are committed outside the
per-test transactions (so every test of the module reads them) and the whole
database is flushed when the module ends, so no other test sees them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.test import override_settings

PREVIOUS_CUSTOMERS, LATEST_CUSTOMERS = 150, 400


@dataclass(frozen=True)
class BankData:
    """The two runs and the named users (alice admin, bob analyst, carol PM, dave integration)."""

    previous: object
    latest: object
    users: dict[str, object]


def build_bank_data(folder) -> BankData:
    """Import the demo data in two steps, fit a run after each, create the named users."""
    from segapp.services.accounts import add_user
    from segapp.services.segmentation.runs import create_run, run_in_foreground
    from tests.segapp.segmentation.conftest import import_demo

    import_demo(folder / "first", n_customers=PREVIOUS_CUSTOMERS, seed=11)
    previous = run_in_foreground(create_run(parameters={}, source="test").pk)
    import_demo(folder / "second", n_customers=LATEST_CUSTOMERS, seed=7)
    latest = run_in_foreground(create_run(parameters={}, source="test").pk)
    assert previous.status == latest.status == "succeeded"
    roles = {"alice": "admin", "bob": "analyst", "carol": "product_manager", "dave": "integration"}
    users = {
        name: add_user(username=name, role=role, password=f"pw-{name}-secret", check_password=False)
        for name, role in roles.items()
    }
    return BankData(previous, latest, users)


@pytest.fixture(scope="module")
def bank_data(django_db_setup, django_db_blocker, tmp_path_factory, data_dir):
    """Two finished runs (previous, latest) and the named users, committed; flushed afterwards."""
    with django_db_blocker.unblock(), override_settings(VOXSEG_DATA_DIR=data_dir):
        try:
            data = build_bank_data(tmp_path_factory.mktemp("chat-bank"))
        except BaseException:
            call_command("flush", interactive=False, verbosity=0)
            raise
    yield data
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
