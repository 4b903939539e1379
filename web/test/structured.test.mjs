// response_format on stories260K under Node (CPU): json_object, json_schema (streamed and not),
// hearth's GBNF extension, and the errors of bad formats. With temperature 1 and many seeds, every
// reply must parse and match its schema: the model gets no say in the shape.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import Ajv from 'ajv';

import { CreateEngine, HearthError, InvalidRequestError } from '../dist/index.mjs';

const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));
const TEMPLATE = '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}';
const ASK = [{ role: 'user', content: 'Once upon a time' }];
const engine = await CreateEngine(MODEL, { backend: 'cpu' });

const PERSON = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 12 },
    age: { type: 'integer', minimum: 0, maximum: 120 },
    pet: { enum: ['cat', 'dog', null] },
  },
  required: ['name', 'age'],
  additionalProperties: false,
};

const validPerson = new Ajv({ strict: true }).compile(PERSON);  // an independent validator

function checkPerson(text) {
  const v = JSON.parse(text);
  assert.ok(validPerson(v), `${text}: ${JSON.stringify(validPerson.errors)}`);
  assert.equal(typeof v, 'object');
  assert.deepEqual(Object.keys(v).filter((k) => !['name', 'age', 'pet'].includes(k)), [], text);
  assert.equal(typeof v.name, 'string');
  assert.ok([...v.name].length >= 1 && [...v.name].length <= 12, text);
  assert.ok(Number.isInteger(v.age) && v.age >= 0 && v.age <= 120, text);
  if ('pet' in v) assert.ok(['cat', 'dog', null].includes(v.pet), text);
}

test('json_schema: 30 seeded replies at temperature 1 all parse and validate, and stop', async () => {
  for (let seed = 1; seed <= 30; seed++) {
    const r = await engine.chat.completions.create({
      messages: ASK, chat_template: TEMPLATE, temperature: 1, seed, max_tokens: 120,
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema: PERSON, strict: true } },
    });
    checkPerson(r.choices[0].message.content);
    assert.equal(r.choices[0].finish_reason, 'stop');
  }
});

test('json_schema streamed: the deltas join into a valid reply', async () => {
  for (let seed = 1; seed <= 5; seed++) {
    const stream = await engine.chat.completions.create({
      messages: ASK, chat_template: TEMPLATE, temperature: 1, seed, max_tokens: 120, stream: true,
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema: PERSON } },
    });
    let text = '';
    let finish = null;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    checkPerson(text);
    assert.equal(finish, 'stop');
  }
});

test('json_object: replies that end are JSON objects', async () => {
  let ended = 0;
  for (let seed = 1; seed <= 10; seed++) {
    const r = await engine.completions.create({ prompt: 'Zoo', temperature: 1, seed, max_tokens: 400, response_format: { type: 'json_object' } });
    const text = r.choices[0].text;
    if (r.choices[0].finish_reason === 'length') {
      assert.ok(text.startsWith('{'), text);  // cut off by max_tokens, but on the way to an object
      continue;
    }
    ended++;
    const v = JSON.parse(text);
    assert.ok(v && typeof v === 'object' && !Array.isArray(v), text);
  }
  assert.ok(ended >= 1, 'no json_object reply ended within max_tokens');
});

test('grammar (GBNF): the reply is in the grammar', async () => {
  const grammar = 'root ::= ("yes" | "no") ", because " [a-z]{1,8} "."';
  for (let seed = 1; seed <= 10; seed++) {
    const r = await engine.completions.create({ prompt: 'Zoo', temperature: 1, seed, max_tokens: 60, response_format: { type: 'grammar', grammar } });
    assert.match(r.choices[0].text, /^(yes|no), because [a-z]{1,8}\.$/);
  }
});

test('bad formats name the field; an unsupported schema is a clear error and the engine goes on', async () => {
  const bad = async (format, param) => assert.rejects(
    engine.chat.completions.create({ messages: ASK, chat_template: TEMPLATE, max_tokens: 5, response_format: format }),
    (e) => e instanceof InvalidRequestError && e.param === param);
  await bad('json', 'response_format');
  await bad({ type: 'xml' }, 'response_format.type');
  await bad({ type: 'json_schema' }, 'response_format.json_schema');
  await bad({ type: 'json_schema', json_schema: { schema: {} } }, 'response_format.json_schema.name');
  await bad({ type: 'json_schema', json_schema: { name: 'x', schema: 3 } }, 'response_format.json_schema.schema');
  await bad({ type: 'json_object', schema: {} }, 'response_format.schema');
  await bad({ type: 'grammar', grammar: '' }, 'response_format.grammar');
  await assert.rejects(
    engine.completions.create({ prompt: 'Zoo', max_tokens: 5, response_format: { type: 'grammar', grammar: 'root ::= missing' } }),
    (e) => e instanceof HearthError && /never defined/.test(e.message));
  await assert.rejects(
    engine.completions.create({ prompt: 'Zoo', max_tokens: 5, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'string', dependentSchemas: { a: {} } } } } }),
    (e) => e instanceof HearthError && /dependentSchemas/.test(e.message));
  const r = await engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 5, response_format: { type: 'text' } });
  assert.equal(r.choices[0].finish_reason, 'length');
});
