"""Page-number pagination: 50 per page by default, `page_size` up to 500."""

from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        """A page that does not exist is bad input naming `page` (400), not a missing object."""
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            raise ValidationError({"page": [str(error.detail)]}) from None
