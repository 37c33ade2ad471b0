"""Reading customers and their documents."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from segapp.models import Customer, Document, Event


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
