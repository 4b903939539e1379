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

// c * tanh(x / c).
fn softcap(x: f32, c: f32) -> f32 {
  return c * tanh_safe(x / c);
}

// The workgroup index of a dispatch that may use y beyond 65535 in x (see runner.mjs grid()).
fn flat_wg(wg: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wg.x + wg.y * nwg.x;
}
