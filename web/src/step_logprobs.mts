// The log-probabilities of a session step reply (core/api/c_api.h), shared by the CPU and WebGPU
// engines: present when the generate request asked for logprobs / topLogprobs.
import type { Reply } from './core.mjs';
import type { StepLogprobs, TokenLogprob } from './engine.mjs';

/** The logprobs of a step reply, when the request asked for them; else null. */
export function stepLogprobs(reply: Reply): StepLogprobs | null {
  if (typeof reply['logprob'] !== 'number') return null;
  const top = (reply['top_logprobs'] as TokenLogprob[] | undefined) ?? [];
  return { token: reply['token'] as number, logprob: reply['logprob'], bytes: reply['bytes'] as number[], top };
}
