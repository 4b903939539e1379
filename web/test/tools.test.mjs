// Tool calling on stories260K under Node (CPU): a model that knows nothing of tools, sampled at
// temperature 1, so every well-formed call comes from the grammar. Each family's real chat template
// (../shared/templates) picks its format; replies are checked with an independent validator (ajv).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import Ajv from 'ajv';

import { CreateEngine, InvalidRequestError, MAX_PARALLEL_CALLS } from '../dist/index.mjs';
import { ChatOutput } from '../dist/openai/chat_output.mjs';
import { TOOL_FORMATS } from '../dist/openai/tool_formats.mjs';
import { templateMessages, toolPrompt } from '../dist/openai/tool_prompt.mjs';

const SHARED = process.env.HEARTH_SHARED_DIR ?? fileURLToPath(new URL('../../../shared', import.meta.url));
const MODEL = `${SHARED}/models/stories260K.gguf`;
const template = (name) => readFileSync(`${SHARED}/templates/${name}.jinja`, 'utf8');
const PLAIN = '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}';
const ASK = [{ role: 'user', content: 'Once upon a time' }];
const engine = await CreateEngine(MODEL, { backend: 'cpu' });

const WEATHER = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string', minLength: 1, maxLength: 16 }, unit: { enum: ['celsius', 'fahrenheit'] } },
      required: ['city'],
      additionalProperties: false,
    },
  },
};
const ADD = {
  type: 'function',
  function: {
    name: 'add',
    description: 'The sum of two integers', // Hermes 3's template needs one, as under jinja2
    parameters: {
      type: 'object',
      properties: { a: { type: 'integer', minimum: -1000, maximum: 1000 }, b: { type: 'integer', minimum: -1000, maximum: 1000 } },
      required: ['a', 'b'],
      additionalProperties: false,
    },
  },
};
const TOOLS = [WEATHER, ADD];
const ajv = new Ajv({ strict: true });
const validators = Object.fromEntries(TOOLS.map((t) => [t.function.name, ajv.compile(t.function.parameters)]));

function checkCalls(calls, { min = 1, max = 1, names = ['get_weather', 'add'] } = {}) {
  assert.ok(Array.isArray(calls) && calls.length >= min && calls.length <= max, JSON.stringify(calls));
  for (const c of calls) {
    assert.equal(c.type, 'function');
    assert.match(c.id, /^(call_[A-Za-z0-9]{24}|[A-Za-z0-9]{9})$/);
    assert.ok(names.includes(c.function.name), c.function.name);
    assert.equal(typeof c.function.arguments, 'string');
    const args = JSON.parse(c.function.arguments);
    const valid = validators[c.function.name];
    assert.ok(valid(args), `${c.function.arguments}: ${JSON.stringify(valid.errors)}`);
  }
}

test("tool_choice 'required', one call a reply: 100 seeded replies at temperature 1 are all valid calls", async () => {
  for (let seed = 1; seed <= 100; seed++) {
    const r = await engine.chat.completions.create({
      messages: ASK, chat_template: PLAIN, tools: TOOLS, tool_choice: 'required', parallel_tool_calls: false,
      temperature: 1, seed, max_tokens: 200,
    });
    const c = r.choices[0];
    assert.equal(c.finish_reason, 'tool_calls', `seed ${seed}: ${JSON.stringify(c.message)}`);
    assert.equal(c.message.content, null);
    checkCalls(c.message.tool_calls);
  }
});

test(`parallel calls: one to ${MAX_PARALLEL_CALLS} valid calls, and the reply ends`, async () => {
  let most = 0;
  for (let seed = 1; seed <= 8; seed++) {
    const r = await engine.chat.completions.create({
      messages: ASK, chat_template: PLAIN, tools: TOOLS, tool_choice: 'required', temperature: 1, seed, max_tokens: 1400,
    });
    assert.equal(r.choices[0].finish_reason, 'tool_calls', JSON.stringify(r.choices[0].message));
    checkCalls(r.choices[0].message.tool_calls, { max: MAX_PARALLEL_CALLS });
    most = Math.max(most, r.choices[0].message.tool_calls.length);
  }
  assert.ok(most > 1, 'some reply holds several calls');
});

test('a named function: exactly one call, to it', async () => {
  for (let seed = 1; seed <= 20; seed++) {
    const r = await engine.chat.completions.create({
      messages: ASK, chat_template: PLAIN, tools: TOOLS, tool_choice: { type: 'function', function: { name: 'add' } },
      temperature: 1, seed, max_tokens: 200,
    });
    assert.equal(r.choices[0].finish_reason, 'tool_calls');
    checkCalls(r.choices[0].message.tool_calls, { names: ['add'] });
  }
});

