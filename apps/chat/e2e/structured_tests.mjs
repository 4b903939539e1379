// The "Output & tools" panel end to end, inside a chat suite (the page has the default model
// loaded): a JSON Schema conversation whose replies parse and validate, a mistyped schema pointed
// out in the dialog, a tool call answered by the person and continued, reasoning (a grammar makes
// the tiny model write a <think> block) shown collapsed, and search and export over what was said.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { screenshots, sendAndWatch, texts, waitFor } from './chat_page.mjs';

const SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 20 },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    pets: { type: 'array', items: { enum: ['cat', 'dog', 'bird'] }, maxItems: 3 },
  },
  required: ['name', 'age'],
  additionalProperties: false,
};

const WEATHER = [{
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string', minLength: 1, maxLength: 24 } }, required: ['city'], additionalProperties: false },
  },
}];

const THINKING = 'root ::= "<think>" [a-z ]{4,40} "</think>" [a-z ]{4,40} "."';

/** Opens the dialog, sets its fields ({output, schema, grammar, tools, toolChoice}) and saves. */
async function setStructured(page, fields) {
  await page.click('[data-testid=open-structured]');
  await waitFor(page, () => document.querySelector('[data-testid=structured-dialog]')?.open === true && document.querySelector('[data-testid=structured-form]'));
  await page.click('[data-testid=structured-reset]');
  await page.evaluate((f) => {
    const form = document.querySelector('[data-testid=structured-form]');
    if (f.output) form.querySelector(`[data-testid=output-${f.output}]`).click();
    for (const k of ['schema', 'grammar', 'tools', 'toolChoice']) if (f[k] !== undefined) form.elements[k].value = f[k];
  }, fields);
  await page.click('[data-testid=structured-save]');
}


const chip = (page) => page.evaluate(() => {
  const c = document.querySelector('[data-testid=structured-chip]');
  return c.hidden ? null : c.textContent;
});


