// Row-wise f32 kernels of the forward pass: normalisation, activations, soft capping.
#pragma once

#include <cstdint>

namespace hearth {

// Each consecutive group of `group` values: x / sqrt(mean(x²) + eps) * w[0..group).  n % group == 0.
void rms_norm(const float* x, const float* w, int64_t n, int64_t group, float eps, float* y);

// One row of n: (x - mean) / sqrt(var + eps) * w + b (b may be null). In place allowed.
void layer_norm(const float* x, const float* w, const float* b, int64_t n, float eps, float* y);

// y = act(x), act = SiLU or tanh-approximated GELU. In place allowed.
void silu(const float* x, int64_t n, float* y);
void gelu_tanh(const float* x, int64_t n, float* y);

// y = act(gate) * up, act = SiLU or tanh-approximated GELU.
void silu_mul(const float* gate, const float* up, int64_t n, float* y);
void gelu_tanh_mul(const float* gate, const float* up, int64_t n, float* y);

// y = cap * tanh(x / cap), in place allowed.
void soft_cap(const float* x, int64_t n, float cap, float* y);

}  // namespace hearth
