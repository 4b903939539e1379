#!/usr/bin/env bash
# The WGSL kernels (gpu/) against float64 JS references, under Node with the `webgpu` package (Dawn)
# on SwiftShader's Vulkan (CPU). Installs what is missing: Debian's chromium (it ships the SwiftShader
# ICD) and libvulkan1 (the Vulkan loader Dawn opens), then gpu/node_modules from the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

ICD=/usr/lib/chromium/vk_swiftshader_icd.json
missing=()
for p in chromium libvulkan1; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "gpu_test: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
[ -f "$ICD" ] || { echo "gpu_test: SwiftShader ICD missing at $ICD" >&2; exit 1; }

if [ ! -d gpu/node_modules/webgpu ] || [ gpu/package-lock.json -nt gpu/node_modules/.package-lock.json ]; then
  (cd gpu && npm ci --no-audit --no-fund --loglevel=error)
fi

VK_ICD_FILENAMES="$ICD" node --test gpu/test/
