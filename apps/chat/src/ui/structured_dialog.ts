// "Output & tools": the conversation's output format (plain text, any JSON object, JSON matching a
// schema, a GBNF grammar) and the functions the model may call. What is typed is checked on save
// and each problem is shown under its field; nothing is kept until it can be sent.
import {
  checkStructured, EXAMPLE_GRAMMAR, EXAMPLE_SCHEMA, EXAMPLE_TOOLS, PLAIN, sanitizeStructured, type FieldProblem, type StructuredOptions,
} from '../logic/structured.ts';
import { closeOnBackdrop, dialogFrame, field, formValues, select, showModal } from './dialog.ts';
import { h } from './dom.ts';

const OUTPUTS: [StructuredOptions['output'], string, string][] = [
  ['text', 'Text', 'the model writes as it likes (Markdown)'],
  ['json', 'JSON', 'any JSON object'],
  ['json_schema', 'JSON Schema', 'JSON that matches the schema below'],
  ['grammar', 'Grammar', 'text that follows a GBNF grammar'],
];

export class StructuredDialog {
  readonly #dialog: HTMLDialogElement;
  readonly #onSave: (o: StructuredOptions) => void;

  constructor(dialog: HTMLDialogElement, onSave: (o: StructuredOptions) => void) {
    this.#dialog = dialog;
    this.#onSave = onSave;
    closeOnBackdrop(dialog);
  }

  open(o: StructuredOptions): void {
    const form = h('form', { class: 'settings-form', attrs: { 'data-testid': 'structured-form', novalidate: true } });
    const radios = h('div', { class: 'choice-row', attrs: { role: 'radiogroup', 'aria-label': 'Output' } }, ...OUTPUTS.map(([value, label, hint]) =>
      h('label', { class: 'choice' },
        h('input', { attrs: { type: 'radio', name: 'output', value, checked: o.output === value, 'data-testid': `output-${value}` } }),
        h('span', { class: 'choice-text' }, h('span', { class: 'choice-label', text: label }), h('span', { class: 'field-hint', text: hint })))));
    form.append(h('fieldset', { class: 'plain-fieldset' }, h('legend', { class: 'field-label', text: 'Output' }), radios));

    const schema = code('schema', o.schema, 10, '{"type": "object", "properties": {...}}');
    const grammar = code('grammar', o.grammar, 5, 'root ::= ...');
    const tools = code('tools', o.tools, 10, '[{"type": "function", "function": {"name": ..., "parameters": {...}}}]');
    const schemaField = block('JSON Schema', schema, 'schema', EXAMPLE_SCHEMA, 'Every reply is JSON valid against it: the engine allows only tokens that keep it so.');
    const grammarField = block('Grammar (GBNF)', grammar, 'grammar', EXAMPLE_GRAMMAR, 'llama.cpp\'s GBNF: rules, alternatives, character classes, repetition.');
    form.append(schemaField, grammarField);
    form.append(block('Tools', tools, 'tools', EXAMPLE_TOOLS,
      'Functions the model may call, as OpenAI tool definitions. The arguments always match each function\'s parameters; you write the results.'));
    form.append(field('When to call', select('toolChoice', o.toolChoice,
      [['auto', 'The model decides'], ['required', 'Always call a tool'], ['none', 'Never call (tools off)']], 'tool-choice')));

    const showFields = (): void => {
      const output = (new FormData(form).get('output') as string | null) ?? 'text';
      schemaField.hidden = output !== 'json_schema';
      grammarField.hidden = output !== 'grammar';
    };
    form.addEventListener('change', showFields);
    showFields();

    form.append(h('div', { class: 'dialog-buttons' },
      h('button', { class: 'button', attrs: { type: 'button', 'data-testid': 'structured-reset' }, text: 'Plain chat', on: { click: () => this.open({ ...PLAIN }) } }),
      h('button', { class: 'button primary', attrs: { type: 'submit', 'data-testid': 'structured-save' }, text: 'Save' })));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const next = sanitizeStructured(formValues(form));
      const problems = checkStructured(next);
      showProblems(form, problems);
      if (problems.length) return;
      this.#onSave(next);
      this.#dialog.close();
    });
    dialogFrame(this.#dialog, 'Output & tools',
      h('p', { class: 'muted dialog-lead', text: 'For this conversation. The engine constrains every token, so replies always parse.' }), form);
    showModal(this.#dialog);
  }
}

function code(name: string, value: string, rows: number, placeholder: string): HTMLTextAreaElement {
  const area = h('textarea', { class: 'code-input', attrs: { name, rows, placeholder, spellcheck: 'false', 'data-testid': `${name}-input` } });
  area.value = value;
  return area;
}

/** A labelled code box with an "Insert an example" button and a place for its problem. */
function block(label: string, area: HTMLTextAreaElement, name: FieldProblem['field'], example: string, hint: string): HTMLElement {
  return h('div', { class: 'field', attrs: { 'data-field': name } },
    h('div', { class: 'field-head' },
      h('span', { class: 'field-label', text: label }),
      h('button', { class: 'link-button', attrs: { type: 'button' }, text: 'Insert an example', on: { click: () => { area.value = example; } } })),
    area,
    h('span', { class: 'field-hint', text: hint }),
    h('span', { class: 'field-error', attrs: { role: 'alert', 'data-testid': `${name}-error` } }));
}

function showProblems(form: HTMLFormElement, problems: FieldProblem[]): void {
  for (const el of form.querySelectorAll<HTMLElement>('[data-field] .field-error')) el.textContent = '';
  for (const p of problems) {
    const el = form.querySelector<HTMLElement>(`[data-field=${p.field}] .field-error`);
    if (el) el.textContent = p.message;
  }
}
