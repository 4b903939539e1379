// Emscripten 3.1.6's ES-module glue reads `require` and `__dirname` under Node, which an ES module
// does not have; define both (Node only: browsers and workers skip the dynamic imports).
const hearthIsNode = typeof process == 'object' && typeof process.versions == 'object' && typeof process.versions.node == 'string';
const require = hearthIsNode ? (await import('module')).createRequire(import.meta.url) : undefined;
const __dirname = hearthIsNode ? (await import('path')).dirname((await import('url')).fileURLToPath(import.meta.url)) : '';
