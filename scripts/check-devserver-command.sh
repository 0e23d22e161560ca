#!/usr/bin/env bash
# Runs the README's Liveblocks dev-server command from a fresh consumer folder (no bun, no liveblocks
# installed there), with a child command that calls the server's REST API with the exported variables:
# proves the command users copy works without this repository's node_modules.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
echo '{ "name": "consumer", "version": "1.0.0", "private": true, "type": "module" }' > package.json
cat > probe.mjs <<'JS'
const base = process.env.LIVEBLOCKS_BASE_URL;
const secret = process.env.LIVEBLOCKS_SECRET_KEY;
if (!base || !secret) throw new Error('LIVEBLOCKS_BASE_URL / LIVEBLOCKS_SECRET_KEY not set by the dev server');
const res = await fetch(`${base}/v2/rooms`, { headers: { authorization: `Bearer ${secret}` } });
if (res.status !== 200) throw new Error(`GET /v2/rooms answered ${res.status}`);
console.log(`dev server at ${base} answered GET /v2/rooms 200`);
JS
# The command the README documents (versions pinned to this repository's devDependencies).
if ! out=$(npx -y -p bun@1.4.5 -p liveblocks@1.9.0 -c 'liveblocks dev --random-port --no-persist --no-check -c "node probe.mjs"' 2>&1); then
  printf '%s\n' "$out" | sed 's/\x1b\[[0-9;?]*[ -\/]*[@-~]//g' | tail -n 20
  echo 'the documented dev-server command failed'
  exit 1
fi
printf '%s\n' "$out" | grep 'answered GET /v2/rooms 200'
