#!/bin/sh
# Install the Debian packages listed in deps.txt that are missing.
# Runs apt-get only as root and only when something is missing.
set -eu
cd "$(dirname "$0")/.."
missing=""
for p in $(sed -e 's/#.*//' deps.txt); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing Debian packages:$missing (run as root, or install them)" >&2
    exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends $missing >/dev/null
