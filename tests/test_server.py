"""The HTTP API and the search page, on a real uvicorn server on 127.0.0.1 with httpx."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from click.testing import CliRunner

from searcher import SearchIndex
from searcher.cli import cli
from searcher.web import ServerSettings

from tests.live_server import (
    SCRIPT_TITLE,
    SLASH_ID,
    TOKEN,
    LiveServer,
    copy_index,
    live_server,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ro(web_index_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A read-only server over a private copy of the web index."""
    path = copy_index(web_index_template, tmp_path_factory.mktemp("ro") / "index")
    with live_server(path) as server:
        yield server


@pytest.fixture
def rw(web_index_template: Path, tmp_path: Path) -> Iterator[LiveServer]:
    """A server with indexing enabled (token TOKEN, 64 KB bodies) over a fresh copy."""
    path = copy_index(web_index_template, tmp_path / "index")
    settings = ServerSettings(allow_indexing=True, token=TOKEN, max_body_bytes=64 * 1024)
    with live_server(path, settings) as server:
        yield server


def get(server: LiveServer, path: str, **params: object) -> httpx.Response:
    return httpx.get(server.url + path, params=params or None, timeout=30)  # type: ignore[arg-type]


def without_timing(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "took_ms"}


# -- search ----------------------------------------------------------------------------
def test_search_answers_the_json_of_search_json(ro: LiveServer):
    answer = get(ro, "/api/search", q="banjir rumah", limit=3)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    cli_out = CliRunner().invoke(cli, ["--index", str(ro.index.path), "search", "banjir rumah",
                                       "--limit", "3", "--json"])
    assert cli_out.exit_code == 0, cli_out.output
    assert without_timing(body) == without_timing(json.loads(cli_out.output))
    assert body["total"] >= 13 and len(body["hits"]) == 3
    hit = body["hits"][0]
    assert [hit["snippet"][a:b].lower() for a, b in hit["highlights"]][:1] in (["banjir"], ["rumah"])


def test_search_takes_every_option(ro: LiveServer):
    common = dict(q="banjir", limit=5)
    newest = get(ro, "/api/search", **common, sort="newest").json()
    dates = [h["date"] for h in newest["hits"]]
    assert dates == sorted(dates, reverse=True)
    oldest = get(ro, "/api/search", **common, sort="oldest").json()
    assert [h["date"] for h in oldest["hits"]] == sorted(h["date"] for h in oldest["hits"])
    assert oldest["hits"][0]["id"] != newest["hits"][0]["id"]

    window = get(ro, "/api/search", **common, since="2024-03", until="2024-04-30").json()
    assert window["total"] > 0
    assert all("2024-03" <= h["date"][:7] <= "2024-04" for h in window["hits"])

    one = get(ro, "/api/search", q="banjir", source="detik.com", limit=50).json()
    assert one["total"] > 0 and {h["source"] for h in one["hits"]} == {"detik.com"}
    answer = httpx.get(ro.url + "/api/search", timeout=30,
                       params=[("q", "banjir"), ("source", "detik.com"), ("source", "evil.example"),
                               ("limit", "50")])
    both = answer.json()
    assert {h["source"] for h in both["hits"]} == {"detik.com", "evil.example"}
    assert both["total"] == one["total"] + 1

    tekno = get(ro, "/api/search", q="kaspersky", category="Tekno").json()
    assert tekno["total"] == 2
    assert get(ro, "/api/search", q="kaspersky", category="Ekonomi").json()["total"] == 0

    bare = get(ro, "/api/search", q="banjir", highlight="false").json()
    assert all(h["snippet"] is None and h["highlights"] == [] for h in bare["hits"])

    page1 = get(ro, "/api/search", q="banjir", limit=4).json()
    page2 = get(ro, "/api/search", q="banjir", limit=4, page=2).json()
    assert [h["rank"] for h in page2["hits"]] == [5, 6, 7, 8]
    assert not {h["id"] for h in page1["hits"]} & {h["id"] for h in page2["hits"]}

    everything = get(ro, "/api/search", sort="newest", limit=1).json()  # no q: all articles
    assert everything["total"] == len(ro.index)


def test_facets_parameter(ro: LiveServer):
    answer = get(ro, "/api/search", q="banjir", facets="true")
    assert answer.status_code == 200
    assert answer.json()["facets"] == ro.index.search("banjir", facets=True).to_dict()["facets"]
    assert sum(answer.json()["facets"]["source"].values()) == answer.json()["total"]
    assert "facets" not in get(ro, "/api/search", q="banjir").json()


