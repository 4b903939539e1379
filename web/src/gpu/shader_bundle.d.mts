// Types of web/dist/gpu/shader_bundle.mjs, generated at build time by gpu/bundle_shaders.mjs.
/** Every gpu/shaders file's text, by path relative to gpu/shaders (e.g. "matvec.wgsl"). */
export const SOURCES: Readonly<Record<string, string>>;
/** The WGSL preprocessor of gpu/shader_preprocessor.mjs. */
export function preprocess(name: string, defines: Record<string, unknown>, load: (path: string) => string): string;
