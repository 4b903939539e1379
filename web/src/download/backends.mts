// Picks the cache backend an openModel call uses: 'auto' is Cache Storage in browsers (the file
// system under Node), 'opfs' the Origin Private File System, 'none' keeps nothing. The backends
// are imported statically: service workers refuse import(), and none of them loads a Node module
// before it is used under Node.
import { HearthError } from '../errors.mjs';
import type { CacheBackend, CacheKind } from './cache_backend.mjs';
import { CacheStorageCache } from './cache_storage_cache.mjs';
import { isNode } from './environment.mjs';
import { FsCache, defaultCacheDir } from './fs_cache.mjs';
import { MemoryCache } from './memory_cache.mjs';
import { OpfsCache } from './opfs_cache.mjs';

export interface BackendOptions {
  cache?: CacheKind | 'auto';
  /** fs backend: the directory (default $HEARTH_CACHE_DIR or ~/.cache/hearth). */
  cacheDir?: string;
  /** cache-storage backend: bytes per chunk entry (default 32 MiB); a resume restarts at a chunk boundary. */
  cacheChunkBytes?: number;
}

export async function getCacheBackend(options: BackendOptions = {}): Promise<CacheBackend> {
  const kind = options.cache ?? 'auto';
  switch (kind) {
    case 'none':
      return new MemoryCache();
    case 'fs': {
      if (!isNode()) throw new HearthError('unsupported', "cache: 'fs' needs Node; use 'cache-storage' or 'opfs' in a browser");
      return new FsCache(options.cacheDir ?? (await defaultCacheDir()));
    }
    case 'cache-storage':
      return new CacheStorageCache(options.cacheChunkBytes);
    case 'opfs':
      return new OpfsCache();
    case 'auto': {
      // Cache Storage needs a secure context; OPFS is the next best; else keep nothing
      const g = globalThis as { caches?: unknown; navigator?: { storage?: { getDirectory?: unknown } } };
      const cache = isNode() ? 'fs' : g.caches ? 'cache-storage' : g.navigator?.storage?.getDirectory ? 'opfs' : 'none';
      return getCacheBackend({ ...options, cache });
    }
    default:
      throw new HearthError('invalid_argument', `unknown cache '${String(kind)}' (expected 'auto', 'cache-storage', 'opfs', 'fs' or 'none')`);
  }
}

/** A name that identifies one backend's entry for a URL (the download lock). */
export function lockName(backend: CacheBackend, url: string): string {
  const dir = (backend as { dir?: string }).dir;
  return `${backend.kind}${dir ? `:${dir}` : ''}:${url}`;
}
