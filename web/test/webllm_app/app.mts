// An app written against WebLLM's documented API (its examples' calls and types), with only the
// import changed to hearth/webllm. webllm_types.test.mjs type-checks it (tsc --noEmit); it never runs.
import * as webllm from 'hearth/webllm';
import type { ChatCompletionMessageParam, InitProgressReport } from 'hearth/webllm';

const initProgressCallback = (report: InitProgressReport): void => {
  console.log(report.text, report.progress, report.timeElapsed);
};

const appConfig: webllm.AppConfig = {
  model_list: [
    {
      model: 'https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_0.gguf',
      model_id: 'Llama-3.2-1B-Instruct-q4f32_1-MLC',
      model_lib: webllm.modelLibURLPrefix + webllm.modelVersion + '/Llama-3.2-1B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm',
      vram_required_MB: 1128.82,
      low_resource_required: true,
      overrides: { context_window_size: 2048 },
    },
    ...webllm.prebuiltAppConfig.model_list,
  ],
  useIndexedDBCache: false,
};

export async function getStarted(): Promise<void> {
  const selectedModel = 'Llama-3.2-1B-Instruct-q4f32_1-MLC';
  const engine: webllm.MLCEngineInterface = await webllm.CreateMLCEngine(
    selectedModel,
    { initProgressCallback, appConfig, logLevel: 'INFO' },
    { context_window_size: 2048, temperature: 0.7 },
  );
  const reply0 = await engine.chat.completions.create({
    messages: [
      { role: 'system', content: 'You are a helpful, respectful and honest assistant. Be as happy as you can when speaking please. ' },
      { role: 'user', content: 'Provide me three US states.' },
      { role: 'assistant', content: 'California, New York, Pennsylvania.' },
      { role: 'user', content: 'Two more please!' },
    ],
    n: 3,
    temperature: 1.5,
    max_tokens: 256,
    logit_bias: { '46510': -100, '7188': -100 },
    logprobs: true,
    top_logprobs: 2,
  });
  console.log(reply0.choices[0]?.message.content, reply0.usage.completion_tokens, reply0.usage.extra.e2e_latency_s);
  console.log(reply0.choices[0]?.logprobs?.content[0]?.top_logprobs[0]?.logprob);
  console.log(await engine.runtimeStatsText());
}

export async function streaming(engine: webllm.MLCEngineInterface): Promise<string> {
  const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hello!' }];
  const request: webllm.ChatCompletionRequest = { stream: true, stream_options: { include_usage: true }, messages, temperature: 1 };
  const asyncChunkGenerator = await engine.chat.completions.create(request);
  let message = '';
  for await (const chunk of asyncChunkGenerator) {
    message += chunk.choices[0]?.delta?.content || '';
    if (chunk.usage) console.log(chunk.usage.prompt_tokens, chunk.usage.extra.time_per_output_token_s);
  }
  return message + (await engine.getMessage());
}

export async function multiRound(engine: webllm.MLCEngineInterface): Promise<void> {
  const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hi' }];
  const reply = await engine.chat.completions.create({ messages, stream: false });
  messages.push({ role: 'assistant', content: reply.choices[0]?.message.content ?? '' }, { role: 'user', content: 'And?' });
  await engine.chat.completions.create({ messages, seed: 42 });
  await engine.resetChat();
  await engine.resetChat(true, 'Llama-3.2-1B-Instruct-q4f32_1-MLC');
}

export async function textCompletion(engine: webllm.MLCEngineInterface): Promise<void> {
  const reply = await engine.completions.create({
    prompt: 'The capital of Canada is', echo: false, n: 1, max_tokens: 10, logprobs: true, top_logprobs: 2, ignore_eos: true,
  });
  console.log(reply.choices[0]?.text, reply.usage?.extra.decode_tokens_per_s);
  for await (const chunk of await engine.completions.create({ prompt: 'Once', stream: true })) console.log(chunk.choices[0]?.text);
}

