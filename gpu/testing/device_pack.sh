#!/usr/bin/env bash
# Builds .device/ for a run on the lent GPU: ../shared/device/pack.sh (Vulkan loader, node, the webgpu
# package), plus the GL dispatch libraries the NVIDIA ICD there needs (without them Dawn finds no adapter:
# "Could not get 'vkCreateInstance' via 'vk_icdGetInstanceProcAddr' for ICD libGLX_nvidia.so.0").
# From the repo root, here (not on the device machine); then carry [".device", "web/dist",
# "build/bin/hearth"] and start the command with `source .device/prelude.sh`.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash ../shared/device/pack.sh .device
if ! ls .device/gl/libglvnd0_*.deb >/dev/null 2>&1; then
  lists=/tmp/amd64-lists; mkdir -p $lists/partial
  o="-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=$lists"
  apt-get $o update -qq
  (cd .device/gl && apt-get $o download -qq libglvnd0 libglx0 libgl1 libegl1 libopengl0 libgles2 2>/dev/null)
fi
ls .device/gl
