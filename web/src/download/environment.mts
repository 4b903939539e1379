// Where the code runs decides the default cache and what a plain string may name.

/** Node (or a runtime with its fs): local paths are files, the cache is a directory. */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** The page's (or worker's) URL, against which relative model URLs resolve in browsers. */
export function baseUrl(): string | undefined {
  return (globalThis as { location?: { href?: string } }).location?.href;
}
