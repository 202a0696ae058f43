"""Shared fixtures: small real indexes in tmp_path."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"
MINI = FIXTURES / "mini.jsonl"


def shared_path(*parts: str) -> Path:
    """A file of ../shared, or skip the test when the clone has none."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared is only beside the developers' clones)")
    return path


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never touch the user's default index from a test."""
    monkeypatch.setenv("SEARCHER_INDEX", str(tmp_path / "default-index"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture(scope="session")
def _mini_index_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from searcher import SearchIndex

    path = tmp_path_factory.mktemp("mini") / "index"
    index = SearchIndex.create_or_open(path)
    report = index.index_paths([MINI])
    assert report.added == 12
    return path


@pytest.fixture
def mini_index_path(_mini_index_template: Path, tmp_path: Path) -> Path:
    """A private copy of an index of tests/fixtures/mini.jsonl (12 articles)."""
    target = tmp_path / "mini-index"
    shutil.copytree(_mini_index_template, target)
    return target


@pytest.fixture
def mini_index(mini_index_path: Path):
    from searcher import SearchIndex

    return SearchIndex(mini_index_path)


@pytest.fixture(scope="session")
def read_only_mini_index(_mini_index_template: Path):
    """The shared mini index, for tests that only search (never write to it)."""
    from searcher import SearchIndex

    return SearchIndex(_mini_index_template)


@pytest.fixture(scope="session")
def query_index(tmp_path_factory: pytest.TempPathFactory):
    """A read-only index of mini.jsonl plus tests/fixtures/query-extra.jsonl (17 articles):
    a near-duplicate of a3, categories with parts (News/Nasional, Tajuk Utama), an undated
    one, and the English word "or"."""
    from searcher import SearchIndex

    path = tmp_path_factory.mktemp("query") / "index"
    index = SearchIndex.create_or_open(path)
    assert index.index_paths([MINI, FIXTURES / "query-extra.jsonl"]).added == 17
    return index


@pytest.fixture(scope="session")
def web_index_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The web tests' index (tests/live_server.py): mini.jsonl plus 15 articles. Copy it."""
    from tests.live_server import build_web_index

    return build_web_index(tmp_path_factory.mktemp("web") / "index")


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("PYTHONHASHSEED", "0")
