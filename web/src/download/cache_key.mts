// The name a cached URL is stored under (fs and OPFS): 16 hex digits of the URL's sha256, then its
// last path segment, so the directory stays readable and distinct URLs never collide on a name.
import { sha256Hex } from './sha256.mjs';

export function cacheKey(url: string): string {
  let base = 'model';
  try {
    base = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') || 'model';
  } catch {
    // not a URL: the hash alone identifies it
  }
  base = base.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  return `${sha256Hex(new TextEncoder().encode(url)).slice(0, 16)}-${base}`;
}
