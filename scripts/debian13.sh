#!/usr/bin/env bash
# A Debian 13 (trixie) root, made with debootstrap, to build and test pt2onnx against LibTorch 2.6
# and ONNX 1.17 on a Debian 12 machine. Needs root.
#   scripts/debian13.sh setup              make (or bring up to date) the root; safe to rerun
#   scripts/debian13.sh run -- CMD ARGS    run CMD in the checkout inside the root (setup first)
#   scripts/debian13.sh shell              an interactive shell there
#   scripts/debian13.sh clean              delete the root
#   scripts/debian13.sh check              can this machine make and enter the root? exit 0 yes,
#                                          3 no (not root, no mount namespaces or chroot), 4 the
#                                          Debian registry is unreachable (and the root not made)
# Environment:
#   PT2ONNX_DEBIAN13_ROOT    where the root lives (default /var/cache/pt2onnx/debian13)
#   PT2ONNX_DEBIAN13_CCACHE  ccache folder shared by runs (default <root>-ccache)
#   PT2ONNX_DEBIAN_MIRROR    the Debian mirror; by default the one apt uses on this machine
#   PT2ONNX_DEBIAN_SECURITY_MIRROR   the same for security updates (default: apt's, if any)
#   BUILD_DIR                build folder inside the checkout (default build-debian13, so that
#                            it never meets the Debian 12 build's CMake cache)
#   PT2ONNX_DEBIAN13_BINDS   more folders of this machine to mount at their own paths inside,
#                            colon-separated (a converter run for files outside the checkout)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
SELF="$REPO/scripts/$(basename "$0")"
ROOT=${PT2ONNX_DEBIAN13_ROOT:-/var/cache/pt2onnx/debian13}
CCACHE=${PT2ONNX_DEBIAN13_CCACHE:-$ROOT-ccache}
SUITE=trixie

# The project's build and test dependencies, as scripts/setup.sh lists them, plus Debian's
# Node.js (this machine's may come from elsewhere). libonnxruntime-dev is added when trixie has it.
PACKAGES=(g++ cmake make ccache clang-format libtorch-dev libonnx-dev libprotobuf-dev
          protobuf-compiler libcli11-dev libspdlog-dev libgtest-dev libssl-dev python3-torch
          python3-torchvision python3-onnx python3-numpy nodejs npm)
OPTIONAL_PACKAGES=(libonnxruntime-dev)

die() { echo "debian13.sh: $*" >&2; exit 1; }
log() { echo "== debian13: $*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "debian13.sh: needs root (debootstrap, chroot and bind mounts): run it as root or with sudo" >&2
  [ "${1:-}" = check ] && exit 3
  exit 1
fi

# The mirror apt uses here for this machine's own release (not -security or -updates), read at
# run time so that no host name is written into the project.
host_mirror() { mirror_for_suite "$(host_codename)"; }

# Security updates come from the URI apt uses for this machine's -security suite, if any.
host_security_mirror() { mirror_for_suite "$(host_codename)-security"; }

host_codename() { (. /etc/os-release && echo "${VERSION_CODENAME:-}"); }

# The first URI apt's sources give for SUITE, in the one-line or the deb822 format.
mirror_for_suite() {
  local suite=$1
  {
    # one-line format: deb [options] URI SUITE COMPONENTS...
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      sed -E 's/#.*//; s/\[[^]]*\]//' |
      awk -v s="$suite" '$1 == "deb" && $3 == s { print $2 }'
    # deb822 format: a stanza whose Suites has the suite itself
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -e "$f" ] || continue
      awk -v s="$suite" '
        /^[[:space:]]*#/ { next }
        /^[[:space:]]*$/ { if (uri != "" && hit) print uri; uri = ""; hit = 0; next }
        tolower($1) == "uris:" { uri = $2 }
        tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == s) hit = 1 }
        END { if (uri != "" && hit) print uri }' "$f"
    done
  } | head -n1
}

# Never follow a bind mount when deleting: a half-made root may still have the checkout mounted.
mounts_under() { findmnt -rn -o TARGET | awk -v r="$1" 'index($0, r "/") == 1'; }
unmount_under() {
  local m
  for m in $(mounts_under "$1" | sort -r); do umount -l "$m" 2>/dev/null || true; done
}
remove_root() {
  unmount_under "$ROOT"
  [ -z "$(mounts_under "$ROOT")" ] || die "something is still mounted under $ROOT; not deleting it"
  rm -rf --one-file-system "$ROOT"
}

in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
              LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

