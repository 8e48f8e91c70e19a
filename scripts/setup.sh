#!/usr/bin/env bash
# Sets up a fresh machine for this repo: Debian packages the tests talk to, pnpm, dependencies, build.
# Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Real peers and servers the tests start on loopback.
debian_packages=(coturn chromium ffmpeg openssl gnutls-bin python3-pylibsrtp python3-aioice python3-aiortc golang-go golang-github-pion-webrtc.v3-dev golang-github-pion-dtls.v2-dev golang-github-pion-sctp-dev golang-github-pion-datachannel-dev golang-github-pion-ice.v2-dev iproute2 util-linux nftables)
missing=()
for p in "${debian_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}" >/dev/null
fi
# coturn's package starts a system turnserver on 3478; the tests start their own on free ports.
if command -v systemctl >/dev/null 2>&1; then systemctl stop coturn >/dev/null 2>&1 || true; fi

# pnpm: the version package.json names. corepack's signature check fails against the registry's
# newest keys here, so install it through npm when the right one is not on PATH.
want=$(node -p "require('./package.json').packageManager.split('@')[1]")
have=$(pnpm --version 2>/dev/null || true)
if [[ "$have" != "$want" ]]; then
  echo "setup: installing pnpm $want"
  corepack disable pnpm >/dev/null 2>&1 || true
  npm install -g --force --loglevel=error "pnpm@$want" >/dev/null
  hash -r
fi

export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile --reporter=append-only | tail -n 3
pnpm build --output-logs=errors-only
