#!/usr/bin/env bash
# Install SPCP Live into .venv (first time only) and run it: `bash scripts/run.sh [serve options]`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/spcp serve "$@"
