#!/usr/bin/env bash
# Makes sure the Prometheus-family binaries the tests run are present. They come from Debian's
# packages; when one is missing and apt-get can be used (as root) it is installed with visible
# progress, otherwise this fails with the exact install command. Tests never skip a missing tool.
set -euo pipefail

# binary → Debian package
tools=(
  "promtool:prometheus"
  "prometheus:prometheus"
  "amtool:prometheus-alertmanager"
  "prometheus-alertmanager:prometheus-alertmanager"
  "prometheus-node-exporter:prometheus-node-exporter"
)

missing_packages=()
for entry in "${tools[@]}"; do
  binary=${entry%%:*} package=${entry#*:}
  if ! command -v "$binary" >/dev/null 2>&1 && [[ ! " ${missing_packages[*]} " =~ " ${package} " ]]; then
    missing_packages+=("$package")
  fi
done

if [ ${#missing_packages[@]} -eq 0 ]; then
  echo "tools: promtool, prometheus, amtool, prometheus-alertmanager and prometheus-node-exporter are installed"
  exit 0
fi

install_command="apt-get update && apt-get install -y --no-install-recommends ${missing_packages[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "tools: installing ${missing_packages[*]} (about 20 s)"
  apt-get update
  # No daemons: the packages would start their services; the tests start their own processes.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing_packages[@]}"
  echo "tools: installed ${missing_packages[*]}"
else
  echo "tools: missing Debian package(s) ${missing_packages[*]}; install them with:" >&2
  echo "  sudo sh -c '${install_command}'" >&2
  exit 1
fi
