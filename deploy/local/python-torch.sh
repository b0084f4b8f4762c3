#!/usr/bin/env bash
# Installs Debian's PyTorch (python3-torch 1.13 on bookworm) and the threaded OpenBLAS it runs fastest with
# (libopenblas0-pthread), which tools/hf-reference needs: the test that checks Refinery's model folders against an
# independent LlamaForCausalLM forward pass, and the PyTorch side of the training benchmark. test.sh runs it before
# the tests; it is idempotent and does nothing once Debian's python3 imports torch and the OpenBLAS is there.
#
# Debian's python3-torch lives in /usr/lib/python3/dist-packages, which only Debian's /usr/bin/python3 sees (a
# pyenv or venv python3 earlier on PATH does not): the check and the tests use /usr/bin/python3, or REFINERY_PYTHON.
# On a machine without it, the install downloads about 154 MB (171 packages) and took 58 s here.
set -euo pipefail

PYTHON=${REFINERY_PYTHON:-/usr/bin/python3}
PACKAGES=(python3-torch libopenblas0-pthread)
export DEBIAN_FRONTEND=noninteractive

log() { printf 'python-torch: %s\n' "$*" >&2; }

installed() {
  "$PYTHON" -c 'import torch' >/dev/null 2>&1 &&
    [[ $(dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null) == "install ok installed" ]]
}

installed && exit 0
[[ $EUID -eq 0 ]] || {
  log "missing; not root: run 'sudo apt-get update && sudo apt-get install -y --no-install-recommends ${PACKAGES[*]}'"
  exit 1
}
t0=$(date +%s%3N)
log "installing ${PACKAGES[*]} (apt-get)"
apt_log=$(mktemp "${TMPDIR:-/tmp}/python-torch-apt.XXXXXX")
if ! {
  apt-get -o DPkg::Lock::Timeout=300 update -q &&
    apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${PACKAGES[@]}"
} >"$apt_log" 2>&1; then
  tail -n 40 "$apt_log" >&2
  log "apt-get failed; full log in $apt_log"
  exit 1
fi
rm -f "$apt_log"
installed || { log "installed, yet $PYTHON still cannot import torch"; exit 1; }
ms=$(($(date +%s%3N) - t0))
log "installed in $((ms / 1000)).$((ms % 1000 / 100))s"
