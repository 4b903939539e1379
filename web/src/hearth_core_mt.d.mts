// Types of dist/hearth_core_mt.mjs, the pthreads build of the same module (wasm/CMakeLists.txt):
// the same C ABI and factory as hearth_core.mjs.
export type { HearthCoreModule, HearthCoreOptions } from './hearth_core.mjs';
export { default } from './hearth_core.mjs';
