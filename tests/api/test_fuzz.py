"""Schemathesis over every API operation, in-process against the WSGI app and the demo co-op.

For each operation it generates requests from the OpenAPI schema (valid and invalid ones) and
checks that no answer is a server error and that every answer — status code, content type and
body — is what the schema says. A fixed seed (`derandomize`) makes CI repeatable;
FUZZ_EXAMPLES sets the number of examples per operation (default 20; CI keeps this part of the
run to a few minutes).
"""

import contextlib
import os

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from coop.models import Member

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
FUZZER = "fuzz@example.coop"
PASSWORD = "fuzz-the-api-1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@contextlib.contextmanager
def connection_kept():
    """Requests go straight to the WSGI app, not through Django's test client: like the client,
    keep the app from closing the test's database connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(db, settings):
    """The demo co-op and a member holding every role (each operation's test rolls it back)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", quiet=True)
    member = Member.objects.select_related("cooperative").get(user__email="bruno@example.coop")
    from coop import services

    fuzzer = services.add_member(
        cooperative=member.cooperative,
        actor=None,
        email=FUZZER,
        full_name="Fuzz Tester",
        status="active",
        roles=["admin", "secretary", "treasurer"],
    )
    fuzzer.user.set_password(PASSWORD)
    fuzzer.user.save()
    return member.cooperative


@pytest.fixture
def api_schema(seeded):
    app = get_wsgi_application()
    with connection_kept():
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", app)
    # Revoking the fuzzer's own token would turn every later case into a 401.
    return schema.exclude(method="DELETE", path="/api/v1/auth/token/")


@pytest.fixture
def token(api_schema, seeded):
    from django.test import Client

    response = Client().post(
        "/api/v1/auth/token/",
        {"email": FUZZER, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_every_answer_matches_the_schema(case, token, seeded):
    if "coop_slug" in (case.path_parameters or {}):
        case.path_parameters["coop_slug"] = seeded.slug
    with connection_kept(), transaction.atomic():
        response = case.call(headers={"Authorization": f"Token {token}"})
        case.validate_response(response, checks=CHECKS)
        transaction.set_rollback(True)
