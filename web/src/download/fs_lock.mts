// One downloader per cached URL across Node processes sharing a cache directory: a `<key>.lock`
// file created exclusively, holding the owner's pid. A lock whose process is gone (a crash) is
// taken over; a live one is waited for, so the second process then finds the file complete.
import { HearthError } from '../errors.mjs';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only checks that the process exists
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Takes the lock at `path`, waiting while a live process holds it (`onWait` hears of each new
 * holder's pid); resolves to its release. */
export async function acquireFileLock(path: string, signal?: AbortSignal, onWait?: (pid: number) => void, pollMs = 200): Promise<() => Promise<void>> {
  const { open, readFile, rm } = await import('node:fs/promises');
  let waitingFor = 0;
  for (;;) {
    if (signal?.aborted) throw new HearthError('aborted', `gave up waiting for ${path}`);
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw new HearthError('io_error', `cannot create ${path}: ${(e as Error).message}`);
    }
    const pid = Number(await readFile(path, 'utf8').catch(() => ''));
    // no pid yet: the owner is between create and write; wait like for a live one
    if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || !isAlive(pid))) {
      await rm(path, { force: true }); // stale: its process is gone (or an earlier life of this pid)
      continue;
    }
    if (pid !== waitingFor && pid > 0) onWait?.((waitingFor = pid));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollMs);
      signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    });
  }
}
