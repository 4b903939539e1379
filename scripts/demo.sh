#!/usr/bin/env bash
# The main job: set up, then run the tiny real model stories260K from ../shared on the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
exec build/bin/hearth run --model ../shared/models/stories260K.gguf --prompt "${1:-Zoo}" -n 57 --temp 0
