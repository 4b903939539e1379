// One writer per cached URL: two openModel calls for the same model (two engines, two tabs) must
// not append to the same partial entry at once. In-process calls queue on a promise chain; in
// browsers the Web Locks API extends that across tabs and workers of the origin.

const chains = new Map<string, Promise<unknown>>();

export async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  const run = locks ? () => locks.request(`hearth:${name}`, fn) as Promise<T> : fn;
  const previous = chains.get(name) ?? Promise.resolve();
  const next = previous.then(run, run);
  const settled = next.catch(() => {});
  chains.set(name, settled);
  try {
    return await next;
  } finally {
    if (chains.get(name) === settled) chains.delete(name);
  }
}
