"""Request rate limits: per user, per anonymous client and on the token login, in the error body."""

import pytest
from django.core.cache import cache

from tests.conftest import as_member
from tests.factories import UserFactory

TOKEN_URL = "/api/v1/auth/token/"
SCHEMA_URL = "/api/v1/schema/?format=json"  # open to anonymous clients


@pytest.fixture
def rates(settings):
    """Set the rates of the `anon`, `user` and `auth` scopes and start counting from zero."""

    def set_rates(**scopes):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                **scopes,
            },
        }
        cache.clear()

    return set_rates


def assert_throttled(response):
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled"
    assert body["errors"] == {}
    assert body["detail"].startswith("Request was throttled.")
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.django_db
def test_a_user_gets_429_after_the_rate(api, member, rates):
    rates(user="3/min")
    api = as_member(api, member)
    for _ in range(3):
        assert api.get("/api/v1/coops/").status_code == 200
    assert_throttled(api.get("/api/v1/coops/"))


@pytest.mark.django_db
def test_each_user_has_a_count_of_their_own(api, member, treasurer, rates):
    rates(user="3/min")
    for _ in range(3):
        as_member(api, member).get("/api/v1/coops/")
    assert_throttled(as_member(api, member).get("/api/v1/coops/"))
    assert as_member(api, treasurer).get("/api/v1/coops/").status_code == 200


@pytest.mark.django_db
def test_anonymous_clients_are_counted_by_address(api, rates):
    rates(anon="2/min")
    for _ in range(2):
        assert api.get(SCHEMA_URL, REMOTE_ADDR="192.0.2.1").status_code == 200
    assert_throttled(api.get(SCHEMA_URL, REMOTE_ADDR="192.0.2.1"))
    assert api.get(SCHEMA_URL, REMOTE_ADDR="192.0.2.2").status_code == 200


@pytest.mark.django_db
def test_the_token_login_has_its_own_stricter_rate(api, rates):
    rates(auth="3/min", anon="100/min")
    UserFactory(email="ana@example.coop")
    wrong = {"email": "ana@example.coop", "password": "guess"}
    for _ in range(3):
        assert api.post(TOKEN_URL, wrong, format="json").status_code == 400
    assert_throttled(api.post(TOKEN_URL, wrong, format="json"))


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_reset_the_count(api, rates):
    rates(anon="2/min")
    for _ in range(2):
        api.get(SCHEMA_URL, REMOTE_ADDR="192.0.2.1")
    assert_throttled(api.get(SCHEMA_URL, REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.9.8.7"))


@pytest.mark.django_db
def test_behind_a_proxy_the_forwarded_address_counts(api, rates, settings):
    rates(anon="2/min")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(2):
        api.get(SCHEMA_URL, HTTP_X_FORWARDED_FOR="192.0.2.1", **proxy)
    assert_throttled(api.get(SCHEMA_URL, HTTP_X_FORWARDED_FOR="192.0.2.1", **proxy))
    other = api.get(SCHEMA_URL, HTTP_X_FORWARDED_FOR="192.0.2.2", **proxy)
    assert other.status_code == 200
