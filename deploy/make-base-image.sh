#!/bin/sh
# Makes the local base image every Facecast Dockerfile starts FROM, without pulling anything
# from an image registry: a minimal Debian root filesystem made with debootstrap from the
# Debian mirror, plus this machine's Node.js installation, imported with `docker import`.
#
#   sudo deploy/make-base-image.sh                      # -> facecast/debian-base:bookworm
#   sudo deploy/make-base-image.sh --tag my/base:1      # another name
#   sudo deploy/make-base-image.sh --rootfs-only DIR    # only the root filesystem (no daemon)
#   sudo deploy/make-base-image.sh --ca-file proxy.crt  # also trust this CA (repeatable)
#
# --ca-file is for networks whose proxy re-signs TLS: apt uses plain http, but `npm ci` and
# the Go module proxy in the build stages use https and fail with "self-signed certificate in
# certificate chain" unless the image trusts the proxy's CA as the host does. The file (a CA
# certificate: public, not a secret) goes into Debian's store, which Go, git and curl read;
# Node reads only its own built-in list, so the image also sets NODE_EXTRA_CA_CERTS to that
# store. Give the same file(s) the host trusts (/usr/local/share/ca-certificates/*.crt).
#
# Settings (environment):
#   DEBIAN_SUITE   bookworm                     the Debian release
#   DEBIAN_MIRROR  http://deb.debian.org/debian the mirror debootstrap and apt use
#   NODE_PREFIX    prefix of `node` on PATH     where bin/node, include/node and
#                                               lib/node_modules/npm are copied from
#
# Why Node is copied from this machine: Debian bookworm ships Node 18, Facecast needs >= 20.9,
# and no other source of Node binaries is reachable here. The node binary is copied with its
# C headers (the frame-store addon is compiled against them) and npm, the same Node the
# project is tested with. See docs/decisions/025-container-deployment.md.
#
# Needs root (debootstrap), debootstrap (apt-get install debootstrap) and, unless
# --rootfs-only, a running Docker daemon.
set -eu

SUITE=${DEBIAN_SUITE:-bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
TAG="facecast/debian-base:$SUITE"
ROOTFS_ONLY=""
CA_FILES=""

while [ $# -gt 0 ]; do
  case "$1" in
    --tag) TAG=$2; shift 2 ;;
    --rootfs-only) ROOTFS_ONLY=$2; shift 2 ;;
    --ca-file) [ -f "$2" ] || { echo "no such file: $2" >&2; exit 2; }; CA_FILES="$CA_FILES $2"; shift 2 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

fail() { echo "make-base-image: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (debootstrap needs it): sudo $0"
command -v debootstrap >/dev/null || fail "debootstrap is missing: apt-get install debootstrap"
[ -n "$ROOTFS_ONLY" ] || command -v docker >/dev/null || fail "the docker client is missing"
[ -n "$ROOTFS_ONLY" ] || docker info >/dev/null 2>&1 || fail "no Docker daemon answers (docker info)"

NODE_BIN=$(command -v node) || fail "node is not on PATH (NODE_PREFIX names its prefix)"
NODE_PREFIX=${NODE_PREFIX:-$(dirname "$(dirname "$(readlink -f "$NODE_BIN")")")}
[ -x "$NODE_PREFIX/bin/node" ] || fail "$NODE_PREFIX/bin/node does not exist"
[ -f "$NODE_PREFIX/include/node/node_api.h" ] || fail "Node's headers are not in $NODE_PREFIX/include/node"
[ -d "$NODE_PREFIX/lib/node_modules/npm" ] || fail "npm is not in $NODE_PREFIX/lib/node_modules/npm"
NODE_VERSION=$("$NODE_PREFIX/bin/node" -p 'process.versions.node')
"$NODE_PREFIX/bin/node" -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  process.exit(major > 20 || (major === 20 && minor >= 9) ? 0 : 1);
' || fail "Node $NODE_VERSION is too old: Facecast needs >= 20.9"

if [ -n "$ROOTFS_ONLY" ]; then
  ROOTFS=$ROOTFS_ONLY
  mkdir -p "$ROOTFS"
else
  ROOTFS=$(mktemp -d /var/tmp/facecast-rootfs.XXXXXX)
  trap 'rm -rf "$ROOTFS"' EXIT
fi
# The directory becomes the image's /: mktemp makes it 0700, and then no non-root user
# (facecast, livekit, postgres, redis) can reach any file ("exec: sh: not found").
chmod 0755 "$ROOTFS"

echo "debootstrap $SUITE from $MIRROR into $ROOTFS"
# minbase: essential packages and apt only; ca-certificates so apt and npm can use https.
debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$ROOTFS" "$MIRROR"

echo "copying Node $NODE_VERSION from $NODE_PREFIX"
mkdir -p "$ROOTFS/usr/local/bin" "$ROOTFS/usr/local/include" "$ROOTFS/usr/local/lib/node_modules"
cp -a "$NODE_PREFIX/bin/node" "$ROOTFS/usr/local/bin/node"
cp -a "$NODE_PREFIX/include/node" "$ROOTFS/usr/local/include/"
cp -a "$NODE_PREFIX/lib/node_modules/npm" "$ROOTFS/usr/local/lib/node_modules/"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
chroot "$ROOTFS" /usr/local/bin/node --version >/dev/null || fail "node does not run in the new root"

for ca in $CA_FILES; do
  cp "$ca" "$ROOTFS/usr/local/share/ca-certificates/$(basename "$ca" .crt).crt"
done
# Node (and so npm) ignores Debian's store unless told: trust it in addition to Node's own.
NODE_CA_ENV=""
if [ -n "$CA_FILES" ]; then
  chroot "$ROOTFS" update-ca-certificates
  NODE_CA_ENV=/etc/ssl/certs/ca-certificates.crt
  chroot "$ROOTFS" env NODE_EXTRA_CA_CERTS=$NODE_CA_ENV /usr/local/bin/node -e '' \
    || fail "node does not accept $NODE_CA_ENV"
fi

# Keep images small: no apt lists or package caches, no documentation.
chroot "$ROOTFS" apt-get clean
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/*
cat > "$ROOTFS/etc/apt/apt.conf.d/90facecast" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
EOF

if [ -n "$ROOTFS_ONLY" ]; then
  echo "root filesystem ready in $ROOTFS ($(du -sh "$ROOTFS" | cut -f1))"
  exit 0
fi

echo "docker import -> $TAG"
tar -C "$ROOTFS" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  ${NODE_CA_ENV:+--change "ENV NODE_EXTRA_CA_CERTS=$NODE_CA_ENV"} \
  --change 'CMD ["/bin/bash"]' \
  --message "debootstrap $SUITE + Node $NODE_VERSION" \
  - "$TAG"
docker image ls "$TAG"
