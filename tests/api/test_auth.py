"""Token login and revocation."""

import pytest

from api.models import PersonalToken
from tests.factories import PASSWORD, UserFactory

URL = "/api/v1/auth/token/"


@pytest.mark.django_db
def test_token_login_use_and_revoke(api):
    user = UserFactory(email="ana@example.coop")
    response = api.post(URL, {"email": "Ana@Example.coop", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token.startswith("coop_")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/coops/").status_code == 200
    assert api.delete(URL).status_code == 204
    stored = PersonalToken.objects.get(user=user)
    assert stored.revoked_at is not None
    assert not stored.read_only
    response = api.get("/api/v1/coops/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"


@pytest.mark.django_db
def test_wrong_password_is_a_400_naming_the_field(api):
    UserFactory(email="ana@example.coop")
    response = api.post(URL, {"email": "ana@example.coop", "password": "nope"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["errors"]["password"] == [
        "This e-mail address and password do not match an account."
    ]
    assert body["code"] == "invalid"


@pytest.mark.django_db
def test_missing_fields_are_named(api):
    response = api.post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"email", "password"}


@pytest.mark.django_db
def test_anonymous_gets_401_with_the_error_body(api):
    response = api.get("/api/v1/coops/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["errors"] == {}
