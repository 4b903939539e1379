// The chat prompt of a request with tools, through the model's own template where it knows tools.
//
// The template is rendered with the tools first (a probe turn); the format it asks for (tool_formats.mts) is the
// format parsed. A template that does not render them, or asks for a format hearth does not parse,
// gets the generic format: the tools and how to call them go into the system message (or, where the
// template has no system role, the first user message), and earlier calls and results are written
// into the turns as text, so templates without tool roles (Gemma's alternation check) accept them.
//
// Earlier assistant calls carry `arguments` as JSON text (OpenAI's shape); templates iterate and
// tojson them as objects, so they are parsed before rendering.
import type { ChatPrompt } from '../engine.mjs';
import { HearthError } from '../errors.mjs';
import { formatOfRenderedPrompt, TOOL_FORMATS, type ToolFormat } from './tool_formats.mjs';
import type { ChatMessage, FunctionTool, TextContentPart } from './types.mjs';

/** Renders messages (with or without tools) through the request's template. */
export type Renderer = (messages: readonly unknown[], tools: readonly FunctionTool[] | null) => ChatPrompt;

export interface ToolPrompt {
  format: ToolFormat;
  /** Renders a (possibly shortened) conversation in the chosen format. */
  render: (messages: readonly ChatMessage[]) => ChatPrompt;
}

const textOf = (c: ChatMessage['content']): string =>
  c === null ? '' : typeof c === 'string' ? c : c.map((p: TextContentPart) => p.text).join('');

/** Messages as templates expect them: tool call arguments as objects. */
export function templateMessages(messages: readonly ChatMessage[]): unknown[] {
  return messages.map((m) => {
    if (!m.tool_calls) return m;
    return {
      ...m,
      tool_calls: m.tool_calls.map((c) => {
        let args: unknown = c.function.arguments;
        try {
          const parsed: unknown = JSON.parse(c.function.arguments);
          if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) args = parsed;
        } catch { /* left as text */ }
        return { ...c, function: { ...c.function, arguments: args } };
      }),
    };
  });
}

/** hearth's instructions for the generic format. */
export function genericInstructions(tools: readonly FunctionTool[]): string {
  const lines = tools.map((t) => JSON.stringify({
    name: t.function.name,
    ...(t.function.description ? { description: t.function.description } : {}),
    parameters: t.function.parameters ?? { type: 'object' },
  }));
  return [
    'You can call these functions (their parameters are JSON Schemas):',
    ...lines,
    'To call functions, reply with one line per call and nothing else:',
    '<tool_call>{"name": "<function name>", "arguments": <the arguments as a JSON object>}</tool_call>',
    'Results come back in <tool_response></tool_response>.',
  ].join('\n');
}

/** The conversation for a template that knows no tools: calls and results as text in the turns. */
function genericMessages(messages: readonly ChatMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of messages) {
    if (m.role === 'assistant' && m.tool_calls?.length) {
      const calls = m.tool_calls.map((c) => `<tool_call>{"name": ${JSON.stringify(c.function.name)}, "arguments": ${c.function.arguments}}</tool_call>`);
      const text = textOf(m.content);
      out.push({ role: 'assistant', content: [text, ...calls].filter((s) => s).join('\n') });
    } else if (m.role === 'tool') {
      const result = `<tool_response>\n${textOf(m.content)}\n</tool_response>`;
      const last = out[out.length - 1];
      // several results of one turn's calls become one user turn
      if (last && last.role === 'user' && typeof last.content === 'string' && last.content.startsWith('<tool_response>'))
        last.content += `\n${result}`;
      else out.push({ role: 'user', content: result });
    } else {
      out.push({ role: m.role, content: m.content });
    }
  }
  return out;
}

function withInstructions(messages: ChatMessage[], text: string, where: 'system' | 'user'): ChatMessage[] {
  if (where === 'system') {
    const first = messages[0];
    if (first && (first.role === 'system' || first.role === 'developer'))
      return [{ role: first.role, content: `${text}\n\n${textOf(first.content)}` }, ...messages.slice(1)];
    return [{ role: 'system', content: text }, ...messages];
  }
  const i = messages.findIndex((m) => m.role === 'user');
  if (i < 0) return [{ role: 'user', content: text }, ...messages];
  const copy = [...messages];
  copy[i] = { role: 'user', content: `${text}\n\n${textOf(copy[i]!.content)}` };
  return copy;
}

/** Chooses the format by rendering a one-message probe with the tools (the conversation itself may
 * hold turns only one of the formats can render), and returns a renderer for it. */
export function toolPrompt(tools: readonly FunctionTool[], renderer: Renderer): ToolPrompt {
  let native: ReturnType<typeof formatOfRenderedPrompt> = null;
  try {
    native = formatOfRenderedPrompt(renderer([{ role: 'user', content: 'Hello' }], tools).prompt);
  } catch (e) {
    if (!(e instanceof HearthError)) throw e; // a template that cannot take tools this way: generic
  }
  if (native) {
    return { format: TOOL_FORMATS[native], render: (m) => renderer(templateMessages(m), tools) };
  }
  const instructions = genericInstructions(tools);
  let where: 'system' | 'user' = 'system';
  const render = (m: readonly ChatMessage[]): ChatPrompt => {
    const converted = genericMessages(m);
    if (where === 'system') {
      try {
        return renderer(withInstructions(converted, instructions, 'system'), null);
      } catch (e) {
        // a template without a system role (Gemma's raises): the first user message carries them
        if (!(e instanceof HearthError)) throw e;
        where = 'user';
      }
    }
    return renderer(withInstructions(converted, instructions, 'user'), null);
  };
  return { format: TOOL_FORMATS.generic, render };
}
