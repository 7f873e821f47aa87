"""Login lockout on the web login page: repeated wrong passwords show the lockout page."""

import datetime

import pytest

from tests.factories import PASSWORD, UserFactory

EMAIL = "ana@example.coop"


def log_in(client, password):
    return client.post("/login/", {"username": EMAIL, "password": password})


@pytest.fixture
def user(db):
    return UserFactory(email=EMAIL)


def test_five_wrong_passwords_then_the_right_one_shows_the_lockout_page(client, user):
    for _ in range(4):
        page = log_in(client, "wrong guess")
        assert page.status_code == 200
        assert "Too many failed logins" not in page.content.decode()
    assert log_in(client, "wrong guess").status_code == 403
    locked = log_in(client, PASSWORD)
    assert locked.status_code == 403
    text = locked.content.decode()
    assert "Too many failed logins" in text
    assert "After 5 failed logins in a row" in text
    assert "Try again in 15 minutes." in text
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_count(client, user):
    for _ in range(4):
        log_in(client, "wrong guess")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert log_in(client, "wrong guess").status_code == 200
    assert log_in(client, PASSWORD).status_code == 302


def test_one_failure_and_one_minute_read_singular(client, user, settings):
    settings.AXES_FAILURE_LIMIT = 1
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=1)
    client.cookies["django_language"] = "es"
    assert log_in(client, "wrong guess").status_code == 403
    text = log_in(client, PASSWORD).content.decode()
    assert "Tras 1 intento fallido, se bloquea" in text
    assert "Vuelve a intentarlo dentro de 1 minuto." in text
