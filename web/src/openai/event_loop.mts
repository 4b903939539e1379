// A turn of the event loop between generation steps. Each step of the CPU engine resolves through
// microtasks only, so without this a whole generation runs without letting I/O and timers in: an
// abort button, a client disconnect (`hearth serve`) or interruptGenerate() from a timer would
// only be seen once the generation had ended. setImmediate (Node) and a MessageChannel message
// (browsers, workers) run after pending I/O without setTimeout's 4 ms clamp.
type Immediate = (callback: () => void) => unknown;

let post: ((resolve: () => void) => void) | null = null;

function poster(): (resolve: () => void) => void {
  const immediate = (globalThis as { setImmediate?: Immediate }).setImmediate;
  if (immediate) return (resolve) => immediate(resolve);
  if (typeof MessageChannel !== 'undefined') {
    const channel = new MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    return (resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    };
  }
  return (resolve) => setTimeout(resolve, 0);
}

export function yieldToEventLoop(): Promise<void> {
  post ??= poster();
  return new Promise((resolve) => post!(resolve));
}
