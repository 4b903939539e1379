// Emscripten 3.1.6's ES-module glue reads `require` and `__dirname` under Node, which an ES module
// does not have; define both (Node only). No top-level await here: a module that has one cannot be
// a service worker's (Chromium refuses to evaluate it), so Node's builtins come from
// process.getBuiltinModule (Node >= 20.16) instead of import().
const hearthIsNode = typeof process == 'object' && typeof process.versions == 'object' && typeof process.versions.node == 'string';
const require = hearthIsNode ? process.getBuiltinModule('module').createRequire(import.meta.url) : undefined;
const __dirname = hearthIsNode ? process.getBuiltinModule('path').dirname(process.getBuiltinModule('url').fileURLToPath(import.meta.url)) : '';
