"""Login lockout on the API token login: repeated wrong passwords lock the address out."""

import pytest
from django.core.management import call_command

from tests.factories import PASSWORD, UserFactory

URL = "/api/v1/auth/token/"
EMAIL = "ana@example.coop"


def login(api, password, email=EMAIL, address="203.0.113.7"):
    return api.post(URL, {"email": email, "password": password}, format="json", REMOTE_ADDR=address)


def fail(api, times, **where):
    for _ in range(times):
        assert login(api, "wrong guess", **where).status_code == 400


def assert_locked_out(response):
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "locked_out"
    assert body["detail"] == (
        "Too many failed logins with this e-mail address from your address: "
        "try again in 15 minutes."
    )
    assert body["errors"] == {}
    assert response.headers["Retry-After"] == "900"


@pytest.fixture
def user(db):
    return UserFactory(email=EMAIL)


def test_the_fifth_wrong_password_locks_out_even_the_right_one(api, user):
    fail(api, 4)
    assert_locked_out(login(api, "wrong guess"))
    assert_locked_out(login(api, PASSWORD))


def test_a_success_before_the_limit_resets_the_count(api, user):
    fail(api, 4)
    assert login(api, PASSWORD).status_code == 200
    fail(api, 4)
    assert login(api, PASSWORD).status_code == 200


def test_the_lock_holds_one_address_from_one_ip_address(api, user):
    UserFactory(email="bo@example.coop")
    fail(api, 4)
    assert_locked_out(login(api, "wrong guess"))
    assert login(api, PASSWORD, address="198.51.100.1").status_code == 200
    assert login(api, PASSWORD, email="bo@example.coop").status_code == 200


def test_the_address_is_matched_whatever_its_case(api, user):
    fail(api, 4, email="Ana@Example.coop")
    assert_locked_out(login(api, "wrong guess", email="ANA@example.coop"))
    assert_locked_out(login(api, PASSWORD))


def test_an_admin_lifts_the_lock(api, user):
    fail(api, 4)
    assert_locked_out(login(api, "wrong guess"))
    call_command("axes_reset", verbosity=0)
    assert login(api, PASSWORD).status_code == 200