BAD_SEARCHES = [
    ({"q": '"harga beras'}, 400, "bad_query"),
    ({"q": "(harga beras"}, 400, "bad_query"),
    ({"q": "beras date:2024-13"}, 400, "bad_query"),
    ({"q": "x" * 2001}, 400, "bad_parameter"),
    ({"limit": "0"}, 400, "bad_parameter"),
    ({"limit": "101"}, 400, "bad_parameter"),
    ({"limit": "ten"}, 400, "bad_parameter"),
    ({"limit": "1.5"}, 400, "bad_parameter"),
    ({"page": "0"}, 400, "bad_parameter"),
    ({"page": "101", "limit": "100"}, 400, "bad_parameter"),  # deeper than 10,000
    ({"sort": "best"}, 400, "bad_parameter"),
    ({"since": "2024-13-01"}, 400, "bad_parameter"),
    ({"since": "yesterday"}, 400, "bad_parameter"),
    ({"until": "2024-02-30"}, 400, "bad_parameter"),
    ({"since": "2024-05-01", "until": "2024-04-01"}, 400, "bad_parameter"),
    ({"highlight": "maybe"}, 400, "bad_parameter"),
    ({"facets": "yes please"}, 400, "bad_parameter"),
    ({"sources": "kompas.com"}, 400, "bad_parameter"),  # unknown parameter (a typo)
    ({"q": "y" * 9000}, 414, "url_too_long"),
]


@pytest.mark.parametrize(("params", "status", "code"), BAD_SEARCHES,
                         ids=[f"{next(iter(p))}-{c}-{i}" for i, (p, _, c) in enumerate(BAD_SEARCHES)])
def test_bad_search_parameters_are_json_4xx(ro: LiveServer, params: dict, status: int, code: str):
    answer = httpx.get(ro.url + "/api/search", params=params, timeout=30)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    error = answer.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["hint"], str)


def test_bad_query_answers_the_query_error_message(ro: LiveServer):
    from searcher import QueryError

    with pytest.raises(QueryError) as raised:
        ro.index.search('"harga beras')
    error = get(ro, "/api/search", q='"harga beras').json()["error"]
    assert error["message"] == str(raised.value)
    assert error["hint"] == raised.value.hint


def test_repeated_single_parameter_is_refused(ro: LiveServer):
    answer = httpx.get(ro.url + "/api/search", params=[("limit", "2"), ("limit", "3")], timeout=30)
    assert answer.status_code == 400 and "limit" in answer.json()["error"]["message"]


# -- articles, similar, stats, health ----------------------------------------------------
def test_article_by_id(ro: LiveServer):
    answer = get(ro, "/api/articles/a1")
    assert answer.status_code == 200
    assert answer.json() == ro.index.get("a1").to_dict()
    slashed = get(ro, "/api/articles/" + quote(SLASH_ID, safe=""))
    assert slashed.status_code == 200 and slashed.json()["id"] == SLASH_ID


@pytest.mark.parametrize("path", ["/api/articles/no-such-id", "/api/articles/no-such-id/similar",
                                  "/api/articles/" + quote("a1/x", safe="")])
def test_unknown_article_is_404(ro: LiveServer, path: str):
    answer = get(ro, path)
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"]["code"] == "article_not_found"


def test_similar_articles(ro: LiveServer):
    answer = get(ro, "/api/articles/banjir-03/similar", limit=5)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["id"] == "banjir-03"
    ids = [h["id"] for h in body["hits"]]
    assert 0 < len(ids) <= 5 and "banjir-03" not in ids
    assert sum(i.startswith("banjir-") for i in ids) >= 3  # flood articles are like each other
    slashed = get(ro, "/api/articles/" + quote(SLASH_ID, safe="") + "/similar", limit=2)
    assert slashed.status_code == 200 and len(slashed.json()["hits"]) <= 2
    assert get(ro, "/api/articles/banjir-03/similar", limit=0).status_code == 400
    assert get(ro, "/api/articles/banjir-03/similar", limit=51).status_code == 400


def test_stats_and_health(ro: LiveServer):
    stats = get(ro, "/api/stats").json()
    assert stats == ro.index.stats().to_dict()
    assert stats["documents"] == 12 + 15
    assert get(ro, "/healthz").json() == {"status": "ok", "documents": 27}


