"""Pagination: page numbers for every list, 50 per page by default, `page_size` up to 500;
pages by position (a keyset cursor) for the time entries, a long list."""

import datetime
import hashlib
from functools import cached_property, partial

from django.core import signing
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

CURSOR_SALT = "api.pagination.cursor"
CURSOR_INVALID = _("This is not a cursor of this list: follow the “next” or “previous” link.")
CURSOR_ELSEWHERE = _("This cursor belongs to another query: start again without it.")

# No list here comes near 2**31 rows; a page number beyond that is bad input, and an OFFSET
# past 2**63 is an error in SQLite and PostgreSQL, not an empty page.
LARGEST_OFFSET = 2**31


def kept_or_counted(known_count, count_rows) -> int:
    """The rows of a list: `known_count()` (a count the database keeps) when the list has one
    and it answers, else `count_rows()` (a `COUNT(*)`)."""
    known = known_count() if known_count is not None else None
    return count_rows() if known is None else known


class CountWhenNeededPaginator(Paginator):
    """Reads the page (and one row more) first, and counts the rows only when more follow.

    When the page is the last one, `count` is the rows before it plus the rows on it, exactly,
    without a `COUNT(*)`: a member's month (one page) costs one query instead of two. A first
    page of a long list still counts, as before.
    """

    def __init__(self, *args, known_count=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A callable that gives the rows without a COUNT(*) (a kept count), or None when it
        # has none for this list.
        self.known_count = known_count

    @cached_property
    def count(self):
        return kept_or_counted(self.known_count, partial(Paginator.count.func, self))

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


class MonthKeysetPagination(PageNumberPagination):
    """Pages of a long list by position (keyset), counted once when the list is first shown.

    Without `?page=`, the first page reads its rows and one more, and counts the rows only
    when more follow (as the page numbers do): from the view's kept count when the list is one
    whose count the database keeps (`whole_month_count`: a co-op's whole month), else with
    `COUNT(*)`. Its `next` link carries a signed cursor: the last row's sort key (`date`,
    `id`) and that count. The pages after it read
    `WHERE (date, id) < cursor` through the index on (co-op, date, id), whatever their depth,
    and repeat the count from the cursor instead of counting 80,000 rows again: the count is
    the one taken when the list was first shown. `previous` walks back the same way.

    `?page=` (and an `?ordering=` other than by date) keeps the page numbers of every other
    list, so that a client built on them still works. A cursor is tied to the query it was made
    for: used with other filters, or changed by hand, it is a 400 naming `cursor`.
    """

    cursor_query_param = "cursor"
    keyset = ("date", "id")  # descending unless `?ordering=date`

    def paginate_queryset(self, queryset, request, view=None):
        ordering = request.query_params.get("ordering", "-date")
        self.cursor = None
        if self.page_query_param in request.query_params or ordering not in ("-date", "date"):
            self.keyset_mode = False
            self.django_paginator_class = partial(
                CountWhenNeededPaginator, known_count=getattr(view, "whole_month_count", None)
            )
            return super().paginate_queryset(queryset, request, view)
        self.keyset_mode = True
        self.request = request
        self.descending = ordering == "-date"
        self.size = self.get_page_size(request)
        cursor = self._read_cursor(request)
        backward = cursor is not None and cursor["back"]
        rows = list(self._rows(queryset, cursor, backward)[: self.size + 1])
        more = len(rows) > self.size
        rows = rows[: self.size]
        if backward:
            rows.reverse()
        if cursor is None:
            # The view's kept count when it has one for this very list, else COUNT(*).
            kept = getattr(view, "whole_month_count", None)
            self.total = len(rows) if not more else kept_or_counted(kept, queryset.count)
        else:
            self.total = cursor["count"]
        self.first_row, self.last_row = (rows[0], rows[-1]) if rows else (None, None)
        if cursor is None:
            self.has_next, self.has_previous = more, False
        elif backward:
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, True
        return rows

    def _rows(self, queryset, cursor, backward):
        down = self.descending != backward  # reading towards older rows
        order = ["-date", "-id"] if down else ["date", "id"]
        rows = queryset.order_by(*order)
        if cursor is None:
            return rows
        date, pk = cursor["date"], cursor["id"]
        if down:
            after = Q(date__lt=date) | Q(date=date, id__lt=pk)
        else:
            after = Q(date__gt=date) | Q(date=date, id__gt=pk)
        return rows.filter(after)

    def _query_key(self, request) -> str:
        """What the cursor belongs to: the query without the cursor itself."""
        pairs = sorted(
            (key, value)
            for key, values in request.query_params.lists()
            if key != self.cursor_query_param
            for value in values
        )
        digest = hashlib.sha256(repr((request.path, pairs)).encode()).hexdigest()
        return digest[:16]

    def _read_cursor(self, request):
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None
        try:
            value = signing.loads(raw, salt=CURSOR_SALT)
            if value["q"] != self._query_key(request):
                raise ValidationError({"cursor": [CURSOR_ELSEWHERE]})
            return {
                "date": datetime.date.fromisoformat(value["d"]),
                "id": int(value["i"]),
                "count": int(value["c"]),
                "back": bool(value["b"]),
            }
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise ValidationError({"cursor": [CURSOR_INVALID]}) from None

    def _link(self, row, back: bool) -> str:
        token = signing.dumps(
            {
                "d": row.date.isoformat(),
                "i": row.pk,
                "c": self.total,
                "b": back,
                "q": self._query_key(self.request),
            },
            salt=CURSOR_SALT,
            compress=True,
        )
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, token)

    def get_next_link(self):
        if not self.keyset_mode:
            return super().get_next_link()
        return self._link(self.last_row, back=False) if self.has_next else None

    def get_previous_link(self):
        if not self.keyset_mode:
            return super().get_previous_link()
        if not self.has_previous:
            return None
        if self.first_row is None:  # past the end: back to the start
            return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)
        return self._link(self.first_row, back=True)

    def get_paginated_response(self, data):
        if not self.keyset_mode:
            return super().get_paginated_response(data)
        return Response(
            {
                "count": self.total,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_schema_operation_parameters(self, view):
        cursor = {
            "name": self.cursor_query_param,
            "required": False,
            "in": "query",
            "description": "the `next` or `previous` link's cursor (pages by position); "
            "`page` numbers the pages instead",
            "schema": {"type": "string"},
        }
        return [*super().get_schema_operation_parameters(view), cursor]
