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

from searcher.web import ServerSettings  # noqa: E402

from tests.live_server import (  # noqa: E402
    TOKEN,
    LiveServer,
    copy_index,
    live_server,
    web_index_template,  # noqa: F401  (a fixture)
)

OPERATIONS = [("GET", "/api/search"), ("GET", "/api/articles/{id}"),
              ("GET", "/api/articles/{id}/similar"), ("POST", "/api/articles"),
              ("GET", "/api/stats"), ("GET", "/healthz")]
EXAMPLES = {"GET /api/search": 40, "POST /api/articles": 15}


@pytest.fixture(scope="module")
def server(web_index_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = copy_index(web_index_template, tmp_path_factory.mktemp("openapi") / "index")
    server_settings = ServerSettings(allow_indexing=True, token=TOKEN, max_body_bytes=256 * 1024)
    with live_server(path, server_settings) as live:
        yield live


@pytest.fixture(scope="module")
def api_schema(server: LiveServer) -> Any:
    return schemathesis.openapi.from_url(server.url + "/openapi.json")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_conforms_to_the_description(api_schema: Any, server: LiveServer, method: str,
                                               path: str, mode: GenerationMode) -> None:
    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {TOKEN}"} if method == "POST" else None
    calls = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES.get(f"{method} {path}", 10), deadline=None, derandomize=True,
              database=None, suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        response = case.call_and_validate(base_url=server.url, headers=headers)
        calls.append(response.status_code)

    check()
    assert calls and all(status < 500 for status in calls)
