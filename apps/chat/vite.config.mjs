// Vite builds the chat app into dist/: the page, the engine's Web Worker (hearth's wasm, its
// threaded build and the shaders bundled beside it), the service worker at dist/sw.js and
// dist/precache.json, the list of the build's files the service worker keeps for offline use.
// The dev and preview servers send COOP/COEP so the page is cross-origin isolated
// (SharedArrayBuffer: the threaded CPU build).
import { defineConfig } from 'vite';

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Writes precache.json: every emitted file but source maps and the service worker itself. */
function precacheList() {
  return {
    name: 'hearth-precache-list',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => !f.endsWith('.map') && f !== 'sw.js').sort();
      this.emitFile({ type: 'asset', fileName: 'precache.json', source: JSON.stringify(files, null, 1) });
    },
  };
}

export default defineConfig({
  base: './',
  server: { headers: ISOLATION },
  preview: { headers: ISOLATION },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      input: { index: 'index.html', sw: 'src/sw.ts' },
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
    },
  },
  plugins: [precacheList()],
});
