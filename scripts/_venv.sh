# Sourced by scripts/run and scripts/test: make sure .venv exists and is current.
# Usage: ensure_venv EXTRAS   (e.g. "" or "test"); sets $PY to the venv's python.
# Messages go to stderr so that stdout stays the command's own output.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SEARCHER_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"

ensure_venv() {
    local extras="$1" spec stamp want
    spec="$ROOT"
    [ -n "$extras" ] && spec="$ROOT[$extras]"
    stamp="$VENV/.searcher-installed"
    want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16) ${extras:-base}"
    if [ -x "$PY" ] && [ -f "$stamp" ] && grep -qxF "$want" "$stamp"; then
        return 0
    fi
    if [ ! -x "$PY" ]; then
        local base_python="${PYTHON:-python3}"
        if ! "$base_python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "searcher needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
            return 1
        fi
        echo "scripts: creating $VENV …" >&2
        "$base_python" -m venv "$VENV" >&2
    fi
    echo "scripts: installing searcher${extras:+ with [$extras]} into $VENV …" >&2
    "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2 || true
    "$PY" -m pip install --quiet --disable-pip-version-check -e "$spec" >&2
    printf '%s\n' "$want" >>"$stamp"
}
