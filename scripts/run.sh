#!/usr/bin/env bash
# Install SPCP Live into .venv (first time only) and run it: `bash scripts/run.sh [serve options]`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e .
.venv/bin/python -m spcp.catalogs compile >/dev/null  # translations: .po -> .mo
exec .venv/bin/spcp serve "$@"
