"""/healthz and /readyz for load balancers and orchestrators."""

import pytest

from coop import health


def test_healthz_needs_nothing(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_checks_the_database_and_the_broker(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "broker": "eager"}}


@pytest.mark.django_db
def test_readyz_is_503_naming_what_is_down(client, monkeypatch):
    def down():
        raise ConnectionRefusedError("no broker")

    monkeypatch.setattr(health, "check_broker", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"] == {"database": "ok", "broker": "down: ConnectionRefusedError"}


@pytest.mark.worker
@pytest.mark.django_db
def test_readyz_reaches_the_real_broker(client, settings):
    assert settings.CELERY_BROKER_URL
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["checks"]["broker"] == "ok"
