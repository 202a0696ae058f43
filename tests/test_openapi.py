"""/openapi.json checked against the live server by schemathesis.

For each operation, schemathesis generates valid requests (positive) and invalid
ones (negative) from the description served by the running server, sends them, and
checks that every answer is documented, matches its schema, refuses invalid input
with a 4xx, and is never a server error.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is in the test extra")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    negative_data_rejection,
    positive_data_acceptance,
)

from searcher.web import ServerSettings  # noqa: E402

from tests.live_server import (  # noqa: E402
    TOKEN,
    LiveServer,
    copy_index,
    live_server,
)

POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
#: (method, path, modes, examples). Operations without parameters or with only a
#: required id have no invalid requests to generate.
OPERATIONS = [
    ("GET", "/api/search", (POSITIVE, NEGATIVE), 25, None),
    ("GET", "/api/articles/{id}", (POSITIVE,), 10, None),
    ("GET", "/api/articles/{id}", (POSITIVE,), 3, "a1"),
    ("GET", "/api/articles/{id}/similar", (POSITIVE, NEGATIVE), 10, None),
    ("GET", "/api/articles/{id}/similar", (POSITIVE,), 8, "banjir-03"),
    ("POST", "/api/articles", (POSITIVE, NEGATIVE), 10, None),
    ("GET", "/api/stats", (POSITIVE,), 3, None),
    ("GET", "/healthz", (POSITIVE,), 3, None),
]
CASES = [pytest.param(method, path, mode, examples, doc_id,
                      id=f"{method} {path} {mode.value}" + (f" id={doc_id}" if doc_id else ""))
         for method, path, modes, examples, doc_id in OPERATIONS for mode in modes]


def limit_rule(response: Any) -> bool:
    """An answer of a limit that JSON Schema cannot express, documented in docs/http.md.

    414: the URL is over 8 KB (a q of 2,000 characters fits only while mostly ASCII).
    400 bad_query: a schema-valid ``q`` that is not a valid query (``"``).
    400 page × limit: each is in range but together they go over 10,000 deep.
    400 for dates that match the pattern but do not exist (2024-02-30) or are out of order
    (since after until).
    """
    if response.status_code == 414:
        return response.json()["error"]["code"] == "url_too_long"
    if response.status_code != 400:
        return False
    error = response.json()["error"]
    return error["code"] == "bad_query" or any(
        text in error["message"] for text in ("page × limit", "must be a date", "is after until"))


@pytest.fixture(scope="module")
def server(web_index_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = copy_index(web_index_template, tmp_path_factory.mktemp("openapi") / "index")
    server_settings = ServerSettings(allow_indexing=True, token=TOKEN, max_body_bytes=256 * 1024)
    with live_server(path, server_settings) as live:
        yield live


@pytest.fixture(scope="module")
def api_schema(server: LiveServer) -> Any:
    return schemathesis.openapi.from_url(server.url + "/openapi.json")


@pytest.mark.parametrize(("method", "path", "mode", "examples", "doc_id"), CASES)
def test_operation_conforms_to_the_description(api_schema: Any, server: LiveServer, method: str,
                                               path: str, mode: GenerationMode, examples: int,
                                               doc_id: str | None) -> None:
    operation = api_schema[path][method]
    fixed = {"path_parameters": {"id": doc_id}} if doc_id else {}
    headers = {"Authorization": f"Bearer {TOKEN}"} if method == "POST" else None
    statuses: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        response = case.call(base_url=server.url, headers=headers)
        statuses.append(response.status_code)
        excluded = [positive_data_acceptance, negative_data_rejection] if limit_rule(response) else []
        case.validate_response(response, headers=headers, excluded_checks=excluded)

    check()
    assert statuses and max(statuses) < 500
    if mode is POSITIVE and method == "GET" and ("{id}" not in path or doc_id):
        assert 200 in statuses  # the valid requests did reach real answers
