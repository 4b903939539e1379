// A tiny WGSL preprocessor: enough to build kernel variants from one .wgsl file per op family.
//   #include "common/reduce.wgsl"   text of another shader file (paths relative to gpu/shaders/), once
//   #define NAME value              substitutes NAME (whole word) by value in the lines that follow
//   #ifdef NAME / #ifndef NAME / #else / #endif   keep or drop lines (nesting allowed)
// Host defines: { WG_SIZE: 64, Q4_0: true } — `true` only defines the name, other values are substituted.
// `load(path)` returns a file's text, so the same code runs in Node (fs) and in browsers (embedded map).

const DIRECTIVE = /^\s*#(include|define|ifdef|ifndef|else|endif)\b\s*(.*)$/;

export function preprocess(name, defines, load) {
  const values = new Map();  // name -> substitution text ('' for flags)
  for (const [k, v] of Object.entries(defines ?? {})) {
    if (v === false || v === undefined || v === null) continue;
    values.set(k, v === true ? '' : String(v));
  }
  const included = new Set();
  const out = [];
  expand(name, values, load, included, out);
  return out.join('\n');
}

function substitute(line, values) {
  if (values.size === 0) return line;
  return line.replace(/\b[A-Za-z_][A-Za-z0-9_]*\b/g, (w) => {
    const v = values.get(w);
    return v === undefined || v === '' ? w : v;
  });
}

function expand(name, values, load, included, out) {
  if (included.has(name)) return;
  included.add(name);
  const lines = load(name).split('\n');
  const stack = [];  // each: { active, parentActive, sawElse }
  const active = () => stack.every((s) => s.active);
  lines.forEach((line, i) => {
    const m = DIRECTIVE.exec(line);
    const where = `${name}:${i + 1}`;
    if (!m) {
      if (active()) out.push(substitute(line, values));
      return;
    }
    const [, dir, rest] = m;
    const arg = rest.replace(/\/\/.*$/, '').trim();
    switch (dir) {
      case 'ifdef':
      case 'ifndef': {
        if (!/^[A-Za-z_]\w*$/.test(arg)) throw new Error(`${where}: bad #${dir} ${arg}`);
        const has = values.has(arg);
        stack.push({ active: dir === 'ifdef' ? has : !has, sawElse: false });
        break;
      }
      case 'else': {
        const top = stack[stack.length - 1];
        if (!top || top.sawElse) throw new Error(`${where}: unmatched #else`);
        top.active = !top.active;
        top.sawElse = true;
        break;
      }
      case 'endif':
        if (!stack.pop()) throw new Error(`${where}: unmatched #endif`);
        break;
      case 'define': {
        if (!active()) break;
        const dm = /^([A-Za-z_]\w*)\s*(.*)$/.exec(arg);
        if (!dm) throw new Error(`${where}: bad #define ${arg}`);
        if (!values.has(dm[1])) values.set(dm[1], substitute(dm[2], values));  // host defines win
        break;
      }
      case 'include': {
        if (!active()) break;
        const im = /^"([^"]+)"$/.exec(arg);
        if (!im) throw new Error(`${where}: bad #include ${arg}`);
        expand(im[1], values, load, included, out);
        break;
      }
    }
  });
  if (stack.length) throw new Error(`${name}: missing #endif`);
}
