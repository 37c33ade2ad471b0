"""Query filters of the list endpoints."""

from __future__ import annotations

import django_filters

from segapp.models import Customer, Document, ImportJob


class ImportJobFilter(django_filters.FilterSet):
    """?status=&type=&source="""

    type = django_filters.CharFilter(field_name="file_type")

    class Meta:
        model = ImportJob
        fields = ["status", "type", "source"]


class CustomerFilter(django_filters.FilterSet):
    """?segmentation_consent=&has_documents=&created_after=&created_before="""

    has_documents = django_filters.BooleanFilter(method="filter_has_documents")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Customer
        fields = ["segmentation_consent"]

    def filter_has_documents(self, queryset, name, value):
        return queryset.filter(document_count__gt=0) if value else queryset.filter(document_count=0)


class DocumentFilter(django_filters.FilterSet):
    """?customer=PSEUDONYM&kind=&channel=&created_after=&created_before=&rating_min=&import_job="""

    customer = django_filters.CharFilter(field_name="customer__pseudonym")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    rating_min = django_filters.NumberFilter(field_name="rating", lookup_expr="gte")
    rating_max = django_filters.NumberFilter(field_name="rating", lookup_expr="lte")

    class Meta:
        model = Document
        fields = ["kind", "channel", "import_job"]