test("each family's template picks its format, and forced calls parse in it", async () => {
  const families = {
    'Qwen-Qwen2.5-7B-Instruct': 'hermes',
    'Qwen-Qwen3-0.6B': 'hermes',
    'NousResearch-Hermes-3-Llama-3.1-8B-tool_use': 'hermes',
    'meta-llama-Llama-3.1-8B-Instruct': 'llama3',
    'meta-llama-Llama-3.2-3B-Instruct': 'llama3',
    'mistralai-Mistral-Nemo-Instruct-2407': 'mistral',
    'microsoft-Phi-3.5-mini-instruct': 'generic',
    'google-gemma-2-2b-it': 'generic',
  };
  for (const [name, format] of Object.entries(families)) {
    const renderer = (messages, tools) =>
      engine.engine.chatPrompt({ messages, ...(tools ? { tools } : {}), chat_template: template(name), add_generation_prompt: true });
    const chosen = toolPrompt(TOOLS, renderer);
    assert.equal(chosen.format.name, format, name);
    if (format === 'generic') {
      const prompt = chosen.render(ASK).prompt;
      assert.ok(prompt.includes('"name":"get_weather"') && prompt.includes('<tool_call>{"name": "<function name>"'), prompt);
    }
    for (let seed = 1; seed <= 5; seed++) {
      const r = await engine.chat.completions.create({
        messages: ASK, chat_template: template(name), tools: TOOLS,
        tool_choice: 'required', parallel_tool_calls: false, temperature: 1, seed, max_tokens: 200,
      });
      assert.equal(r.choices[0].finish_reason, 'tool_calls', `${name}: ${JSON.stringify(r.choices[0].message)}`);
      checkCalls(r.choices[0].message.tool_calls);
      if (format === 'mistral') assert.match(r.choices[0].message.tool_calls[0].id, /^[A-Za-z0-9]{9}$/);
    }
  }
});

test('earlier calls and their results go back through the template', async () => {
  const history = (id) => [
    ...ASK,
    { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'add', arguments: '{"a": 2, "b": 3}' } }] },
    { role: 'tool', tool_call_id: id, content: '5' },
  ];
  const prompt = (name, id) =>
    engine.engine.chatPrompt({ messages: templateMessages(history(id)), chat_template: template(name), add_generation_prompt: true }).prompt;
  // the arguments reach the template as an object (Qwen tojson's them: no double encoding)
  assert.match(prompt('Qwen-Qwen2.5-7B-Instruct', 'call_1'), /<tool_call>\n\{"name": "add", "arguments": \{"a": 2, "b": 3\}\}\n<\/tool_call>/);
  // ...through the API, which converts them before rendering
  for (const name of ['Qwen-Qwen2.5-7B-Instruct', 'mistralai-Mistral-Nemo-Instruct-2407', 'meta-llama-Llama-3.1-8B-Instruct', 'google-gemma-2-2b-it']) {
    const r = await engine.chat.completions.create({
      messages: history('abcDEF123'), chat_template: template(name), tools: TOOLS, temperature: 0, max_tokens: 8,
    });
    assert.ok(r.usage.prompt_tokens > 50, name);
  }
});

test("tool_choice 'auto': prose stays content; 'none' leaves the tools out", async () => {
  const r = await engine.chat.completions.create({ messages: ASK, chat_template: PLAIN, tools: TOOLS, temperature: 0, max_tokens: 30 });
  assert.equal(r.choices[0].message.tool_calls, undefined);
  assert.equal(typeof r.choices[0].message.content, 'string');
  assert.ok(r.choices[0].message.content.length > 0);
  assert.equal(r.choices[0].finish_reason, 'length');
  const withTools = await engine.chat.completions.create({ messages: ASK, tools: TOOLS, temperature: 0, max_tokens: 1 });
  const none = await engine.chat.completions.create({ messages: ASK, tools: TOOLS, tool_choice: 'none', temperature: 0, max_tokens: 1 });
  const plain = await engine.chat.completions.create({ messages: ASK, temperature: 0, max_tokens: 1 });
  assert.ok(withTools.usage.prompt_tokens > plain.usage.prompt_tokens + 50, 'the generic format writes the tools into the prompt');
  assert.equal(none.usage.prompt_tokens, plain.usage.prompt_tokens);
});

