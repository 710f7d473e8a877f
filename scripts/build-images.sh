#!/usr/bin/env bash
# Builds the container images the testcontainers tests use, without any image registry: a Debian base made
# with debootstrap and `docker import`, MailDev installed from its npm package on top of it, and a Mailpit
# stand-in (not Mailpit: see docker/mailpit-standin/Dockerfile). Images that already exist are kept; the
# stand-in is rebuilt when its source changes (its tag carries a hash of it). Needs root, debootstrap, a running Docker engine and Node (scripts/toolchain.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
MAILDEV_VERSION="${MAILDEV_VERSION:-3.0.0}"
BASE=mailwright/debian:bookworm
MAILDEV="mailwright/maildev:${MAILDEV_VERSION}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  echo "building $BASE with debootstrap"
  # The Debian mirror this machine's apt already uses (deb822 .sources or a one-line sources.list).
  mirror="$(
    { grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
      grep -h '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}'
    } | grep -v -- '-security' | head -1
  )"
  if [ -z "$mirror" ]; then
    echo "no Debian mirror found in /etc/apt (sources.list or sources.list.d/*.sources); configure apt first"
    exit 1
  fi
  debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
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
standin_src=(docker/mailpit-standin/Dockerfile docker/mailpit-standin/mailpit
  packages/testcontainers/src/mailpit-spec-server.test-util.ts packages/testcontainers/test/fixtures/mailpit-swagger.json)
STANDIN="mailwright/mailpit-standin:$(cat "${standin_src[@]}" | sha256sum | cut -c1-12)"
if ! docker image inspect "$STANDIN" >/dev/null 2>&1; then
  echo "building $STANDIN (not Mailpit: a stand-in serving Mailpit's API description)"
  mkdir -p "$work/standin"
  cp docker/mailpit-standin/Dockerfile docker/mailpit-standin/mailpit "$work/standin/"
  cp packages/testcontainers/src/mailpit-spec-server.test-util.ts "$work/standin/mailpit-spec-server.ts"
  cp packages/testcontainers/test/fixtures/mailpit-swagger.json "$work/standin/"
  docker build -q -t "$STANDIN" "$work/standin" >/dev/null
fi
# The tests name the stand-in by this tag.
docker tag "$STANDIN" mailwright/mailpit-standin:test
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^mailwright/'
