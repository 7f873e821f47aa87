"""An API client that checks every answer against the committed contract, docs/openapi.yaml.

Each answer must be an operation of the schema, with a status code the operation documents, a
content type documented for that status, and (for JSON) a body that validates against the
documented schema — schemathesis's response-conformance check, run on real answers of real
workflows rather than generated requests.
"""

import functools
from pathlib import Path

import requests
import schemathesis
from rest_framework.test import APIClient
from schemathesis.core.transport import Response

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


@functools.cache
def committed_schema():
    return schemathesis.openapi.from_path(str(SCHEMA))


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def check_answer(method: str, path: str, answer) -> str:
    """Fail unless `answer` (a Django test response) is what the schema documents for the
    operation; returns the operation's label, e.g. "POST /api/v1/coops/{coop_slug}/revenue/"."""
    operation = committed_schema().find_operation_by_path(method, path)
    assert operation is not None, f"{method} {path} is not an operation of docs/openapi.yaml"
    label = f"{method} {operation.path}"
    documented = operation.definition.raw["responses"]
    status = str(answer.status_code)
    assert status in documented, f"{label} answered {status}; the schema lists {list(documented)}"
    content = documented[status].get("content", {})
    if not content:
        assert not getattr(answer, "content", b""), f"{label} {status} has an undocumented body"
        return label
    media_type = _media_type(answer.get("Content-Type", ""))
    assert media_type in content, f"{label} {status} answered {media_type}, not {list(content)}"
    if media_type == "application/json":
        request = requests.Request(method, f"http://testserver{path}").prepare()
        headers = {name: [value] for name, value in answer.items()}
        operation.validate_response(
            Response(answer.status_code, headers, answer.content, request, 0.0, True)
        )
    return label


class ContractClient(APIClient):
    """APIClient whose every answer is checked by `check_answer`; `checked` holds the labels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked: set[str] = set()

    def request(self, **kwargs):
        answer = super().request(**kwargs)
        method, path = kwargs["REQUEST_METHOD"], kwargs["PATH_INFO"]
        self.checked.add(check_answer(method, path, answer))
        return answer