# Runs "$@" with /proc, /dev (and the checkout and ccache when asked) mounted in the root, in a
# mount namespace of its own: the mounts vanish with it even if this script is killed, and two
# runs at once do not see each other's mounts. The trap is for the namespace's own lifetime.
with_mounts() {
  local bind_repo=$1
  shift
  unshare --mount --propagation private /usr/bin/env ROOT="$ROOT" REPO="$REPO" CCACHE="$CCACHE" \
    BIND_REPO="$bind_repo" BINDS="${PT2ONNX_DEBIAN13_BINDS:-}" bash -c '
      set -euo pipefail
      cleanup() { umount -R "$ROOT/proc" "$ROOT/dev" "$ROOT$REPO" "$ROOT/ccache" 2>/dev/null || true; }
      trap cleanup EXIT
      mount -t proc proc "$ROOT/proc"
      mount --rbind /dev "$ROOT/dev"
      if [ "$BIND_REPO" = 1 ]; then
        mkdir -p "$ROOT$REPO" "$ROOT/ccache" "$CCACHE"
        mount --bind "$REPO" "$ROOT$REPO"
        mount --bind "$CCACHE" "$ROOT/ccache"
        IFS=: read -r -a extra <<<"$BINDS"
        for d in "${extra[@]}"; do
          [ -d "$d" ] || continue
          mkdir -p "$ROOT$d"
          mount --bind "$d" "$ROOT$d"
        done
      fi
      "$@"' with_mounts "$@"
}

bootstrap() {
  if [ -e "$ROOT/.pt2onnx-bootstrapped" ]; then return; fi
  if [ -e "$ROOT" ]; then
    log "removing the unfinished root in $ROOT"
    remove_root
  fi
  command -v debootstrap >/dev/null || {
    log "installing debootstrap"
    apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap \
        >/dev/null || die "could not install debootstrap from Debian's registry"
  }
  local mirror=${PT2ONNX_DEBIAN_MIRROR:-$(host_mirror)}
  [ -n "$mirror" ] || die "no Debian mirror in /etc/apt/sources.list*; set PT2ONNX_DEBIAN_MIRROR"
  log "debootstrap $SUITE into $ROOT (several minutes, about 2 GB with the packages)"
  mkdir -p "$(dirname "$ROOT")"
  local logf="$ROOT.debootstrap.log"
  if ! debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$ROOT" "$mirror" \
      >"$logf" 2>&1; then
    tail -n 20 "$logf" >&2
    [ -e "$ROOT/debootstrap/debootstrap.log" ] && tail -n 20 "$ROOT/debootstrap/debootstrap.log" >&2
    die "debootstrap of $SUITE from the Debian registry failed (log: $logf); is the registry reachable?"
  fi
  local security
  security=${PT2ONNX_DEBIAN_SECURITY_MIRROR:-$(host_security_mirror)}
  {
    printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\n' "$mirror" "$SUITE" "$SUITE"
    printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    if [ -n "$security" ]; then
      printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\n' "$security" "$SUITE"
      printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    fi
  } >"$ROOT/etc/apt/sources.list.d/debian.sources"
  rm -f "$ROOT/etc/apt/sources.list"
  # Services never start inside the root.
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod +x "$ROOT/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
  touch "$ROOT/.pt2onnx-bootstrapped"
}

# The package list is recorded once installed; a changed list installs again.
install_packages() {
  local want marker="$ROOT/.pt2onnx-packages"
  want=$(printf '%s\n' "${PACKAGES[@]}" "${OPTIONAL_PACKAGES[@]}")
  if [ -e "$marker" ] && [ "$(cat "$marker")" = "$want" ]; then return; fi
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
  log "installing the build and test packages in the root"
  with_mounts 0 "$SELF" in_root_install "${PACKAGES[@]}" -- "${OPTIONAL_PACKAGES[@]}" ||
    die "installing packages in the Debian 13 root failed; is the registry reachable?"
  echo "$want" >"$marker"
}

# Certificate authorities this machine's administrator added (a proxy's, say) are trusted inside
# too, or npm and apt over https would fail there where they work here.
sync_local_cas() {
  local src=/usr/local/share/ca-certificates dst="$ROOT/usr/local/share/ca-certificates"
  [ -d "$src" ] || return 0
  if ! diff -qr "$src" "$dst" >/dev/null 2>&1; then
    rm -rf "$dst" && mkdir -p "$dst" && cp -a "$src/." "$dst/"
    in_root update-ca-certificates >/dev/null 2>&1 || log "update-ca-certificates failed in the root"
  fi
}

