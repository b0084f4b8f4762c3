#!/usr/bin/env bash
# Validate docker-compose files without a Docker engine (this machine's docker client has no compose plugin).
#
#   deploy/local/validate-compose.sh [FILE...]      (default: docker-compose.yml at the repo root)
#
# Runs two validators and exits non-zero if either fails on any file:
#   1. Debian docker-compose 1.29 (compose v1): `docker-compose -f FILE config -q`. Semantic checks too
#      (build contexts exist, depends_on targets exist), but it rejects Compose-spec keys newer than v1
#      (top-level name:, develop:, healthcheck.start_interval, depends_on.<svc>.required): keep them out.
#   2. npm dclint 3.1.0: the current Compose JSON schema, offline. `-q` keeps errors only; the image-tag
#      rule is off because minio/minio and minio/mc are used without a release tag.
# Tools are installed when missing: docker-compose with apt (--no-install-recommends, otherwise it pulls
# docker.io, containerd and iptables), dclint with npm into ${REFINERY_CACHE:-$HOME/.cache/refinery}/tools.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${REFINERY_CACHE:-${HOME:-/root}/.cache/refinery}
TOOLS=$CACHE/tools
DCLINT_VERSION=3.1.0
DCLINT_DIR=$TOOLS/dclint-$DCLINT_VERSION
DCLINT=$DCLINT_DIR/node_modules/.bin/dclint

log() { printf 'validate-compose: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

install_docker_compose() {
  command -v docker-compose >/dev/null && return 0
  [[ $EUID -eq 0 ]] || die "docker-compose is missing and this is not root: sudo apt-get install -y --no-install-recommends docker-compose"
  log "installing Debian docker-compose (apt-get)"
  mkdir -p "$TOOLS"
  if ! {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends docker-compose
  } >"$TOOLS/apt-docker-compose.log" 2>&1; then
    tail -n 30 "$TOOLS/apt-docker-compose.log" >&2
    die "apt-get install docker-compose failed"
  fi
}

install_dclint() {
  [[ -x $DCLINT ]] && return 0
  command -v npm >/dev/null || die "npm is needed to install dclint@$DCLINT_VERSION"
  log "installing npm dclint@$DCLINT_VERSION into $DCLINT_DIR"
  mkdir -p "$DCLINT_DIR"
  printf '{ "name": "refinery-tools-dclint", "private": true, "dependencies": { "dclint": "%s" } }\n' "$DCLINT_VERSION" \
    >"$DCLINT_DIR/package.json"
  if ! (cd "$DCLINT_DIR" && npm install --no-audit --no-fund --loglevel=error </dev/null) >"$TOOLS/npm-dclint.log" 2>&1; then
    tail -n 30 "$TOOLS/npm-dclint.log" >&2
    die "npm install dclint@$DCLINT_VERSION failed"
  fi
}

files=("$@")
((${#files[@]})) || files=("$ROOT/docker-compose.yml")
for f in "${files[@]}"; do [[ -f $f ]] || die "no such file: $f"; done

install_docker_compose
install_dclint

failed=0
for f in "${files[@]}"; do
  # Compose resolves build contexts relative to the file, and reads a .env beside it; run from there.
  dir=$(cd "$(dirname "$f")" && pwd)
  abs=$dir/$(basename "$f")
  if (cd "$dir" && docker-compose -f "$abs" config -q); then
    log "docker-compose 1.29 config: OK   $f"
  else
    log "docker-compose 1.29 config: FAILED   $f"
    failed=1
  fi
  # File names must come before --disable-rule: that option takes every argument after it.
  if (cd "$dir" && "$DCLINT" "$abs" -q --disable-rule service-image-require-explicit-tag); then
    log "dclint $DCLINT_VERSION: OK   $f"
  else
    log "dclint $DCLINT_VERSION: FAILED   $f"
    failed=1
  fi
done
exit $failed
