"""What a run reads: consenting customers, their documents, their behaviour (never sensitive)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from segapp.models import Customer, Document
from segapp.services.sensitive import declared_sensitive_keys, without_sensitive


@dataclass
class RunInputs:
    """The data of one run, as DataFrames the nlp pipeline takes."""

    documents: pd.DataFrame  # document_id, customer, text, text_hash, rating, kind
    behaviour: pd.DataFrame  # index: customer pseudonym; numeric behavioural columns
    customer_ids: dict[str, int]  # pseudonym -> Customer.pk

    @property
    def n_customers(self) -> int:
        """Customers in the run."""
        return len(self.behaviour.index)


def load_run_inputs(*, exclude_customer_ids=None) -> RunInputs:
    """Load every consenting customer, their documents and behaviour features.

    Customers without segmentation consent, and their documents, are left out,
    as are the customers whose database ids `exclude_customer_ids` (ids or a
    queryset of ids) lists. Sensitive
    attributes are not read at all, nor any behaviour or event feature whose
    name is declared sensitive (`services.sensitive`).
    """
    customers = Customer.objects.filter(segmentation_consent=True)
    documents = Document.objects.filter(customer__segmentation_consent=True)
    if exclude_customer_ids is not None:
        customers = customers.exclude(pk__in=exclude_customer_ids)
        documents = documents.exclude(customer_id__in=exclude_customer_ids)
    rows = customers.order_by("id").values_list("id", "pseudonym", "behaviour", "event_features")
    ids: dict[str, int] = {}
    records: list[dict] = []
    declared = declared_sensitive_keys()
    for pk, pseudonym, behaviour, event_features in rows.iterator(chunk_size=5000):
        ids[pseudonym] = pk
        records.append(without_sensitive({**(behaviour or {}), **(event_features or {})}, declared))
    behaviour = pd.DataFrame.from_records(records, index=list(ids)) if ids else pd.DataFrame()
    behaviour = (
        behaviour.apply(pd.to_numeric, errors="coerce") if not behaviour.empty else behaviour
    )
    documents = pd.DataFrame.from_records(
        documents.order_by("id")
        .values_list("id", "customer__pseudonym", "text", "text_hash", "rating", "kind")
        .iterator(chunk_size=5000),
        columns=["document_id", "customer", "text", "text_hash", "rating", "kind"],
    )
    return RunInputs(documents=documents, behaviour=behaviour, customer_ids=ids)
