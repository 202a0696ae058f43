"""The README's Python quick start runs, and it and the public API pass ``mypy --strict``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
#: The modules whose types users see: the re-exports, the index, its results and errors,
#: and the web app built on them.
PUBLIC = ["searcher/__init__.py", "searcher/engine.py", "searcher/results.py",
          "searcher/errors.py", "searcher/article.py", "searcher/web"]
#: Incremental cache (git-ignored): a warm run takes about a second instead of ten.
MYPY_CACHE = ROOT / ".mypy_cache" / "test_api_typing"
MYPY_CONFIG = """\
[mypy]
strict = True
follow_imports = silent
ignore_missing_imports = True
warn_unused_configs = True

# Untyped or large third-party code: not analysed (its names are Any).
[mypy-numpy.*,whoosh.*,trafilatura.*,lxml.*,Stemmer.*]
follow_imports = skip
"""


def quick_start() -> str:
    """The first Python block of the README's "Python API" section."""
    section = README.read_text(encoding="utf-8").split("\n## Python API\n", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "README's Python API section has no ```python block"
    return match.group(1)


def test_readme_quick_start_runs(tmp_path: Path):
    program = tmp_path / "quickstart.py"
    program.write_text(quick_start(), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(program)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "news-index").is_dir()
    out = proc.stdout
    assert "2 hits" in out and "[Semarang]" in out
    assert "bad query:" in out and "documents" in out


def test_public_api_and_quick_start_pass_mypy_strict(tmp_path: Path):
    pytest.importorskip("mypy", reason="mypy is in the test extra")
    program = tmp_path / "quickstart.py"
    program.write_text(quick_start(), encoding="utf-8")
    config = tmp_path / "mypy.ini"
    config.write_text(MYPY_CONFIG, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(config),
                           "--cache-dir", str(MYPY_CACHE), str(program), *PUBLIC],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success: no issues found" in proc.stdout
