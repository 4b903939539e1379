// Calls WebLLM's types reject, each marked @ts-expect-error: tsc fails if hearth/webllm's types
// accept any of them (so the type check of app.mts cannot pass on types that accept everything).
import * as webllm from 'hearth/webllm';

export async function misuse(engine: webllm.MLCEngineInterface): Promise<unknown> {
  // @ts-expect-error messages must be an array of messages
  await engine.chat.completions.create({ messages: 'hi' });
  // @ts-expect-error a record needs model_lib, as in WebLLM
  const record: webllm.ModelRecord = { model: 'x.gguf', model_id: 'y' };
  // @ts-expect-error not a log level
  engine.setLogLevel('LOUD');
  const reply = await engine.chat.completions.create({ messages: [{ role: 'user', content: 'x' }] });
  // @ts-expect-error a reply that is not streamed is not iterable
  for await (const chunk of reply) console.log(chunk);
  const stream = await engine.chat.completions.create({ messages: [{ role: 'user', content: 'x' }], stream: true });
  // @ts-expect-error a stream has no choices of its own
  console.log(stream.choices);
  // @ts-expect-error a tool message needs the id of the call it answers
  await engine.chat.completions.create({ messages: [{ role: 'tool', content: '1' }] });
  return record;
}
