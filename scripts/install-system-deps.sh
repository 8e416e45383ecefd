#!/usr/bin/env bash
# The Debian packages the tests and the quick start need, installed once (as root, with
# apt-get; nothing else is downloaded). Used by .ci/run and scripts/quickstart.sh.
#   chromium, libkrb5-dev, ripgrep  the webview tests and the real VS Code host (code-server's
#                                   native modules, its search)
#   python3-numpy                   cross-checks of the data readers, the oracle scripts, the benchmark
#   python3-dask, python3-pytest,   the `python` stage (python/, the sslexp_moments package): dask,
#   python3-venv, python3-setuptools,  pytest, a venv, and setuptools + wheel to build the package
#   python3-wheel                   offline (--no-build-isolation); without their recommends
#                                   (pandas, matplotlib, ...), which the stage does not need
# Usage: scripts/install-system-deps.sh [LABEL]   (LABEL prefixes the log lines, default "setup")
set -euo pipefail
label=${1:-setup}
export DEBIAN_FRONTEND=noninteractive
missing() { local p out=(); for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || out+=("$p"); done; echo "${out[*]}"; }
need=$(missing chromium libkrb5-dev ripgrep python3-numpy)
need_py=$(missing python3-dask python3-pytest python3-venv python3-setuptools python3-wheel)
[ -z "$need$need_py" ] && exit 0
apt-get update -qq
if [ -n "$need" ]; then
  echo "$label: apt-get install $need"
  # shellcheck disable=SC2086 # a list of package names
  apt-get install -y -qq $need >/dev/null
fi
if [ -n "$need_py" ]; then
  echo "$label: apt-get install --no-install-recommends $need_py"
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $need_py >/dev/null
fi
