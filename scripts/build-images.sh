#!/usr/bin/env bash
# Builds the container images the testcontainers tests use, without any image registry: a Debian base made
# with debootstrap and `docker import`, and MailDev installed from its npm package on top of it. Images that
# already exist are kept. Needs root, debootstrap, a running Docker engine and Node (scripts/toolchain.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
MAILDEV_VERSION="${MAILDEV_VERSION:-3.0.0}"
BASE=mailwright/debian:bookworm
MAILDEV="mailwright/maildev:${MAILDEV_VERSION}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  echo "building $BASE with debootstrap"
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; exit 1; }
  rm -rf "$work/rootfs/var/cache/apt/archives"/*.deb "$work/rootfs/var/lib/apt/lists"/*
  tar -C "$work/rootfs" -c . | docker import - "$BASE" >/dev/null
  rm -rf "$work/rootfs"
fi

if ! docker image inspect "$MAILDEV" >/dev/null 2>&1; then
  echo "building $MAILDEV from the npm package"
  mkdir -p "$work/maildev/app"
  cp docker/maildev/Dockerfile "$work/maildev/"
  cp "$(command -v node)" "$work/maildev/node"
  (cd "$work/maildev/app" && echo '{"private":true}' >package.json \
    && npm install --no-audit --no-fund --omit=dev "maildev@${MAILDEV_VERSION}" >/dev/null)
  docker build -q -t "$MAILDEV" "$work/maildev" >/dev/null
fi
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^mailwright/'
