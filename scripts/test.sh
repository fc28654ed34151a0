#!/usr/bin/env bash
# Install everything the tests need (Debian's Chromium, zbar and PostgreSQL, the Python test extras) and run
# the whole suite: lint, domain tests, simulated-user page tests, real-browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
# postgresql: the domain tests also run on a throw-away PostgreSQL server (tests/postgres.py starts it)
# haproxy: the proxy with sticky sessions in front of several processes (tests/cluster.py, scripts/cluster.sh)
for package in chromium chromium-driver zbar-tools poppler-utils openssl postgresql haproxy; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
# Node.js and npm: scripts/install.sh builds the phone's own Quasar with them (tests/pages/test_phone_quasar.py
# needs it), and axe-core below comes from npm; Debian's packages only where the machine has no npm of its own
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

bash scripts/install.sh test  # .venv with the test extras, compiled translations

# axe-core (accessibility rules) for tests/browser/test_accessibility.py, from the npm registry into the
# git-ignored .cache/axe; the major version is pinned so a new rule set arrives only on purpose. Without npm
# those tests skip and say why; a failed install is reported and the tests say what is missing.
if [ ! -f .cache/axe/node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "Installing axe-core 4 from npm into .cache/axe"
    npm install --prefix .cache/axe --no-save --no-audit --no-fund --loglevel=error axe-core@4 \
      || echo "npm could not install axe-core: the accessibility tests will fail until it can." >&2
  else
    echo "npm is not installed: the accessibility tests will be skipped (apt-get install npm)." >&2
  fi
fi

.venv/bin/ruff check .

set +e
.venv/bin/python -m pytest -q "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here, not a pass." >&2
  exit 1
fi
exit "$status"
