"""Page-number pagination: 50 per page by default, `page_size` up to 500."""

from django.core.paginator import EmptyPage, Paginator
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

# No list here comes near 2**31 rows; a page number beyond that is bad input, and an OFFSET
# past 2**63 is an error in SQLite and PostgreSQL, not an empty page.
LARGEST_OFFSET = 2**31


class CountWhenNeededPaginator(Paginator):
    """Reads the page (and one row more) first, and counts the rows only when more follow.

    When the page is the last one, `count` is the rows before it plus the rows on it, exactly,
    without a `COUNT(*)`: a member's month (one page) costs one query instead of two. A first
    page of a long list still counts, as before.
    """

    def page(self, number):
        if self.orphans:  # the last page may absorb rows: Django's way, with a count
            return super().page(number)
        number = self._page_number(number)
        bottom = (number - 1) * self.per_page
        if bottom > LARGEST_OFFSET:  # the database's OFFSET would overflow: count first
            return super().page(number)  # (which answers "no results")
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        if len(rows) <= self.per_page and "count" not in self.__dict__:
            self.__dict__["count"] = bottom + len(rows)  # the cached_property's slot
        return self._get_page(rows[: self.per_page], number, self)

    def _page_number(self, number):
        """The page number; a bad one raises Django's error, without counting the rows."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            return self.validate_number(number)  # raises PageNotAnInteger with Django's message
        if number < 1:
            return self.validate_number(number)  # raises EmptyPage with Django's message
        return number


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = CountWhenNeededPaginator

    def paginate_queryset(self, queryset, request, view=None):
        """A page that does not exist is bad input naming `page` (400), not a missing object."""
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            raise ValidationError({"page": [str(error.detail)]}) from None