def test_unknown_paths_and_methods(ro: LiveServer):
    missing = get(ro, "/api/nothing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = httpx.put(ro.url + "/api/search", timeout=30)
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in wrong.headers["allow"]
    page = get(ro, "/no/such/page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


def test_openapi_lists_every_endpoint(ro: LiveServer):
    spec = get(ro, "/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {"/api/search", "/api/articles/{id}", "/api/articles/{id}/similar",
                                  "/api/articles", "/api/stats", "/healthz"}
    names = [p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]]
    assert names == ["q", "limit", "page", "sort", "since", "until", "source", "category",
                     "highlight", "facets"]


# -- concurrency and freshness -------------------------------------------------------------
def test_a_burst_of_200_concurrent_requests_all_succeed(ro: LiveServer):
    paths = ["/api/search?q=banjir&limit=5", "/api/search?q=kaspersky&sort=newest",
             "/api/search?q=harga+beras&page=1", "/api/articles/a3", "/api/stats", "/healthz",
             "/?q=banjir", "/api/search?q=banjir+rumah&since=2024-02&highlight=false"]

    async def burst() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=ro.url, timeout=60, limits=limits) as client:
            return await asyncio.gather(*(client.get(paths[i % len(paths)]) for i in range(200)))

    answers = asyncio.run(burst())
    assert [a.status_code for a in answers] == [200] * 200
    totals = {a.json()["total"] for a in answers[::len(paths)]}
    assert len(totals) == 1  # the same search gave the same answer every time


def test_serves_articles_indexed_after_it_started(ro: LiveServer, web_index_template: Path,
                                                  tmp_path: Path):
    path = copy_index(web_index_template, tmp_path / "fresh")
    with live_server(path) as server:
        assert get(server, "/api/search", q="zeppelin").json()["total"] == 0
        other = SearchIndex(path)  # another writer, as `searcher index` would be
        other.add_records([{"id": "z1", "title": "Zeppelin Mendarat di Bandung",
                            "body": "Sebuah zeppelin mendarat di lapangan Bandung pagi ini."}])
        hits = get(server, "/api/search", q="zeppelin").json()["hits"]
        assert [h["id"] for h in hits] == ["z1"]
        assert get(server, "/api/articles/z1").status_code == 200


def test_searcher_serve_subprocess_sees_a_searcher_index_run(web_index_template: Path,
                                                             tmp_path: Path):
    path = copy_index(web_index_template, tmp_path / "index")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "searcher", "--index", str(path), "serve",
                             "--port", "0", "--log-level", "warning"],
                            cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        seen: list[str] = []
        match = None
        for line in proc.stderr:  # "searcher: serving … on http://127.0.0.1:PORT/ …"
            seen.append(line)
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if match or len(seen) > 50:
                break
        assert match, "".join(seen)
        base = f"http://127.0.0.1:{match.group(1)}"
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert httpx.get(base + "/api/search", params={"q": "kapal selam"}).json()["total"] == 0
        feed = tmp_path / "new.jsonl"
        feed.write_text(json.dumps({"id": "sub-1", "title": "Kapal Selam Baru Tiba di Surabaya",
                                    "body": "Kapal selam baru TNI AL tiba di Surabaya."}) + "\n")
        done = subprocess.run([sys.executable, "-m", "searcher", "--index", str(path), "index",
                               str(feed)], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        hits = httpx.get(base + "/api/search", params={"q": "kapal selam"}).json()["hits"]
        assert [h["id"] for h in hits] == ["sub-1"]
        assert httpx.post(base + "/api/articles", json=[{"body": "x"}]).status_code == 403
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert proc.returncode in (0, -15)


# -- indexing over HTTP --------------------------------------------------------------------
def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


RECORDS = [{"id": "post-1", "judul": "Gempa Guncang Cianjur", "isi": "Gempa bumi mengguncang "
            "Cianjur, Jawa Barat, pada Senin siang.", "tanggal": "21 November 2022 13:21",
            "url": "https://berita.example.com/gempa", "source": "berita.example.com"},
           {"id": "post-2", "category": "Tanpa judul, tanpa isi"}]


def test_post_articles_as_a_json_array(rw: LiveServer):
    answer = httpx.post(rw.url + "/api/articles", json=RECORDS, headers=auth(), timeout=60)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["added"], report["updated"], report["skipped"]) == (1, 0, 1)
    assert [(s["path"], s["line"]) for s in report["skips"]] == [("-", 2)]
    hits = get(rw, "/api/search", q="gempa cianjur").json()["hits"]
    assert [h["id"] for h in hits] == ["post-1"] and hits[0]["date"] == "2022-11-21T13:21:00"
    again = httpx.post(rw.url + "/api/articles", json=RECORDS[0], headers=auth(), timeout=60)
    assert (again.json()["added"], again.json()["unchanged"]) == (0, 1)


