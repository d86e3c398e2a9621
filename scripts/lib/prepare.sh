# Sourced by scripts/conformance and scripts/test: installs what is missing from Debian's
# packages (as root) or says exactly what to install (otherwise), then configures and builds.
# Sets SSHTC_ROOT and SSHTC_BUILD_DIR.
set -euo pipefail

SSHTC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SSHTC_BUILD_DIR=${SSHTC_BUILD_DIR:-$SSHTC_ROOT/build}

sshtc_missing_packages() {
  local package
  grep -v '^#' "$SSHTC_ROOT/scripts/debian-packages" | while read -r package; do
    [ -n "$package" ] || continue
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
      || echo "$package"
  done
}

sshtc_install_packages() {
  local missing
  missing=$(sshtc_missing_packages | tr '\n' ' ')
  [ -n "${missing// /}" ] || return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "ssh-transport-conformance needs Debian packages that are not installed. Run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y $missing" >&2
    exit 1
  fi
  echo "== installing: $missing"
  apt-get update -q >/dev/null
  # The packaged sshd must not start as a service: the suite runs its own, hermetic ones.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -q --no-install-recommends $missing >/dev/null
}

sshtc_build() {
  echo "== building in $SSHTC_BUILD_DIR"
  cmake -S "$SSHTC_ROOT" -B "$SSHTC_BUILD_DIR" >/dev/null
  cmake --build "$SSHTC_BUILD_DIR" -j "$(nproc)" -- --no-print-directory >/dev/null
}

# The suite's own gate tests run these scripts inside a ctest of a finished build: nothing to
# install or build then, and a second build in the same tree would race the first.
if [ "${SSHTC_SKIP_BUILD:-}" != 1 ]; then
  sshtc_install_packages
  sshtc_build
fi
