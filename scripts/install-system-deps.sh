#!/usr/bin/env bash
# Install the Debian packages the tests and the demo use, if any is missing.
set -euo pipefail
need=()
for pair in ffmpeg:ffmpeg ffprobe:ffmpeg qbittorrent-nox:qbittorrent-nox opentracker:opentracker \
            mktorrent:mktorrent chromium:chromium; do
  cmd=${pair%%:*}; pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
done
python3 -c 'import ensurepip' 2>/dev/null || need+=(python3-venv)
# The dashboard builds with Node 20+ and npm (the machine image ships them; Debian's are a
# fallback and may be too old for Vite, in which case install Node 20 first).
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing Debian packages: ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
  $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null
