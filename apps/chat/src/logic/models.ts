// The model picker's logic: the catalog grouped by family, and whether a model fits this device.
//
// Browsers do not say how much memory a GPU has (WebGPU adapters expose limits, not sizes), so the
// fit is an estimate: the budget is the device-memory hint (navigator.deviceMemory, which Chromium
// caps at 8 GB) at 3/4, else 4 GB; on the CPU path the model and its KV cache live in wasm memory,
// 4 GB at most. "tight" means within the budget but close to it.

/** The fields of hearth's ModelRecord the picker uses. */
export interface PickerRecord {
  model_id: string;
  url: string;
  size: number;
  family: string;
  quantization: string;
  context_length: number;
  vram_required_MB: number;
  chat_template?: string;
}

export interface DeviceInfo {
  webgpu: boolean;
  /** navigator.deviceMemory in GB, where the browser gives it. */
  deviceMemoryGB?: number | undefined;
  /** The adapter's largest buffer, bytes (a model's largest tensor must be split below it). */
  maxBufferSize?: number | undefined;
}

export type Fit = 'fits' | 'tight' | 'too_big';

const WASM_LIMIT_MB = 4096;

/** The memory budget in MB the fit is judged against. */
export function budgetMB(device: DeviceInfo): number {
  if (!device.webgpu) return WASM_LIMIT_MB;
  return device.deviceMemoryGB ? device.deviceMemoryGB * 1024 * 0.75 : 4096;
}

export function fitOf(record: PickerRecord, device: DeviceInfo): Fit {
  const need = record.vram_required_MB;
  const budget = budgetMB(device);
  if (need > budget) return 'too_big';
  return need > 0.8 * budget ? 'tight' : 'fits';
}

const FAMILY_LABELS: Readonly<Record<string, string>> = {
  'llama-3.2': 'Llama 3.2',
  'llama-3.1': 'Llama 3.1',
  'qwen2.5': 'Qwen 2.5',
  'qwen3': 'Qwen 3',
  'phi-3.5': 'Phi 3.5',
  'gemma-2': 'Gemma 2',
  'gemma-3': 'Gemma 3',
  'mistral': 'Mistral',
  'smollm2': 'SmolLM2',
};

export const familyLabel = (family: string): string => FAMILY_LABELS[family] ?? family;

export interface FamilyGroup {
  family: string;
  label: string;
  models: PickerRecord[];
}

/** The records grouped by family, groups in catalog order, models smallest first. */
export function groupByFamily(records: readonly PickerRecord[]): FamilyGroup[] {
  const groups = new Map<string, FamilyGroup>();
  for (const r of records) {
    let g = groups.get(r.family);
    if (!g) groups.set(r.family, (g = { family: r.family, label: familyLabel(r.family), models: [] }));
    g.models.push(r);
  }
  for (const g of groups.values()) g.models.sort((a, b) => a.size - b.size);
  return [...groups.values()];
}

/** Whether `text` is a URL the app may download a model from: http(s), and for Hugging Face a
 * file link (resolve/, not the blob/ page that shows it). Returns the URL, or an Error saying why not. */
export function checkModelUrl(text: string): URL | Error {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return new Error('that is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return new Error('only http(s) links can be downloaded');
  if (url.hostname === 'huggingface.co' && url.pathname.includes('/blob/'))
    return new Error('that is the page of the file; use its download link (…/resolve/main/….gguf)');
  return url;
}
