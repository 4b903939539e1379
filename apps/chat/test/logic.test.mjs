// The app's logic/ modules: conversations (the messages a request sends, tool calls and results,
// import of untrusted files, Markdown export, search), the output-and-tools options, settings,
// numbers as shown, model fit and URL checks, error explanations.
import test from 'node:test';
import assert from 'node:assert/strict';

import {
  importConversations, normalizeTurn, pendingToolCalls, requestMessages, searchConversations, titleFrom, toExportJson, toMarkdown,
} from '../build-test/logic/conversation.js';
import { explainError } from '../build-test/logic/errors.js';
import { downloadLine, formatBytes, formatDuration, formatRate, statsLine } from '../build-test/logic/format.js';
import { checkModelUrl, fitOf, groupByFamily } from '../build-test/logic/models.js';
import { DEFAULT_SETTINGS, sanitizeSettings, samplingFields } from '../build-test/logic/settings.js';
import {
  EXAMPLE_GRAMMAR, EXAMPLE_SCHEMA, EXAMPLE_TOOLS, PLAIN, checkStructured, parseTools, repliesAreJson, sanitizeStructured, structuredFields, structuredLabel,
} from '../build-test/logic/structured.js';

const call = (id, name, args) => ({ id, name, arguments: JSON.stringify(args) });