setup() {
  mkdir -p "$(dirname "$ROOT")"
  # One setup at a time: two runs started together must not debootstrap into one folder.
  exec 9>"$ROOT.lock"
  flock 9
  # A cached root that no longer runs (a killed apt, a full disk) is made again.
  if [ -e "$ROOT/.pt2onnx-bootstrapped" ] && ! chroot "$ROOT" /bin/true 2>/dev/null; then
    log "the cached root in $ROOT does not run; making it again"
    remove_root
  fi
  bootstrap
  sync_local_cas
  install_packages
  exec 9>&-
}

# Whether the root is made and has the current package list: then no registry is needed.
root_complete() {
  [ -e "$ROOT/.pt2onnx-bootstrapped" ] && [ -e "$ROOT/.pt2onnx-packages" ] &&
    [ "$(cat "$ROOT/.pt2onnx-packages")" = "$(printf '%s\n' "${PACKAGES[@]}" "${OPTIONAL_PACKAGES[@]}")" ]
}

# The registry answers if its Release file for the suite can be fetched (as debootstrap would).
registry_reachable() {
  local mirror=${PT2ONNX_DEBIAN_MIRROR:-$(host_mirror)}
  [ -n "$mirror" ] || return 1
  local url="$mirror/dists/$SUITE/Release"
  if command -v wget >/dev/null; then
    wget -q -T 20 -t 2 -O /dev/null "$url"
  elif command -v curl >/dev/null; then
    curl -fsS -m 20 --retry 1 -o /dev/null "$url"
  else
    /usr/bin/python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=20)' "$url"
  fi
}

# Exit 0: the root can be made (or is made) and entered here; 3: this machine cannot (no mount
# namespaces or chroot, as in an unprivileged container); 4: Debian's registry does not answer.
check() {
  if ! unshare --mount --propagation private true 2>/dev/null; then
    echo "debian13.sh: this machine does not allow mount namespaces (unshare --mount)" >&2
    exit 3
  fi
  if root_complete; then
    chroot "$ROOT" /bin/true 2>/dev/null && exit 0
  fi
  if ! registry_reachable; then
    echo "debian13.sh: the Debian registry (${PT2ONNX_DEBIAN_MIRROR:-$(host_mirror)}) does not answer" >&2
    exit 4
  fi
  if ! chroot / /bin/true 2>/dev/null; then
    echo "debian13.sh: chroot is not allowed here" >&2
    exit 3
  fi
  exit 0
}

usage() { sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 2; }

# Subcommands that with_mounts runs in the new namespace call back into this script.
case "${1:-}" in
  in_root_install)
    shift
    required=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do required+=("$1"); shift; done
    shift || true
    in_root apt-get -o Acquire::Retries=3 update -qq
    optional=()
    for p in "$@"; do
      in_root apt-cache show "$p" >/dev/null 2>&1 && optional+=("$p")
    done
    in_root apt-get -o Acquire::Retries=3 install -y -qq --no-install-recommends "${required[@]}" "${optional[@]}" >/dev/null
    in_root apt-get clean
    exit 0
    ;;
esac

cmd=${1:-}
[ -n "$cmd" ] || usage
shift

# What the command inside sees: a clean environment, the build folder of its own, the shared
# ccache, and the caller's CI flag and PT2ONNX_* test knobs (PT2ONNX_MODELS=...).
ENV_INSIDE=(PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}"
            CCACHE_DIR=/ccache BUILD_DIR="${BUILD_DIR:-build-debian13}"
            NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
for v in CI CMAKE_ARGS CTEST_PARALLEL_LEVEL $(compgen -v PT2ONNX_ || true); do
  [ -n "${!v+x}" ] && ENV_INSIDE+=("$v=${!v}")
done
case "$cmd" in
  setup) setup ;;
  run)
    [ "${1:-}" = "--" ] && shift
    [ $# -gt 0 ] || usage
    setup
    with_mounts 1 chroot "$ROOT" /usr/bin/env -i "${ENV_INSIDE[@]}" \
        bash -c 'cd "$0" && exec "$@"' "$REPO" "$@"
    ;;
  shell)
    setup
    with_mounts 1 chroot "$ROOT" /usr/bin/env -i "${ENV_INSIDE[@]}" \
        bash -c 'cd "$0" && exec bash -i' "$REPO"
    ;;
  clean) remove_root; rm -f "$ROOT.debootstrap.log" "$ROOT.lock" ;;
  check) check ;;
  *) usage ;;
esac
