// The chat app's own overhead, for BENCHMARKS.md: first contentful paint, time from navigation to
// "ready" with the default model already in the cache, and a streamed reply's tokens/s as the page
// sees it (chunks arriving, first to last) against the engine's own decode rate for that reply.
//   node apps/chat/e2e/overhead.mjs [chromium|firefox] [webgpu|cpu] [rounds]
// Runs `hearth serve --app` with stories260K (e2e/app_server.mjs). Prints one JSON line a round.
import { launchChromium, launchFirefox } from '../../../web/browser-test/browsers.mjs';
import { AppServer } from './app_server.mjs';
import { saveSettings, waitReady } from './chat_page.mjs';

const [browserName = 'chromium', backend = 'webgpu', roundsArg = '3'] = process.argv.slice(2);
const server = new AppServer();
await server.start();
const browser = browserName === 'firefox' ? await launchFirefox() : await launchChromium();
const page = await browser.newPage();
await page.goto(`${server.origin}/`);
await waitReady(page);
await saveSettings(page, { backend, maxTokens: 256, temperature: 0 });
await waitReady(page, backend === 'cpu' ? 'CPU' : 'WebGPU');
for (let round = 0; round < Number(roundsArg); round++) {
  await page.reload(); // the model is in the cache now: this is "load to ready from cache"
  await waitReady(page);
  const load = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return { fcp_ms: fcp ? fcp.startTime : null, ready_ms: performance.now() - (nav?.startTime ?? 0) };
  });
  const reply = await page.evaluate(async () => {
    // the page's own view of a reply: the app's engine client, timed at each chunk
    const { models } = window.hearthChat;
    const stream = await models.engine.chat({ messages: [{ role: 'user', content: 'Once upon a time' }], max_tokens: 256, temperature: 0, ignore_eos: true }, new AbortController().signal);
    const times = [];
    let usage = null;
    for await (const c of stream) {
      if (c.choices[0]?.delta.content) times.push(performance.now());
      if (c.usage) usage = c.usage;
    }
    const pageRate = (usage.completion_tokens - 1) / ((times[times.length - 1] - times[0]) / 1000);
    return { tokens: usage.completion_tokens, chunks: times.length, page_tokens_per_s: pageRate, engine_decode_tokens_per_s: usage.extra.decode_tokens_per_s };
  });
  console.log(JSON.stringify({ browser: browserName, backend, round, ...load, ...reply, page_vs_engine: reply.page_tokens_per_s / reply.engine_decode_tokens_per_s }));
}
await browser.close();
await server.stop();
