// Yielding to the event loop from long synchronous work: the CPU engine's steps never wait on a
// task, so without this a worker running a generation would not see an abort message, and a page
// would not handle input, until the generation ended.

/** Resolves on a new task, after pending events (a MessageChannel, unlike setTimeout, is not
 * clamped to 4 ms). */
export function nextTask(): Promise<void> {
  if (typeof MessageChannel !== 'function') return new Promise((ok) => setTimeout(ok, 0));
  return new Promise((ok) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      ok();
    };
    port2.postMessage(null);
  });
}

/** A function that yields a task when `everyMs` have passed since it last did (so the cost stays a
 * small fraction of the work however short each step is). */
export function taskYielder(everyMs = 4): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    const t = performance.now();
    if (t - last < everyMs) return undefined;
    return nextTask().then(() => {
      last = performance.now();
    });
  };
}