export function structuredTests(name, getPage) {
  test('a JSON Schema chat: the reply is JSON valid against the schema, shown as a JSON block', async () => {
    const page = getPage();
    await page.click('[data-testid=new-chat]');
    await setStructured(page, { output: 'json_schema', schema: JSON.stringify(SCHEMA, null, 2) });
    await waitFor(page, () => document.querySelector('[data-testid=structured-dialog]')?.open === false);
    assert.equal(await chip(page), 'JSON schema');
    const r = await sendAndWatch(page, 'Tell me about a girl who has a cat');
    assert.equal(r.error, null);
    const shown = await page.evaluate(() => document.querySelector('.turn-assistant:last-of-type .answer .code-lang')?.textContent);
    assert.equal(shown, 'json');
    const text = await page.evaluate(() => document.querySelector('.turn-assistant:last-of-type .answer code').textContent);
    const v = JSON.parse(text);
    assert.deepEqual(Object.keys(v).filter((k) => !['name', 'age', 'pets'].includes(k)), [], text);
    assert.ok(typeof v.name === 'string' && v.name.length >= 1 && v.name.length <= 20, text);
    assert.ok(Number.isInteger(v.age) && v.age >= 0 && v.age <= 150, text);
    if (v.pets !== undefined) assert.ok(Array.isArray(v.pets) && v.pets.length <= 3 && v.pets.every((p) => ['cat', 'dog', 'bird'].includes(p)), text);
    await screenshots(page, name, 'json-schema');
  });

  test('a mistyped schema is pointed out in the dialog and the one in force is kept', async () => {
    const page = getPage();
    await setStructured(page, { output: 'json_schema', schema: '{"type": "object", ' });
    const error = await page.evaluate(() => document.querySelector('[data-testid=schema-error]').textContent);
    assert.match(error, /^The schema is not valid JSON: /);
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid=structured-dialog]').open), true, 'the dialog stays open');
    await screenshots(page, name, 'schema-error');
    await page.evaluate(() => document.querySelector('[data-testid=structured-dialog]').close());
    assert.equal(await chip(page), 'JSON schema');
  });

  test('a tool call shows as a card; the result the person writes goes back and the model goes on', async () => {
    const page = getPage();
    await page.click('[data-testid=new-chat]');
    assert.equal(await chip(page), null, 'a new chat starts plain');
    await setStructured(page, { output: 'text', tools: JSON.stringify(WEATHER, null, 2), toolChoice: 'required' });
    assert.equal(await chip(page), '1 tool (always called)');
    const r = await sendAndWatch(page, 'What is the weather in Paris?');
    assert.equal(r.error, null);
    await waitFor(page, () => !document.querySelector('.is-generating') && document.querySelector('[data-testid=tool-results]'));
    const calls = await page.evaluate(() => [...document.querySelectorAll('.turn-assistant [data-testid=tool-calls] .tool-call')].map((c) => ({
      name: c.querySelector('.tool-call-name').textContent, args: c.querySelector('code.lang-json').textContent,
    })));
    assert.ok(calls.length >= 1, 'at least one call');
    for (const c of calls) {
      assert.equal(c.name, 'get_weather');
      const args = JSON.parse(c.args);
      assert.deepEqual(Object.keys(args), ['city']);
      assert.ok(args.city.length >= 1 && args.city.length <= 24);
    }
    await screenshots(page, name, 'tool-call');
    await page.evaluate(() => {
      for (const a of document.querySelectorAll('[data-testid=tool-result-input]')) a.value = '{"temperature": 18, "sky": "clear"}';
    });
    await page.click('[data-testid=send-tool-results]');
    await waitFor(page, () => !document.querySelector('.is-generating') && document.querySelectorAll('.turn-assistant').length === 2);
    const results = await texts(page, '.turn-tool .tool-result');
    assert.equal(results.length, calls.length);
    for (const t of results) assert.match(t, /^Result ofget_weather.*"temperature": 18/s);
    assert.equal(await page.evaluate(() => document.querySelector('.turn-assistant:last-of-type .turn-error')?.textContent ?? null), null);
  });

  test('reasoning: a <think> block the model writes shows collapsed above its answer', async () => {
    const page = getPage();
    await page.click('[data-testid=new-chat]');
    await setStructured(page, { output: 'grammar', grammar: THINKING });
    assert.equal(await chip(page), 'Grammar');
    const r = await sendAndWatch(page, 'Once upon a time');
    assert.equal(r.error, null);
    const shown = await page.evaluate(() => {
      const a = document.querySelector('.turn-assistant:last-of-type');
      const d = a.querySelector('details.reasoning');
      return { summary: d?.querySelector('summary').textContent, open: d?.open, thought: d?.querySelector('.reasoning-text').textContent, answer: a.querySelector('.answer').textContent };
    });
    assert.equal(shown.summary, 'Reasoning');
    assert.equal(shown.open, false);
    assert.match(shown.thought, /^[a-z ]{1,40}$/);
    assert.match(shown.answer.trim(), /^[a-z ]*\.$/);
    await page.click('.turn-assistant:last-of-type details.reasoning summary');
    await screenshots(page, name, 'reasoning');
  });

  test('search finds a chat by what was said; export gives every chat as JSON and as Markdown', async () => {
    const page = getPage();
    await page.evaluate(() => {
      const s = document.querySelector('[data-testid=search]');
      s.value = 'weather paris';
      s.dispatchEvent(new Event('input', { bubbles: true }));
    });
    assert.deepEqual(await texts(page, '.conversation-title'), ['What is the weather in Paris?']);
    await screenshots(page, name, 'search');
    await page.evaluate(() => {
      const s = document.querySelector('[data-testid=search]');
      s.value = '';
      s.dispatchEvent(new Event('input', { bubbles: true }));
      // what the export buttons hand to the browser's download
      window.__exports = [];
      const create = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (blob) => {
        window.__exports.push(blob);
        return create(blob);
      };
    });
    await page.click('[data-testid=export-json]');
    await page.click('[data-testid=export-md]');
    await waitFor(page, () => window.__exports.length === 2);
    const [json, md] = await page.evaluate(() => Promise.all(window.__exports.map((b) => b.text())));
    const data = JSON.parse(json);
    assert.equal(data.format, 'hearth-chat-export');
    const tools = data.conversations.find((c) => c.title === 'What is the weather in Paris?');
    assert.equal(tools.structured.toolChoice, 'required');
    assert.ok(tools.turns.some((t) => t.role === 'tool' && t.name === 'get_weather'));
    assert.ok(tools.turns.some((t) => t.role === 'assistant' && t.toolCalls?.[0]?.name === 'get_weather'));
    assert.match(md, /## Result of get_weather/);
    assert.match(md, /Calls `get_weather`:/);
    assert.equal((md.match(/^# /gm) ?? []).length, data.conversations.length);
  });
}