test('requestMessages: system prompt, finished turns only, calls and their results as OpenAI messages', () => {
  const turns = [
    { id: '1', role: 'user', content: 'Weather in Oslo?' },
    { id: '2', role: 'assistant', content: '', status: 'done', reasoning: 'The user wants weather.', toolCalls: [call('c1', 'get_weather', { city: 'Oslo' })] },
    { id: '3', role: 'tool', content: '{"temp": 3}', toolCallId: 'c1', name: 'get_weather' },
    { id: '4', role: 'assistant', content: 'It is 3 degrees.', status: 'done' },
    { id: '5', role: 'user', content: 'And now?' },
    { id: '6', role: 'assistant', content: 'half', status: 'error', error: 'lost' },
    { id: '7', role: 'assistant', content: '', status: 'stopped' },
    { id: '8', role: 'tool', content: 'orphan', toolCallId: 'nobody' },
  ];
  assert.deepEqual(requestMessages(turns, '  Be brief.  '), [
    { role: 'system', content: '  Be brief.  ' },
    { role: 'user', content: 'Weather in Oslo?' },
    { role: 'assistant', content: null, reasoning_content: 'The user wants weather.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
    { role: 'tool', tool_call_id: 'c1', content: '{"temp": 3}' },
    { role: 'assistant', content: 'It is 3 degrees.' },
    { role: 'user', content: 'And now?' },
  ]);
  assert.deepEqual(requestMessages([{ id: '1', role: 'user', content: 'hi' }], '   '), [{ role: 'user', content: 'hi' }]);
});

test('pendingToolCalls: the last reply\'s calls without a result, none while it is written', () => {
  const reply = { id: 'a', role: 'assistant', content: '', status: 'done', toolCalls: [call('c1', 'f', {}), call('c2', 'g', {})] };
  assert.deepEqual(pendingToolCalls([{ id: 'u', role: 'user', content: 'x' }, reply]).map((c) => c.id), ['c1', 'c2']);
  const answered = [reply, { id: 't', role: 'tool', content: '1', toolCallId: 'c1' }];
  assert.deepEqual(pendingToolCalls(answered).map((c) => c.id), ['c2']);
  assert.deepEqual(pendingToolCalls([{ ...reply, status: 'generating' }]), []);
  assert.deepEqual(pendingToolCalls([{ ...reply, status: 'error' }]), []);
  assert.deepEqual(pendingToolCalls([reply, { id: 'b', role: 'assistant', content: 'later', status: 'done' }]), []);
  assert.deepEqual(pendingToolCalls([]), []);
});

test('normalizeTurn moves an old reply\'s <think> block to reasoning; answers quoting the tag stay', () => {
  assert.deepEqual(normalizeTurn({ id: 'a', role: 'assistant', content: '  <think>\nhmm\n</think>\n\nYes.' }), { id: 'a', role: 'assistant', content: 'Yes.', reasoning: 'hmm' });
  const quoted = { id: 'b', role: 'assistant', content: 'Write <think> to think.' };
  assert.equal(normalizeTurn(quoted), quoted);
  const user = { id: 'c', role: 'user', content: '<think>x</think>' };
  assert.equal(normalizeTurn(user), user);
});

test('import: a round trip keeps everything; malformed files and turns are refused with where', () => {
  const conv = {
    id: 'k1', title: 'Tools', created: 1, updated: 2,
    structured: { output: 'json_schema', schema: '{"type":"object"}', grammar: '', tools: EXAMPLE_TOOLS, toolChoice: 'required' },
    turns: [
      { id: 'u', role: 'user', content: 'go' },
      { id: 'a', role: 'assistant', content: '{"a":1}', json: true, status: 'done', reasoning: 'r', toolCalls: [call('c1', 'get_weather', { city: 'Rome' })] },
      { id: 't', role: 'tool', content: 'sunny', toolCallId: 'c1', name: 'get_weather' },
    ],
  };
  assert.deepEqual(importConversations(toExportJson([conv])), [conv]);
  assert.throws(() => importConversations('{'), /not JSON/);
  assert.throws(() => importConversations('{"format": "other", "conversations": []}'), /not a hearth chat export/);
  const wrap = (turns) => JSON.stringify({ format: 'hearth-chat-export', version: 1, conversations: [{ id: 'x', turns }] });
  assert.throws(() => importConversations(wrap([{ role: 'system', content: 'x' }])), /conversation 1, message 1 is malformed/);
  assert.throws(() => importConversations(wrap([{ role: 'tool', content: 'x' }])), /message 1 is malformed/);
  assert.throws(() => importConversations(wrap([{ role: 'user', content: 'ok' }, { role: 'assistant', content: '', toolCalls: [{ id: 1 }] }])), /message 2 is malformed/);
  // unknown fields are dropped, a reply cut off mid-write is stopped, the title comes from the first message
  const [got] = importConversations(wrap([{ role: 'user', content: 'Hello there', onclick: 'x' }, { role: 'assistant', content: '<think>a</think>b', status: 'generating' }]));
  assert.equal(got.title, 'Hello there');
  assert.equal(got.turns[0].onclick, undefined);
  assert.deepEqual({ ...got.turns[1], id: undefined }, { id: undefined, role: 'assistant', content: 'b', reasoning: 'a', status: 'stopped' });
  // hostile structured options are cleaned, not trusted
  const [s] = importConversations(JSON.stringify({ format: 'hearth-chat-export', conversations: [{ id: 'y', turns: [], structured: { output: '<b>', toolChoice: 'always', tools: 5 } }] }));
  assert.deepEqual(s.structured, PLAIN);
});

test('toMarkdown: speakers, reasoning quoted, JSON and calls fenced longer than any backticks inside', () => {
  const md = toMarkdown({
    id: 'm', title: 'T', created: 0, updated: 0, turns: [
      { id: 'u', role: 'user', content: 'q' },
      { id: 'a', role: 'assistant', content: '{"s":"```"}', json: true, reasoning: 'line1\nline2', toolCalls: [call('c', 'f', { x: 1 })] },
      { id: 't', role: 'tool', content: 'ok', name: 'f', toolCallId: 'c' },
    ],
  });
  assert.match(md, /^# T\n/);
  assert.match(md, /## You\n\nq\n/);
  assert.match(md, /> line1\n> line2/);
  assert.match(md, /````json\n\{"s":"```"\}\n````/);
  assert.match(md, /Calls `f`:\n\n```json\n\{"x":1\}\n```/);
  assert.match(md, /## Result of f\n\n```\nok\n```/);
});

test('titles and search', () => {
  assert.equal(titleFrom('  \n'), 'New chat');
  assert.equal(titleFrom('first line\nsecond'), 'first line');
  const long = 'word '.repeat(30);
  assert.ok(titleFrom(long).length <= 61 && titleFrom(long).endsWith('…'));
  const a = { id: 'a', title: 'Cats', created: 0, updated: 1, turns: [{ id: '1', role: 'user', content: 'about whiskers' }] };
  const b = { id: 'b', title: 'Dogs', created: 0, updated: 2, turns: [{ id: '2', role: 'assistant', content: '', toolCalls: [call('c', 'fetch_bone', {})] }] };
  assert.deepEqual(searchConversations([a, b], '').map((c) => c.id), ['b', 'a']);
  assert.deepEqual(searchConversations([a, b], 'CATS whisk').map((c) => c.id), ['a']);
  assert.deepEqual(searchConversations([a, b], 'fetch_bone').map((c) => c.id), ['b']);
  assert.deepEqual(searchConversations([a, b], 'cats dogs'), []);
});

test('structured options: what is checked, what a request gets', () => {
  assert.deepEqual(checkStructured(PLAIN), []);
  assert.deepEqual(structuredFields(PLAIN), {});
  assert.deepEqual(structuredFields({ ...PLAIN, output: 'json' }), { response_format: { type: 'json_object' } });
  const schema = { ...PLAIN, output: 'json_schema', schema: EXAMPLE_SCHEMA };
  assert.deepEqual(checkStructured(schema), []);
  assert.deepEqual(structuredFields(schema).response_format, { type: 'json_schema', json_schema: { name: 'reply', schema: JSON.parse(EXAMPLE_SCHEMA), strict: true } });
  assert.match(checkStructured({ ...schema, schema: '{"type": ' })[0].message, /The schema is not valid JSON/);
  assert.match(checkStructured({ ...schema, schema: '' })[0].message, /Write the JSON Schema/);
  assert.match(checkStructured({ ...schema, schema: '[1]' })[0].message, /is an object/);
  assert.deepEqual(checkStructured({ ...schema, schema: 'true' }), []);
  const grammar = { ...PLAIN, output: 'grammar', grammar: EXAMPLE_GRAMMAR };
  assert.deepEqual(structuredFields(grammar), { response_format: { type: 'grammar', grammar: EXAMPLE_GRAMMAR } });
  assert.equal(checkStructured({ ...grammar, grammar: ' ' })[0].field, 'grammar');
  const tools = { ...PLAIN, tools: EXAMPLE_TOOLS, toolChoice: 'required' };
  assert.deepEqual(structuredFields(tools), { tools: JSON.parse(EXAMPLE_TOOLS), tool_choice: 'required' });
  // one tool written as an object is a list of one
  assert.equal(parseTools(JSON.stringify(JSON.parse(EXAMPLE_TOOLS)[0])).tools.length, 1);
  for (const [text, why] of [
    ['[1]', /Tool 1 must look like/],
    ['[{"type": "function", "function": {"name": "a b"}}]', /needs a name/],
    ['[{"type": "function", "function": {"name": "f"}}, {"type": "function", "function": {"name": "f"}}]', /Two tools are named f/],
    ['[{"type": "function", "function": {"name": "f", "parameters": []}}]', /parameters of f must be a JSON Schema object/],
    ['not json', /^The tools are not valid JSON: /],
  ]) {
    const problems = checkStructured({ ...PLAIN, tools: text });
    assert.equal(problems.length, 1, text);
    assert.equal(problems[0].field, 'tools');
    assert.match(problems[0].message, why);
    assert.deepEqual(structuredFields({ ...PLAIN, tools: text }), {}, 'tools that do not parse are not sent');
  }
});

test('structured options: labels, JSON replies, sanitizing', () => {
  assert.equal(structuredLabel(undefined), null);
  assert.equal(structuredLabel(PLAIN), null);
  assert.equal(structuredLabel({ ...PLAIN, output: 'json_schema' }), 'JSON schema');
  assert.equal(structuredLabel({ ...PLAIN, output: 'json', tools: EXAMPLE_TOOLS }), 'JSON · 1 tool');
  assert.equal(structuredLabel({ ...PLAIN, tools: EXAMPLE_TOOLS, toolChoice: 'required' }), '1 tool (always called)');
  assert.equal(structuredLabel({ ...PLAIN, output: 'grammar', tools: EXAMPLE_TOOLS, toolChoice: 'none' }), 'Grammar · 1 tool (off)');
  assert.equal(repliesAreJson({ ...PLAIN, output: 'json' }), true);
  assert.equal(repliesAreJson({ ...PLAIN, output: 'grammar' }), false);
  assert.equal(repliesAreJson(undefined), false);
  assert.deepEqual(sanitizeStructured(null), PLAIN);
  assert.deepEqual(sanitizeStructured({ output: 'json', toolChoice: 'none', schema: 1, extra: true }), { ...PLAIN, output: 'json', toolChoice: 'none' });
  assert.equal(sanitizeStructured({ tools: 'x'.repeat(300_000) }).tools.length, 200_000);
});

test('settings: stored values are clamped, junk falls back to defaults', () => {
  assert.deepEqual(sanitizeSettings(undefined), DEFAULT_SETTINGS);
  const s = sanitizeSettings({ temperature: '5', topK: 12.6, maxTokens: -3, topP: 'x', backend: 'tpu', theme: 'dark', contextOverflow: 'error', evil: 1 });
  assert.equal(s.temperature, 2);
  assert.equal(s.topK, 13);
  assert.equal(s.maxTokens, 1);
  assert.equal(s.topP, DEFAULT_SETTINGS.topP);
  assert.equal(s.backend, 'auto');
  assert.equal(s.theme, 'dark');
  assert.equal(s.evil, undefined);
  assert.deepEqual(samplingFields(s), { temperature: 2, top_p: 0.95, top_k: 13, min_p: 0.05, max_tokens: 1, context_overflow: 'error' });
});

test('numbers as people read them', () => {
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1_234_567), '1.23 MB');
  assert.equal(formatBytes(491_000_000), '491 MB');
  assert.equal(formatBytes(-1), '?');
  assert.equal(formatDuration(0.85), '850 ms');
  assert.equal(formatDuration(4.24), '4.2 s');
  assert.equal(formatDuration(185), '3 min 5 s');
  assert.equal(formatDuration(3720), '1 h 2 min');
  assert.equal(formatRate(0), '–');
  assert.equal(formatRate(45.25), '45.3');
  assert.equal(downloadLine(3_200_000, 491_000_000, 12_500_000, 31), '3.20 MB of 491 MB · 12.5 MB/s · about 31 s left');
  const stats = { backend: 'webgpu', model: 'm', finish: 'length', prompt_tokens: 5, cached_tokens: 0, completion_tokens: 1, time_to_first_token_s: 0.12, prefill_tokens_per_s: 850, decode_tokens_per_s: 45.2, dropped_messages: 2 };
  assert.equal(statsLine(stats), 'TTFT 120 ms · prefill 850 tok/s · decode 45.2 tok/s · 1 token · WebGPU · hit the token limit · 2 oldest messages left out to fit the context');
  assert.match(statsLine({ ...stats, finish: 'tool_calls', dropped_messages: 0, backend: 'cpu' }), /· CPU$/);
});

test('models: fit from the device, families grouped smallest first, URLs checked', () => {
  const r = (id, family, size, mb) => ({ model_id: id, url: `https://x/${id}.gguf`, size, family, quantization: 'q4_0', context_length: 4096, vram_required_MB: mb });
  assert.equal(fitOf(r('a', 'f', 1, 1000), { webgpu: true }), 'fits');
  assert.equal(fitOf(r('a', 'f', 1, 3500), { webgpu: true }), 'tight');
  assert.equal(fitOf(r('a', 'f', 1, 5000), { webgpu: true }), 'too_big');
  assert.equal(fitOf(r('a', 'f', 1, 5000), { webgpu: true, deviceMemoryGB: 16 }), 'fits');
  const groups = groupByFamily([r('big', 'qwen3', 9, 1), r('x', 'llama-3.2', 5, 1), r('small', 'qwen3', 2, 1)]);
  assert.deepEqual(groups.map((g) => [g.label, g.models.map((m) => m.model_id)]), [['Qwen 3', ['small', 'big']], ['Llama 3.2', ['x']]]);
  assert.ok(checkModelUrl('https://huggingface.co/a/b/resolve/main/m.gguf') instanceof URL);
  assert.match(checkModelUrl('https://huggingface.co/a/b/blob/main/m.gguf').message, /resolve\/main/);
  assert.match(checkModelUrl('file:///etc/passwd').message, /only http/);
  assert.match(checkModelUrl('nope').message, /not a URL/);
});

test('errors in plain words keep the engine\'s message', () => {
  assert.deepEqual(explainError({ type: 'malformed_file', message: 'tensor table truncated' }), { title: 'This is not a valid GGUF model', detail: 'The file may be truncated or damaged. (tensor table truncated)', reload: false });
  assert.equal(explainError({ type: 'device_lost', message: 'x' }).reload, true);
  assert.match(explainError({ type: 'invalid_request_error', code: 'context_length_exceeded', message: 'prompt 900 > 512' }).detail, /drop the oldest messages.*prompt 900 > 512/);
  assert.equal(explainError('plain string').detail, 'plain string');
});
