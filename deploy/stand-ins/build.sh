#!/bin/sh
# Builds local STAND-INS for the three base images compose.yaml and the
# Dockerfile name, for a host that reaches Debian's package mirror and the npm
# registry but no container image registry. They are not the official images:
#
#   node:20-bookworm-slim  Debian 12 (debootstrap, minbase) + THIS HOST's Node 20
#                          and npm, copied in; uid 1000 `node` user; CMD node.
#   postgres:16-bookworm   Debian 12 + Debian's PostgreSQL **15** (bookworm has no
#                          16) under the name postgres:16-bookworm, with a small
#                          entrypoint for POSTGRES_USER/PASSWORD/DB.
#   caddy:2                Debian 12 + Debian's Caddy (2.6).
#
# Where a registry is reachable, pull the real images instead. See README.md.
#
# Usage: deploy/stand-ins/build.sh            (as root; ENGINE=podman for podman)
# Work files (the rootfs, ~150 MB) go to $BUILD_DIR, outside the repository.
set -eu

ENGINE=${ENGINE:-docker}
BUILD_DIR=${BUILD_DIR:-/var/tmp/callhook-stand-ins}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
HERE=$(cd "$(dirname "$0")" && pwd)
BASE=callhook-stand-in/debian:bookworm

tag() { # tag IMAGE NAME: the short name, and docker.io/library/NAME for podman's short-name lookup
	"$ENGINE" tag "$1" "$2"
	if [ "$ENGINE" = podman ]; then "$ENGINE" tag "$1" "docker.io/library/$2"; fi
}

mkdir -p "$BUILD_DIR"

# 1. Debian 12 base: debootstrap once, import as an image.
if ! "$ENGINE" image inspect "$BASE" >/dev/null 2>&1; then
	rootfs=$BUILD_DIR/rootfs
	if [ ! -x "$rootfs/bin/sh" ]; then
		rm -rf "$rootfs"
		debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR"
	fi
	cat > "$rootfs/etc/apt/sources.list" <<SOURCES
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb ${MIRROR%/debian}/debian-security bookworm-security main
SOURCES
	# As in Debian's own images: no apt caches or lists in the layers.
	rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
	tar --numeric-owner -C "$rootfs" -c . | "$ENGINE" import - "$BASE"
fi

# 2. node:20-bookworm-slim: this host's Node 20, laid out as in the official
#    image (/usr/local/bin/node, /usr/local/lib/node_modules/npm, headers in
#    /usr/local/include/node).
node_bin=$(readlink -f "$(command -v node)")
case $("$node_bin" --version) in v20.*) ;; *) echo "stand-ins: need Node 20 on this host, found $("$node_bin" --version)" >&2; exit 1 ;; esac
node_prefix=$(dirname "$(dirname "$node_bin")")
npm_root=$(npm root -g)
ctx=$BUILD_DIR/node-context
rm -rf "$ctx" && mkdir -p "$ctx/usr/local/bin" "$ctx/usr/local/lib/node_modules" "$ctx/usr/local/include" "$ctx/usr/local/etc"
cp "$node_bin" "$ctx/usr/local/bin/node"
cp -a "$npm_root/npm" "$ctx/usr/local/lib/node_modules/"
[ -d "$npm_root/corepack" ] && cp -a "$npm_root/corepack" "$ctx/usr/local/lib/node_modules/"
cp -a "$node_prefix/include/node" "$ctx/usr/local/include/"
# Two differences from the official image, for a host without other downloads:
# node-gyp builds native modules (better-sqlite3) against the headers above
# instead of downloading them, and npm trusts the CA bundle this host's npm
# uses (a TLS-intercepting proxy in front of the registry needs it).
echo "nodedir=/usr/local" > "$ctx/usr/local/etc/npmrc"
cafile=$(npm config get cafile)
if [ -n "$cafile" ] && [ "$cafile" != null ] && [ -f "$cafile" ]; then
	mkdir -p "$ctx/usr/local/share/stand-in"
	cp "$cafile" "$ctx/usr/local/share/stand-in/npm-ca.crt"
	echo "cafile=/usr/local/share/stand-in/npm-ca.crt" >> "$ctx/usr/local/etc/npmrc"
fi
cp "$HERE/node.Containerfile" "$ctx/Containerfile"
"$ENGINE" build --build-arg NODE_VERSION="$("$node_bin" --version | cut -c2-)" -t callhook-stand-in/node:20-bookworm-slim -f "$ctx/Containerfile" "$ctx"
tag callhook-stand-in/node:20-bookworm-slim node:20-bookworm-slim

# 3. postgres:16-bookworm (really 15) and caddy:2.
"$ENGINE" build -t callhook-stand-in/postgres:15-bookworm -f "$HERE/postgres.Containerfile" "$HERE"
tag callhook-stand-in/postgres:15-bookworm postgres:16-bookworm
"$ENGINE" build -t callhook-stand-in/caddy:2.6-bookworm -f "$HERE/caddy.Containerfile" "$HERE"
tag callhook-stand-in/caddy:2.6-bookworm caddy:2

"$ENGINE" images --filter reference='callhook-stand-in/*'
