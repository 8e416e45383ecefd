#!/usr/bin/env bash
# Quick start, step 1 of 2 (README): set up on a fresh Debian machine and run the main
# job — the CLI on an example, then the extension in a real VS Code (code-server on
# loopback, offline) opened on examples/. Interactive: prints the address and serves
# until Ctrl-C. Non-interactive (no terminal, or --smoke): loads the workbench once in
# Chromium, waits for the extension to activate, saves a screenshot and exits.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

bash scripts/install-system-deps.sh quickstart
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
bash scripts/setup-vscode-host.sh
node esbuild.config.mjs

echo
echo "quickstart: sslexp analyze examples/strong-noise.sslexp.yaml"
node dist/cli.js analyze examples/strong-noise.sslexp.yaml || true
echo

mode=serve
if [ "${1:-}" = "--smoke" ] || [ ! -t 1 ]; then mode=smoke; fi
if [ "$mode" = smoke ]; then
  exec node scripts/vscode-host.mjs serve --workspace examples --smoke
else
  exec node scripts/vscode-host.mjs serve --workspace examples
fi