test('streamed calls come whole in one tool_calls delta, then finish_reason tool_calls', async () => {
  for (let seed = 1; seed <= 5; seed++) {
    const stream = await engine.chat.completions.create({
      messages: ASK, chat_template: PLAIN, tools: TOOLS, tool_choice: 'required', parallel_tool_calls: false,
      temperature: 1, seed, max_tokens: 200, stream: true,
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    const deltas = chunks.map((c) => c.choices[0].delta);
    const withCalls = deltas.filter((d) => d.tool_calls);
    assert.equal(withCalls.length, 1);
    assert.equal(withCalls[0].tool_calls[0].index, 0);
    checkCalls(withCalls[0].tool_calls);
    assert.equal(deltas.filter((d) => d.content).length, 0, 'no call text leaks into content');
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'tool_calls');
  }
});

test('each format parses what its models write; text that is no call stays content', () => {
  const parse = (format, calls, text, chunk = 3) => {
    const out = new ChatOutput({ format: TOOL_FORMATS[format], calls, reasoningOpen: false });
    let content = '';
    let reasoning = '';
    for (let i = 0; i < text.length; i += chunk) {
      const d = out.push(text.slice(i, i + chunk));
      content += d.content ?? '';
      reasoning += d.reasoning ?? '';
    }
    const end = out.finish();
    return { content: content + (end.delta.content ?? ''), reasoning: reasoning + (end.delta.reasoning ?? ''), calls: end.calls };
  };
  const hermes = parse('hermes', 'auto', 'Let me look.\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n</tool_call>\n<tool_call>\n{"name": "add", "arguments": {"a": 1, "b": 2}}\n</tool_call>');
  assert.equal(hermes.content, 'Let me look.\n');
  assert.deepEqual(hermes.calls, [{ name: 'get_weather', arguments: { city: 'Oslo' } }, { name: 'add', arguments: { a: 1, b: 2 } }]);
  const llama = parse('llama3', 'auto', '<|python_tag|>{"name": "add", "parameters": {"a": 1, "b": 2}}');
  assert.deepEqual(llama.calls, [{ name: 'add', arguments: { a: 1, b: 2 } }]);
  assert.equal(llama.content, '');
  const mistral = parse('mistral', 'auto', '[TOOL_CALLS][{"name": "add", "arguments": {"a": 1, "b": 2}}, {"name": "get_weather", "arguments": "{\\"city\\": \\"Rome\\"}"}]');
  assert.deepEqual(mistral.calls, [{ name: 'add', arguments: { a: 1, b: 2 } }, { name: 'get_weather', arguments: { city: 'Rome' } }]);
  const broken = parse('hermes', 'auto', 'Sure <tool_call>\n{"name": "add", "arguments": {"a": 1,}}\n</tool_call>');
  assert.equal(broken.calls, null);
  assert.equal(broken.content, 'Sure <tool_call>\n{"name": "add", "arguments": {"a": 1,}}\n</tool_call>');
  const prose = parse('hermes', 'auto', 'a < b and <tool is not a call', 1);
  assert.equal(prose.content, 'a < b and <tool is not a call');
  const thinking = parse('hermes', 'auto', '<think>\nThe user wants 1+2.\n</think>\n\n<tool_call>\n{"name": "add", "arguments": {"a": 1, "b": 2}}\n</tool_call>');
  assert.equal(thinking.reasoning, 'The user wants 1+2.\n');
  assert.equal(thinking.content, '');
  assert.deepEqual(thinking.calls, [{ name: 'add', arguments: { a: 1, b: 2 } }]);
  const answer = parse('hermes', null, '<think>hmm</think>\n\nIt is 3.');
  assert.deepEqual([answer.reasoning, answer.content, answer.calls], ['hmm', 'It is 3.', null]);
  const open = new ChatOutput({ format: null, calls: null, reasoningOpen: true });
  const d = open.push('thinking...</think>done');
  assert.deepEqual(d, { reasoning: 'thinking...', content: 'done' });
});

test('bad tool fields name the field, and the engine goes on', async () => {
  const bad = (fields, param) => assert.rejects(
    engine.chat.completions.create({ messages: ASK, max_tokens: 4, ...fields }),
    (e) => e instanceof InvalidRequestError && e.param === param);
  await bad({ tool_choice: 'required' }, 'tool_choice');
  await bad({ tools: TOOLS, tool_choice: { type: 'function', function: { name: 'nope' } } }, 'tool_choice');
  await bad({ tools: TOOLS, tool_choice: 'sometimes' }, 'tool_choice');
  await bad({ tools: [{ type: 'function', function: { name: 'has space' } }] }, 'tools[0].function.name');
  await bad({ tools: [{ type: 'retrieval' }] }, 'tools[0].type');
  await bad({ tools: [WEATHER, WEATHER] }, 'tools[1].function.name');
  await bad({ tools: [{ type: 'function', function: { name: 'f', parameters: [] } }] }, 'tools[0].function.parameters');
  await bad({ tools: TOOLS, parallel_tool_calls: 'yes' }, 'parallel_tool_calls');
  await bad({ tools: TOOLS, response_format: { type: 'json_object' } }, 'response_format');
  await bad({ messages: [...ASK, { role: 'tool', content: '5' }] }, 'messages[1].tool_call_id');
  await bad({ messages: [...ASK, { role: 'assistant', content: null, tool_calls: [{ id: 'x', function: { name: 'add' } }] }] }, 'messages[1].tool_calls[0]');
  // a parameters schema hearth cannot compile is a clear error, before anything is generated
  await assert.rejects(
    engine.chat.completions.create({
      messages: ASK, tool_choice: 'required', max_tokens: 4,
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', dependentSchemas: { a: {} } } } }],
    }),
    /dependentSchemas/);
  const r = await engine.chat.completions.create({
    messages: ASK, chat_template: PLAIN, tools: TOOLS, tool_choice: 'required', parallel_tool_calls: false, seed: 1, max_tokens: 200,
  });
  assert.equal(r.choices[0].finish_reason, 'tool_calls');
});
