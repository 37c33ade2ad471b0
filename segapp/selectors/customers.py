"""Reading customers and their documents."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from segapp.models import Customer, Document, Event
from segapp.selectors.personas import CustomerNotFound, customer_memberships, explain_customer
from segapp.selectors.placement import waiting_runs
from segapp.selectors.runs import RunNotFound, get_run
from segapp.services.pseudonyms import normalise_external_id, pseudonymise


def _count_of(model) -> Coalesce:
    counts = (
        model.objects.filter(customer=OuterRef("pk"))
        .order_by()
        .values("customer")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def customers_with_counts() -> QuerySet[Customer]:
    """Customers annotated with `document_count` and `event_count`."""
    return Customer.objects.annotate(
        document_count=_count_of(Document), event_count=_count_of(Event)
    )


def normalise_pseudonym(value: str) -> str:
    """A pseudonym as stored: lowercase hex (upper case in a path is accepted)."""
    return str(value).strip().lower()


def customer_by_pseudonym(pseudonym: str) -> Customer:
    """The customer with this pseudonym (any case), with counts; raises CustomerNotFound."""
    found = customers_with_counts().filter(pseudonym=normalise_pseudonym(pseudonym)).first()
    if found is None:
        raise CustomerNotFound("No customer with this pseudonym.")
    return found


def customer_by_external_id(external_id: str) -> Customer:
    """The customer an integrator knows by `external_id` (its pseudonym computed here).

    The id is read as imports read it (surrounding spaces dropped). Raises
    CustomerNotFound; the message never repeats the id.
    """
    pseudonym = pseudonymise(normalise_external_id(external_id))
    found = customers_with_counts().filter(pseudonym=pseudonym).first()
    if found is None:
        raise CustomerNotFound("No customer with this external id.")
    return found


def customer_detail(customer: Customer, *, explain: bool, run: str | None = None) -> Customer:
    """The customer with their memberships and, when `explain`, why they are in their segment.

    Sets `run_memberships` (every successful run, newest first), `waiting` (runs
    it arrived after but lacks what they were fitted on, with why), `explanation`
    (for the latest successful run, or `run`; None when not explained or the
    customer was not in it), `explanation_hidden` and `explained_run` (the run's
    id, or None) on the customer and returns it. Raises RunNotFound or
    CustomerNotFound only when `run` was asked for and cannot explain them.
    """
    customer.run_memberships = customer_memberships(customer.pseudonym)
    customer.waiting = waiting_runs(customer)
    customer.explanation, customer.explained_run = None, None
    customer.explanation_hidden = not explain
    if not explain:
        return customer
    try:
        chosen = get_run(run or "latest")
        customer.explanation = explain_customer(chosen, customer.pseudonym)
    except (RunNotFound, CustomerNotFound):
        if run:  # asked for this run: the caller says why there is nothing
            raise
        return customer
    customer.explained_run = chosen.pk
    return customer


def documents() -> QuerySet[Document]:
    """Documents with their customer's pseudonym loaded."""
    return Document.objects.select_related("customer")


def dataset_counts() -> dict[str, int]:
    """Headline counts for the dashboard."""
    by_kind = dict(
        Document.objects.order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return {
        "customers": Customer.objects.count(),
        "consenting": Customer.objects.filter(segmentation_consent=True).count(),
        "documents": sum(by_kind.values()),
        "reviews": by_kind.get("review", 0),
        "surveys": by_kind.get("survey", 0),
        "social": by_kind.get("social", 0),
        "events": Event.objects.count(),
    }
