#!/usr/bin/env bash
# Install SPCP Live into .venv (Python 3.11+), or bring it up to date: `bash scripts/install.sh`.
# `bash scripts/install.sh test` adds the test extras. run.sh and test.sh call it, so on a fresh clone it
# is needed on its own only before a first `.venv/bin/spcp ...` command such as `spcp event create`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "SPCP Live needs Python 3.11 or newer; python3 here is: $(python3 --version 2>&1 || echo 'not found')." >&2
    exit 1
  fi
  python3 -m venv .venv
fi
.venv/bin/pip install -q -e ".${1:+[$1]}"
.venv/bin/python -m spcp.catalogs compile >/dev/null  # translations: .po -> .mo
# the phone page's own Quasar, only the parts a phone uses (spcp/phone_quasar.py): built from npm's quasar with
# Node.js; without it phones load all of Quasar, which works, only slower on a slow phone
if command -v npm >/dev/null 2>&1 && npm ci --prefix scripts/phone_quasar --no-audit --no-fund --silent \
    && .venv/bin/python -m spcp.phone_quasar; then :; else
  echo "Note: the phone's own Quasar was not built (needs Node.js and npm); phones load all of Quasar." >&2
fi
