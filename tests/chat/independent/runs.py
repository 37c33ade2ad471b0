"""The independent banks' data: each dataset imported through the import service, two runs fitted.

Three datasets: "larkfield" (the demo generator, `nlp.datasets`), "pawpantry"
and "ridgeline" (the held-out generators in `tests/nlp/heldout`, written
without reading the pipeline). Each is imported in two steps, like a shop
that keeps sending files: a first part of the customers (with their documents
and events), a run on it (the previous run), then the rest and a run on
everyone (the latest run), so "what changed since the last run" has an
answer. The files go through `create_import_job`/`run_import_job` and the runs
through `run_in_foreground`, the same steps production takes.

The shop's own customer ids are kept beside the run (`Imported.external_ids`,
pseudonym -> external id), so a question can name a customer the way the
shop knows them, and so that answers can be checked for leaked ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from nlp.datasets import generate_demo_dataset

ROLES = {
    "analyst": "analyst",
    "product_manager": "product_manager",
    "integration": "integration",
    "admin": "admin",
}
"""The bank's users by name: each user is named for their role."""

SIZES = {"larkfield": 500, "pawpantry": 600, "ridgeline": 600}
"""Customers per dataset (the descriptions the bank writers were given)."""

PREVIOUS_SHARE = 0.4
"""The share of customers the previous run is fitted on."""

SEED = 3

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b")


@dataclass
class Imported:
    """A dataset after import and both runs: what the judge needs beyond the database."""

    name: str
    previous: object
    latest: object
    users: dict[str, object]
    external_ids: dict[str, str]  # pseudonym -> the shop's customer id
    personal: set[str] = field(default_factory=set)  # e-mails and phone numbers in raw texts


@dataclass(frozen=True)
class Frames:
    """One dataset as data frames: customers, documents and (demo only) events."""

    customers: pd.DataFrame
    documents: pd.DataFrame
    events: pd.DataFrame | None = None


def _demo_frames(n: int) -> Frames:
    data = generate_demo_dataset(n_customers=n, seed=SEED)
    return Frames(
        pd.DataFrame(data.customers), pd.DataFrame(data.documents), pd.DataFrame(data.events)
    )


def _heldout_frames(module: str) -> Callable[[int], Frames]:
    def make(n: int) -> Frames:
        from importlib import import_module

        customers, documents, _ = import_module(f"tests.nlp.heldout.{module}").generate(n, SEED)
        return Frames(customers, documents)

    return make


GENERATORS: dict[str, Callable[[int], Frames]] = {
    "larkfield": _demo_frames,
    "pawpantry": _heldout_frames("personas_pets"),
    "ridgeline": _heldout_frames("personas_fitness"),
}


def _part(frames: Frames, ids: set[str]) -> Frames:
    def keep(frame: pd.DataFrame | None) -> pd.DataFrame | None:
        if frame is None:
            return None
        return frame[frame["customer_id"].astype(str).isin(ids)]

    return Frames(keep(frames.customers), keep(frames.documents), keep(frames.events))


def _import(frames: Frames, folder: Path) -> None:
    """Write the frames as CSV files and import each through the import service."""
    from segapp.services.ingest.service import ImportOptions, create_import_job, run_import_job

    folder.mkdir(parents=True, exist_ok=True)
    files = {"customers": frames.customers, "documents": frames.documents, "events": frames.events}
    for file_type, frame in files.items():
        if frame is None or frame.empty:
            continue
        path = folder / f"{file_type}.csv"
        frame.to_csv(path, index=False)
        job = create_import_job(
            file_type=file_type,
            original_filename=path.name,
            options=ImportOptions(),
            source="test",
            path=path,
        )
        done = run_import_job(job.pk)
        assert done.status == "succeeded", (file_type, done.status, done.error_message)


def _personal_data(documents: pd.DataFrame) -> set[str]:
    """The e-mail addresses and phone numbers written in the raw texts."""
    found: set[str] = set()
    for text in documents["text"].astype(str):
        found.update(m.group(0).rstrip(".") for m in _EMAIL.finditer(text))
        found.update(m.group(0) for m in _PHONE.finditer(text))
    return found


def build_dataset(name: str, folder: Path, *, n_customers: int | None = None) -> Imported:
    """Import `name` in two parts, fit the previous run after the first and the latest after
    both, and create the named users."""
    from segapp.services.accounts import add_user
    from segapp.services.pseudonyms import normalise_external_id, pseudonymise
    from segapp.services.segmentation.runs import create_run, run_in_foreground

    frames = GENERATORS[name](n_customers or SIZES[name])
    ids = [normalise_external_id(c) for c in frames.customers["customer_id"]]
    first = set(ids[: int(len(ids) * PREVIOUS_SHARE)])
    _import(_part(frames, first), folder / "first")
    previous = run_in_foreground(create_run(parameters={}, source="test").pk)
    _import(_part(frames, set(ids) - first), folder / "second")
    latest = run_in_foreground(create_run(parameters={}, source="test").pk)
    assert previous.status == latest.status == "succeeded", (previous.status, latest.status)
    users = {
        user: add_user(username=user, role=role, password=f"pw-{user}-secret", check_password=False)
        for user, role in ROLES.items()
    }
    return Imported(
        name=name,
        previous=previous,
        latest=latest,
        users=users,
        external_ids={pseudonymise(i): i for i in ids},
        personal=_personal_data(frames.documents),
    )
