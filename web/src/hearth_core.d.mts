// Types of the Emscripten-generated module (wasm/CMakeLists.txt builds dist/hearth_core.mjs). The
// functions are core/api/c_api.h: pointers are numbers into the module's heap; JSON strings are
// NUL-terminated UTF-8 owned by the session (valid until its next call).
export interface HearthCoreModule {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _hearth_session_create(): number;
  _hearth_session_destroy(session: number): void;
  _hearth_session_load(session: number, data: number, size: number, configJson: number): number;
  _hearth_session_load_header(session: number, data: number, size: number, configJson: number): number;
  _hearth_session_unload(session: number): number;
  _hearth_session_start(session: number, requestJson: number): number;
  _hearth_session_step(session: number): number;
  _hearth_session_tokenize(session: number, requestJson: number): number;
  _hearth_session_detokenize(session: number, requestJson: number): number;
  _hearth_session_chat_prompt(session: number, requestJson: number): number;
  _hearth_session_render_template(session: number, requestJson: number): number;
  _hearth_session_step_logits(session: number, logits: number, n: number): number;
  _hearth_session_step_candidates(session: number, ids: number, logits: number, n: number): number;
  _hearth_session_step_candidates_bounded(session: number, ids: number, logits: number, n: number, tailWeight: number, tailError: number): number;
  _hearth_session_grammar_mask(session: number, words: number, n: number): number;
  _hearth_session_plan(session: number): number;
  _hearth_session_cpu_logits(session: number, requestJson: number, out: number, n: number): number;
  _hearth_session_embed(session: number, requestJson: number, out: number, n: number): number;
  _hearth_session_embed_begin(session: number, requestJson: number): number;
  _hearth_session_embed_end(session: number, pooled: number, n: number): number;
  UTF8ToString(ptr: number): string;
  stringToUTF8(str: string, ptr: number, maxBytes: number): void;
  lengthBytesUTF8(str: string): number;
  /** hearth_core_mt only: the shared memory (HEAPU8 may lag behind it after a worker grew it). */
  wasmMemory?: WebAssembly.Memory;
  /** hearth_core_mt only: the glue's pthread worker pool (Web Workers, or worker_threads under Node). */
  PThread?: { unusedWorkers: unknown[]; runningWorkers: unknown[] };
}

export interface HearthCoreOptions {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, scriptDirectory: string) => string;
  /** hearth_core_mt only: workers made before the module resolves (wasm/CMakeLists.txt). */
  hearthPoolSize?: number;
}

declare function createHearthCore(options?: HearthCoreOptions): Promise<HearthCoreModule>;
export default createHearthCore;
