"""The error answers outside the views' own logic keep the one error body."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db


def url(member, path=""):
    return f"/api/v1/coops/{member.cooperative.slug}/{path}"


def test_a_wrong_content_type_is_415(api, member):
    api.force_authenticate(member.user)
    response = api.generic(
        "POST", url(member, "time-entries/"), "ninety minutes", content_type="text/plain"
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_an_import_over_the_limit_is_413(api, member):
    api.force_authenticate(member.user)
    big = SimpleUploadedFile("export.csv", b"x" * (5 * 1024 * 1024 + 1), "text/csv")
    response = api.post(url(member, "time-entries/import/"), {"file": big}, format="multipart")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_a_json_body_over_the_limit_is_413(api, member, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api.force_authenticate(member.user)
    response = api.post(url(member, "time-entries/"), {"description": "x" * 2000}, format="json")
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "too_large" and "errors" in body


def test_an_unknown_api_route_is_a_json_404(api, member):
    api.force_authenticate(member.user)
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "No such API route or object.", "errors": {}, "code": "not_found"
    }  # fmt: skip


def test_a_method_the_route_lacks_is_405(api, member):
    api.force_authenticate(member.user)
    response = api.put(url(member, "time-entries/"), {}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_a_page_that_does_not_exist_is_400_naming_page(api, member):
    api.force_authenticate(member.user)
    response = api.get(url(member, "time-entries/?page=9"))
    assert response.status_code == 400
    assert response.json()["errors"] == {"page": ["Invalid page."]}


def test_a_form_body_over_the_limit_is_413_in_the_error_body(api, member, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api.force_authenticate(member.user)
    response = api.post(
        url(member, "time-entries/"), {"description": "x" * 2000}, format="multipart"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


@pytest.mark.django_db
def test_a_list_of_objects_with_a_fine_first_item_names_the_first_error(api, treasurer):
    """The errors of a list field hold `{}` for each fine item: the detail skips them (this
    was a 500 found by the fuzzer)."""
    api.force_authenticate(treasurer.user)
    response = api.post(
        f"/api/v1/coops/{treasurer.cooperative.slug}/policies/",
        {"method": "hours", "commons_pct": "0.1",
         "commons_recipients": [{"name": "A", "weight": "1"}, {"name": "B", "weight": "-1"}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["detail"].startswith("weight: Ensure this value is greater than")
