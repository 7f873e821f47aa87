"""Ids no database key can hold, in a path or a filter: a 404 or a 400 naming the field, never
the database's overflow (a 500). Found by the fuzz test with more examples per route."""

import pytest

from tests.conftest import as_member

pytestmark = pytest.mark.django_db

TOO_BIG = "9" * 25


@pytest.mark.parametrize(
    "path",
    [
        f"invoices/{TOO_BIG}/",
        f"invoices/{TOO_BIG}/lines/",
        f"invoices/{TOO_BIG}/lines/1/",
        f"invoices/1/lines/{TOO_BIG}/",
        f"invoices/{TOO_BIG}/pdf/",
    ],
)
def test_an_id_in_the_path_too_big_for_a_key_is_not_found(api, treasurer, path):
    response = as_member(api, treasurer).get(f"/api/v1/coops/{treasurer.cooperative.slug}/{path}")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("time-entries/?member=1e30", "member"),
        (f"time-entries/?project={TOO_BIG}", "project"),
        ("time-entries/export/?member=1e30", "member"),
        (f"time-entries/export/?client={TOO_BIG}", "client"),
        ("payments/?client=1e30", "client"),
        (f"billing-rates/?client={TOO_BIG}", "client"),
    ],
)
def test_an_id_filter_takes_whole_numbers_a_key_can_hold(api, treasurer, path, field):
    response = as_member(api, treasurer).get(f"/api/v1/coops/{treasurer.cooperative.slug}/{path}")
    assert response.status_code == 400
    assert field in response.json()["errors"]