def test_post_articles_as_json_lines(rw: LiveServer):
    lines = "\n".join(json.dumps({"id": f"nd-{i}", "title": f"Gerhana {i}",
                                  "body": "Gerhana bulan total terlihat dari Jakarta."})
                      for i in range(3)) + "\n{not json}\n"
    answer = httpx.post(rw.url + "/api/articles", content=lines.encode(), timeout=60,
                        headers={**auth(), "Content-Type": "application/x-ndjson"})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["added"], answer.json()["skipped"]) == (3, 1)
    assert get(rw, "/api/search", q="gerhana").json()["total"] == 3


@pytest.mark.parametrize(("headers", "body", "status", "code"), [
    ({}, b"[]", 401, "unauthorized"),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, b"[]", 401, "unauthorized"),
    ({"Authorization": "Bearer wrong"}, b"[]", 403, "forbidden"),
    ({**auth(), "Content-Type": "text/csv"}, b"id,body\n1,x\n", 415, "unsupported_media_type"),
    ({**auth(), "Content-Type": "application/json"}, b"[{]", 400, "bad_body"),
    ({**auth(), "Content-Type": "application/json"}, b"[]", 400, "bad_body"),
    ({**auth(), "Content-Type": "application/json"}, b'[{"body": "x"}, 3]', 400, "bad_body"),
    ({**auth(), "Content-Type": "application/json"}, b"\xff\xfe[]", 400, "bad_body"),
    ({**auth(), "Content-Type": "application/json"}, b"", 400, "bad_body"),
    ({**auth(), "Content-Type": "application/json"}, b"[" + b'{"body": "x"},' * 9000 + b"{}]",
     413, "body_too_large"),
])
def test_post_errors(rw: LiveServer, headers: dict, body: bytes, status: int, code: str):
    headers = {"Content-Type": "application/json", **headers}
    answer = httpx.post(rw.url + "/api/articles", content=body, headers=headers, timeout=60)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["code"] == code
    if status == 401:
        assert answer.headers["www-authenticate"] == "Bearer"
    assert len(rw.index) == 27  # nothing was written


def test_post_while_another_run_writes_is_503_index_locked(web_index_template: Path, tmp_path: Path):
    from whoosh.index import open_dir

    path = copy_index(web_index_template, tmp_path / "index")
    settings = ServerSettings(allow_indexing=True, token=TOKEN, write_wait=0.2)
    lock = open_dir(str(path)).lock("WRITELOCK")  # what `searcher index` holds while it writes
    assert lock.acquire(blocking=False)
    try:
        with live_server(path, settings) as server:
            answer = httpx.post(server.url + "/api/articles", json=RECORDS, headers=auth(), timeout=30)
            assert answer.status_code == 503, answer.text
            assert answer.json()["error"]["code"] == "index_locked"
            assert answer.headers["retry-after"] == "5"
            lock.release()
            answer = httpx.post(server.url + "/api/articles", json=RECORDS, headers=auth(), timeout=30)
            assert answer.status_code == 200 and answer.json()["added"] == 1
    finally:
        if lock.fd is not None:
            lock.release()


def test_post_is_refused_on_a_read_only_server(ro: LiveServer):
    answer = httpx.post(ro.url + "/api/articles", json=RECORDS, headers=auth(), timeout=30)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "indexing_disabled"


