"""The OpenAPI contract: valid, complete, and the committed copy is the current one."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return path.read_text()


def test_the_committed_schema_is_current(generated):
    assert SCHEMA.read_text() == generated, "docs/openapi.yaml is stale: run `make schema`"


def test_every_operation_documents_its_errors_and_describes_itself(generated):
    document = yaml.safe_load(generated)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            where = f"{method.upper()} {path}"
            assert operation.get("summary") or operation.get("description"), where
            responses = operation["responses"]
            assert "400" in responses and "429" in responses, where
            if operation.get("security") != [] and path != "/api/v1/auth/token/":
                assert {"401", "403"} <= set(responses), where
            if "{" in path:
                assert "404" in responses, where
            for code, response in responses.items():
                assert response.get("description"), f"{where} {code} has no description"
                if code.startswith(("4", "5")):
                    body = response["content"]["application/json"]["schema"]
                    assert body == {"$ref": "#/components/schemas/Error"}, f"{where} {code}"
