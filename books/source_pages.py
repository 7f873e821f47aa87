"""Where a journal entry's source record is shown: the apps above books register, in their
`AppConfig.ready()`, the page of each kind of record (`source_type` → URL name taking the
co-op's slug and the record's id), so that the journal links an entry to its invoice or its
distribution without books importing them."""

from django.urls import NoReverseMatch, reverse

_PAGES: dict[str, str] = {}


def register(source_type: str, url_name: str) -> None:
    """Entries from `source_type` ("billing.invoice") link to `url_name` (slug, id)."""
    _PAGES[source_type] = url_name


def link(coop_slug: str, source_type: str, source_id: str) -> str:
    """The page of an entry's source record, or "" where it has none."""
    url_name = _PAGES.get(source_type)
    if not url_name or not source_id.isdigit():
        return ""
    try:
        return reverse(url_name, args=[coop_slug, int(source_id)])
    except NoReverseMatch:
        return ""
