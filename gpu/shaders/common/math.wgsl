// Activations and helpers, f32. tanh is clamped first: some backends compute it from exp and give NaN
// for large arguments; tanh(±10) is ±1 in f32 already.
fn tanh_safe(x: f32) -> f32 {
  return tanh(clamp(x, -10.0, 10.0));
}

fn silu(x: f32) -> f32 {
  return x / (1.0 + exp(-x));
}

// GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
fn gelu_tanh(x: f32) -> f32 {
  let k = 0.7978845608028654;
  return 0.5 * x * (1.0 + tanh_safe(k * (x + 0.044715 * x * x * x)));
}

// The gated FFN's activation (glu.wgsl, matvec.wgsl GLU_OUT): GELU-tanh with ACT_GELU, else SiLU.
fn glu_act(g: f32) -> f32 {
#ifdef ACT_GELU
  return gelu_tanh(g);
#else
  return silu(g);
#endif
}

// c * tanh(x / c).
fn softcap(x: f32, c: f32) -> f32 {
  return c * tanh_safe(x / c);
}

// The workgroup index of a dispatch that may use y beyond 65535 in x (see runner.mjs grid()).
fn flat_wg(wg: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wg.x + wg.y * nwg.x;
}

// (sin, cos) of theta to ~1 ulp for |theta| up to ~1e4: WGSL only bounds the built-ins' error by 2^-11
// (SwiftShader is off by ~2e-4), and rope angles should match the CPU's sinf/cosf. Cody-Waite reduction
// by pi/2 (three parts), then cephes' sinf/cosf polynomials on [-pi/4, pi/4].
fn sincos_accurate(theta: f32) -> vec2<f32> {
  let j = round(theta * 0.6366197723675814);
  let r = ((theta - j * 1.5703125) - j * 4.837512969970703125e-4) - j * 7.54978995489188216e-8;
  let z = r * r;
  let sr = r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  let cr = 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
  let q = u32(i32(j) & 3);
  if (q == 0u) {
    return vec2<f32>(sr, cr);
  } else if (q == 1u) {
    return vec2<f32>(cr, -sr);
  } else if (q == 2u) {
    return vec2<f32>(-sr, -cr);
  }
  return vec2<f32>(-cr, sr);
}
