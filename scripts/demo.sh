#!/usr/bin/env bash
# The main job: set up and build everything, then serve the chat app on 127.0.0.1 (COOP/COEP on)
# beside an OpenAI-compatible API, with ../shared/models/stories260K.gguf as the app's default model,
# and print the URL. Open it in a browser with WebGPU (or without: the app runs the model on the CPU).
#   bash scripts/demo.sh                      the chat app (Ctrl-C stops it)
#   bash scripts/demo.sh --model F.gguf       another local model as the default (HEARTH_DEMO_MODEL=F too)
#   bash scripts/demo.sh --port 9000          another port (default 8080; HEARTH_DEMO_PORT)
#   bash scripts/demo.sh --cli [PROMPT]       the CLI demo: stories260K continues PROMPT on the CPU
set -euo pipefail
cd "$(dirname "$0")/.."
STORIES=../shared/models/stories260K.gguf
if [ "${1:-}" = "--cli" ]; then
  bash scripts/setup.sh >&2
  exec build/bin/hearth run --model "$STORIES" --prompt "${2:-Zoo}" -n 57 --temp 0
fi
model="${HEARTH_DEMO_MODEL:-$STORIES}"
port="${HEARTH_DEMO_PORT:-8080}"
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    *) echo "demo.sh: unknown argument '$1' (see the comment at the top of scripts/demo.sh)" >&2; exit 2 ;;
  esac
done
[ -f "$model" ] || { echo "demo.sh: no model file at $model" >&2; exit 1; }
bash scripts/setup.sh >&2
template=()
# stories260K has no chat template of its own: the app's default gives it one, so it chats
[ "$(realpath "$model")" = "$(realpath "$STORIES")" ] && template=(--chat-template apps/chat/default_model/stories260K.jinja)
echo "demo: serving the chat app; open the app URL below in a browser (Ctrl-C stops it)" >&2
exec node web/dist/cli.mjs serve --model "$model" --app apps/chat/dist --host 127.0.0.1 --port "$port" "${template[@]}"
