#!/usr/bin/env bash
# Builds the local Lambda runtime images the tests use (`make images`, CI).
# No image registry is reachable where Simfra's tests run, so the images are
# made from Debian packages: one bookworm minbase root filesystem
# (debootstrap, with python3 3.11, nodejs 18 and curl) is imported as
# simfra/lambda-base:bookworm, and a small Dockerfile per runtime adds the
# runtime interface client written for Simfra (images/<runtime>/) and the
# entrypoint contract of AWS's base images (/lambda-entrypoint.sh <handler>
# → /var/runtime/bootstrap).
#
#   simfra/lambda-python:3.11     Python 3.11 + boto3 (in /var/runtime, as on AWS)
#   simfra/lambda-nodejs:18       Node.js 18 (no SDK: no npm registry here)
#   simfra/lambda-provided:al2023 custom runtimes: /var/task/bootstrap or /opt/bootstrap
#
# Each is also tagged under AWS's repository names in the registry
# `localhost/lambda` (localhost/lambda/python:3.11, …/nodejs:18,
# …/provided:al2023), so SIMFRA_LAMBDA_IMAGE_REGISTRY=localhost/lambda picks
# them all.
#
# Idempotent: an image is rebuilt only when the files it is made from change
# (a content hash in the label simfra.images.hash). Needs docker, and for the
# first run debootstrap (apt-get install debootstrap) and root.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
WORK=${SIMFRA_IMAGES_WORK:-$HERE/../target/images}
MIRROR=${SIMFRA_DEBIAN_MIRROR:-http://deb.debian.org/debian}
BASE=simfra/lambda-base:bookworm
BOTO3_VERSION=${SIMFRA_IMAGES_BOTO3:-1.40.4}
start=$(date +%s)
mkdir -p "$WORK"

label_of() { docker image inspect -f '{{ index .Config.Labels "simfra.images.hash" }}' "$1" 2>/dev/null || true; }

# The base root filesystem, made once.
if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || { echo "images: debootstrap is required (apt-get install debootstrap)" >&2; exit 1; }
  rootfs=$WORK/rootfs
  rm -rf "$rootfs"
  echo "images: debootstrap bookworm minbase into $rootfs"
  debootstrap --variant=minbase --include=python3,nodejs,ca-certificates,curl bookworm "$rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -30 "$WORK/debootstrap.log" >&2; exit 1; }
  # What a runtime image does not need.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' - "$BASE" >/dev/null
  rm -rf "$rootfs"
fi

# boto3 for the Python image, installed on this host (the same Python minor
# version as the image's) since a build container may not reach PyPI.
boto3_dir=$WORK/boto3-$BOTO3_VERSION
if [ ! -f "$boto3_dir/.done" ]; then
  rm -rf "$boto3_dir" "$WORK/venv"
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install -q --disable-pip-version-check --target "$boto3_dir/pkgs" "boto3==$BOTO3_VERSION"
  rm -rf "$boto3_dir"/pkgs/bin "$WORK/venv"
  find "$boto3_dir" -name __pycache__ -prune -exec rm -rf {} +
  touch "$boto3_dir/.done"
fi

# build <image> <dir>: the dir's files plus the shared entrypoint make the context.
build() {
  local image=$1 dir=$2 alias=$3 ctx hash
  ctx=$WORK/ctx-${dir}
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp -r "$HERE/$dir/." "$ctx/"
  cp "$HERE/lambda-entrypoint.sh" "$ctx/"
  if [ "$dir" = python ]; then cp -r "$boto3_dir/pkgs" "$ctx/boto3"; fi
  hash=$( (cd "$HERE" && cat "$dir"/* lambda-entrypoint.sh; echo "$BOTO3_VERSION"; docker image inspect -f '{{.Id}}' "$BASE") | sha256sum | cut -c1-16)
  if [ "$(label_of "$image")" = "$hash" ]; then
    echo "images: $image is up to date"
    docker tag "$image" "$alias"
    return
  fi
  echo "images: building $image"
  # (The legacy builder's deprecation notice goes to the log with the rest.)
  docker build -q --network=none --label "simfra.images.hash=$hash" -t "$image" "$ctx" >"$WORK/build-$dir.log" 2>&1 \
    || { cat "$WORK/build-$dir.log" >&2; exit 1; }
  docker tag "$image" "$alias"
}

build simfra/lambda-python:3.11 python localhost/lambda/python:3.11
build simfra/lambda-nodejs:18 nodejs localhost/lambda/nodejs:18
build simfra/lambda-provided:al2023 provided localhost/lambda/provided:al2023
echo "images: done in $(( $(date +%s) - start ))s"
