// The core's session request (core/api/session.h start()) for a GenerateRequest: one mapping for
// every engine, so a new field is added in one place. Undefined fields are dropped by
// JSON.stringify: the core's defaults apply.
import type { GenerateRequest } from './engine.mjs';

export function coreRequestBody(request: GenerateRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    temperature: request.temperature,
    top_k: request.topK,
    top_p: request.topP,
    min_p: request.minP,
    repetition_penalty: request.repetitionPenalty,
    presence_penalty: request.presencePenalty,
    frequency_penalty: request.frequencyPenalty,
    penalty_last_n: request.penaltyLastN,
    seed: request.seed,
    max_tokens: request.maxTokens,
    ignore_eos: request.ignoreEos,
    add_special: request.addSpecial,
    logit_bias: request.logitBias,
    logprobs: request.logprobs,
    top_logprobs: request.topLogprobs,
    grammar: request.grammar,
    preserve_tokens: request.preserveTokens,
  };
  if (typeof request.prompt === 'string') body['prompt'] = request.prompt;
  else body['tokens'] = request.prompt;
  return body;
}
