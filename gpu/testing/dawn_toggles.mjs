// Runs the hearth CLI (web/dist/cli.mjs) on a WebGPU instance created with Dawn toggles, to measure
// what they change (toggles exist only for Node's `webgpu` package; a page cannot set them). Usage:
//   node gpu/testing/dawn_toggles.mjs enable-dawn-features=skip_validation,disable_robustness bench --model F ...
// The first argument is one `enable-dawn-features=...`/`disable-dawn-features=...` list or several
// joined by ';' (or `none`); they replace the engine's NODE_DAWN_TOGGLES except timestamp rounding,
// which stays off (so `none` runs with Dawn's robustness on).
import { create } from 'webgpu';
import { fileURLToPath } from 'node:url';

const [toggles, ...cliArgs] = process.argv.slice(2);
if (!toggles || cliArgs.length === 0) {
  console.error('usage: node gpu/testing/dawn_toggles.mjs TOGGLES CLI-ARGS...');
  process.exit(2);
}
// web/src/gpu/context.mts takes the instance from this global when it is set
const chosen = toggles === 'none' ? [] : toggles.split(';');
globalThis.__hearthWebGpu = { instance: create(['disable-dawn-features=timestamp_quantization', ...chosen]), adapter: null, device: null };
const cli = fileURLToPath(new URL('../../web/dist/cli.mjs', import.meta.url));
process.argv = [process.argv[0], cli, ...cliArgs];
await import(cli);
