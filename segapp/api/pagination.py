"""Pagination for list endpoints: ?page=N&page_size=M (at most 1000)."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """Page-number pagination with a client-chosen page size."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


def paginated(serializer_class, *, name: str):
    """The OpenAPI shape of one page of `serializer_class` (count, next, previous, results),
    for views that paginate by hand (an APIView's schema is not wrapped automatically)."""
    from drf_spectacular.utils import inline_serializer
    from rest_framework import serializers

    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(help_text="Items over all pages."),
            "next": serializers.URLField(allow_null=True, help_text="The next page, or null."),
            "previous": serializers.URLField(allow_null=True, help_text="The page before."),
            "results": serializer_class(many=True),
        },
    )
