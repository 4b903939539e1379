// The wasm module's one translation unit of its own: it references the C ABI so the linker keeps
// core/api's c_api.cc (exported by name in CMakeLists.txt) whatever archive order it sees.
#include "core/api/c_api.h"

extern "C" {
// Not exported; only here to root the ABI's symbols.
void* hearth_wasm_abi_roots[] = {
    reinterpret_cast<void*>(&hearth_session_create),   reinterpret_cast<void*>(&hearth_session_destroy),
    reinterpret_cast<void*>(&hearth_session_load),     reinterpret_cast<void*>(&hearth_session_unload),
    reinterpret_cast<void*>(&hearth_session_start),    reinterpret_cast<void*>(&hearth_session_step),
    reinterpret_cast<void*>(&hearth_session_tokenize), reinterpret_cast<void*>(&hearth_session_detokenize),
    reinterpret_cast<void*>(&hearth_session_chat_prompt),
    reinterpret_cast<void*>(&hearth_session_step_logits), reinterpret_cast<void*>(&hearth_session_plan),
    reinterpret_cast<void*>(&hearth_session_cpu_logits),     reinterpret_cast<void*>(&hearth_session_embed),
    reinterpret_cast<void*>(&hearth_session_embed_begin),    reinterpret_cast<void*>(&hearth_session_embed_end),
};
}
