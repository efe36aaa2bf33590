#!/usr/bin/env bash
# Builds the panel (release) if needed and serves it. Arguments go to `openclaw-auth-panel serve`,
# e.g. `scripts/serve.sh --demo` or `scripts/serve.sh --state-dir ~/.openclaw`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh --release
exec target/release/openclaw-auth-panel serve "$@"
