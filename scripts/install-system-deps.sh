#!/usr/bin/env bash
# Installs the system packages CrystalRL builds against (OpenBLAS, libffi) when missing, and
# openssl, with which the reward server's TLS test makes its certificate.
set -euo pipefail
missing=()
for pkg in libopenblas-dev libffi-dev openssl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing system packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