# -- the serve command ------------------------------------------------------------------------
def test_serve_refuses_indexing_without_a_token(mini_index_path: Path, monkeypatch):
    monkeypatch.delenv("SEARCHER_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["--index", str(mini_index_path), "serve", "--allow-indexing"])
    assert result.exit_code == 2
    assert "--allow-indexing needs a token" in result.output


def test_serve_explains_a_missing_index_and_a_busy_port(mini_index_path: Path, tmp_path: Path):
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "none"), "serve"])
    assert result.exit_code == 1 and "searcher index" in result.output
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["--index", str(mini_index_path), "serve", "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "--port" in result.output


# -- the HTML page ------------------------------------------------------------------------------
def test_front_page_has_the_form(ro: LiveServer):
    page = get(ro, "/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<meta name="viewport"' in html and '<form class="search"' in html
    assert 'name="q"' in html and 'name="since"' in html and 'name="until"' in html
    assert '<option value="kompas.com"' in html  # the source filter lists the sources
    assert "<script" not in html.lower()
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none'


def test_results_page_highlights_and_escapes(ro: LiveServer):
    html = get(ro, "/", q="banjir kudus").text
    assert "<mark>" in html
    assert "&lt;script&gt;document.title=" in html and "&lt;b&gt;tebal&lt;/b&gt;" in html
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert 'href="javascript:' not in html.lower()
    assert "<b>tebal" not in html


def test_a_relaxed_query_says_so_in_json_and_on_the_page(ro: LiveServer):
    assert get(ro, "/api/search", q="banjir rumah").json()["relaxed"] is False
    assert get(ro, "/api/search", q="kaspersky lebaran").json()["relaxed"] is True
    assert "No article has all of these words" in get(ro, "/", q="kaspersky lebaran").text
    assert "No article has all of these words" not in get(ro, "/", q="banjir rumah").text


def test_results_page_paginates_with_filters_kept(ro: LiveServer):
    html = get(ro, "/", q="banjir", since="2024-01-01", sort="newest").text
    assert 'rel="next"' in html and 'rel="prev"' not in html
    next_href = re.search(r'<a href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "since=2024-01-01" in next_href and "sort=newest" in next_href and "page=2" in next_href
    second = get(ro, next_href).text
    assert '<ol class="hits" start="11">' in second and 'rel="prev"' in second
    assert 'aria-current="page">2<' in second and 'rel="next"' not in second
    assert '<option value="newest" selected>' in second  # the form keeps the filters
    filtered = get(ro, "/", q="banjir", source="kompas.com").text
    assert filtered.count('<li class="hit">') == 7 and "detik.com</span>" not in filtered


def test_results_page_shows_errors_and_empty_results(ro: LiveServer):
    bad = get(ro, "/", q='"harga beras')
    assert bad.status_code == 400 and "unbalanced quote" in bad.text and 'role="alert"' in bad.text
    bad_date = get(ro, "/", q="banjir", since="2024-13-40")
    assert bad_date.status_code == 400 and "since must be a date" in bad_date.text
    none = get(ro, "/", q="zzzyqx")
    assert none.status_code == 200 and "No articles match" in none.text
    empty_fields = get(ro, "/", q="banjir", since="", until="", source="", sort="")
    assert empty_fields.status_code == 200 and "<mark>" in empty_fields.text
    past = get(ro, "/", q="banjir", page="9", category="Regional").text
    assert "Page 9 is past the last of the 15 results" in past
    assert 'href="/?q=banjir&amp;category=Regional"' in past  # back to page 1, filters kept
    assert '<input type="hidden" name="category" value="Regional">' in past


def test_article_page(ro: LiveServer):
    page = get(ro, "/article", id="xss-1")
    assert page.status_code == 200
    assert "&lt;script&gt;" in page.text and "<script" not in page.text.lower()
    assert "__pwned=4" not in page.text  # its javascript: url is not linked
    slashed = get(ro, "/article", id=SLASH_ID)
    assert slashed.status_code == 200 and "Banjir Bandang" in slashed.text
    assert get(ro, "/article", id="nope").status_code == 404


def test_static_css_is_served(ro: LiveServer):
    css = get(ro, "/static/style.css")
    assert css.status_code == 200 and "mark" in css.text and "@media" in css.text


def test_script_title_round_trips_through_the_api(ro: LiveServer):
    body = get(ro, "/api/articles/xss-1").json()
    assert body["title"] == SCRIPT_TITLE  # stored as given; only HTML output escapes it


# -- docs ----------------------------------------------------------------------------------------
def test_docs_list_every_parameter_endpoint_and_error_code(ro: LiveServer):
    from searcher.web.params import search_params

    text = (ROOT / "docs" / "http.md").read_text(encoding="utf-8")
    for param in search_params(ServerSettings()):
        assert f"| `{param.name}` |" in text, param.name
    for path, methods in get(ro, "/openapi.json").json()["paths"].items():
        for method in methods:
            assert f"`{method.upper()} {path}" in text, (method, path)
    for code in ("bad_parameter", "bad_query", "bad_body", "unauthorized", "forbidden",
                 "indexing_disabled", "article_not_found", "not_found", "method_not_allowed",
                 "body_too_large", "url_too_long", "unsupported_media_type", "index_locked"):
        assert f"`{code}`" in text, code
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/search-page.png" in readme and (ROOT / "docs" / "search-page.png").is_file()