export async function jsonModes(engine: webllm.MLCEngineInterface): Promise<void> {
  const schema = JSON.stringify({ type: 'object', properties: { size: { type: 'integer' } }, required: ['size'] });
  const request: webllm.ChatCompletionRequest = {
    stream: false,
    messages: [{ role: 'user', content: 'Generate a json containing three fields: an integer field named size' }],
    max_tokens: 128,
    response_format: { type: 'json_object', schema } as webllm.ResponseFormat,
  };
  const reply = await engine.chatCompletion(request);
  console.log(JSON.parse(reply.choices[0]?.message.content ?? '{}'));
  const grammar = 'root ::= "yes" | "no"';
  await engine.chat.completions.create({ messages: [{ role: 'user', content: 'ok?' }], response_format: { type: 'grammar', grammar } });
  await engine.chat.completions.create({ messages: [{ role: 'user', content: 'json' }], response_format: { type: 'json_object' }, extra_body: { enable_thinking: false } });
}

export async function functionCalling(engine: webllm.MLCEngineInterface): Promise<void> {
  const tools: Array<webllm.ChatCompletionTool> = [
    {
      type: 'function',
      function: {
        name: 'get_current_weather',
        description: 'Get the current weather in a given location',
        parameters: {
          type: 'object',
          properties: { location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
          required: ['location'],
        },
      },
    },
  ];
  const request: webllm.ChatCompletionRequest = {
    stream: false,
    messages: [{ role: 'user', content: 'What is the current weather in celsius in Pittsburgh and Tokyo?' }],
    tool_choice: 'auto',
    tools,
  };
  const reply = await engine.chat.completions.create(request);
  const call = reply.choices[0]?.message.tool_calls?.[0];
  if (call) {
    const args = JSON.parse(call.function.arguments) as { location: string };
    request.messages.push(reply.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: `21C in ${args.location}` });
  }
  console.log(reply.choices[0]?.finish_reason === 'tool_calls', webllm.functionCallingModelIds.length);
}

export async function workers(): Promise<void> {
  const worker = await webllm.CreateWebWorkerMLCEngine(
    new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' }),
    'Llama-3.2-1B-Instruct-q4f32_1-MLC',
    { initProgressCallback },
  );
  await streaming(worker);
  if ('serviceWorker' in navigator) await navigator.serviceWorker.register(new URL('sw.mjs', import.meta.url), { type: 'module' });
  const sw: webllm.MLCEngineInterface = await webllm.CreateServiceWorkerMLCEngine('Llama-3.2-1B-Instruct-q4f32_1-MLC', { initProgressCallback }, undefined, 10_000);
  sw.interruptGenerate();
  await sw.unload();
}

export async function cacheAndLifecycle(engine: webllm.MLCEngineInterface): Promise<void> {
  const id = 'Llama-3.2-1B-Instruct-q4f32_1-MLC';
  if (!(await webllm.hasModelInCache(id, appConfig))) console.log('downloading');
  engine.setInitProgressCallback(initProgressCallback);
  engine.setAppConfig(appConfig);
  engine.setLogLevel('WARN');
  await engine.reload(id, { context_window_size: 1024 });
  await engine.reload([id], [{ temperature: 0.5 }]);
  console.log(engine.getInitProgressCallback(), await engine.getMaxStorageBufferBindingSize(), await engine.getGPUVendor());
  console.log(await engine.forwardTokensAndSample([1, 2, 3], true));
  engine.interruptGenerate();
  await engine.unload();
  await webllm.deleteModelAllInfoInCache(id, appConfig);
  await webllm.deleteModelInCache(id, appConfig);
  await webllm.deleteChatConfigInCache(id, appConfig);
  await webllm.deleteModelWasmInCache(id, appConfig);
  const embeddings = await engine.embeddings.create({ input: ['a', 'b'] });
  console.log(embeddings.data[0]?.embedding.length, embeddings.usage.prompt_tokens);
  try {
    await webllm.CreateMLCEngine('nope');
  } catch (err) {
    console.log((err as Error).name === 'ModelNotFoundError', err instanceof webllm.ModelNotFoundError);
  }
  const engine2 = new webllm.MLCEngine({ initProgressCallback });
  await engine2.reload(id);
}
