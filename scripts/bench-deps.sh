#!/usr/bin/env bash
# The python side of `npm run bench` (bench/graph_bench.py): scipy and pyamg (scikit-learn's
# amg spectral embedding: smoothed aggregation + LOBPCG), plus scikit-learn, for the python3
# on PATH. Debian's python3-pyamg is not in every release (not in bookworm), so pip is tried
# first (with the machine's configured package index), then apt for /usr/bin/python3.
# Without them the benchmark prints "skipped: pyamg not found" for that comparison.
set -euo pipefail
if python3 -c 'import numpy, scipy, pyamg' 2>/dev/null; then
  echo "bench-deps: pyamg already importable by $(command -v python3)"
  exit 0
fi
if python3 -m pip install --quiet pyamg scikit-learn; then
  python3 -c 'import pyamg; print("bench-deps: pyamg", pyamg.__version__)'
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3-scipy python3-pyamg python3-sklearn
/usr/bin/python3 -c 'import pyamg; print("bench-deps: pyamg", pyamg.__version__, "for /usr/bin/python3")'
