"""Pagination for list endpoints: ?page=N&page_size=M (at most 1000)."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """Page-number pagination with a client-chosen page size."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
