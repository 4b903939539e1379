// Boots the chat app: settings and theme, the device's WebGPU, the app's default model
// (hearth-app.json, written by `hearth serve --app`), the conversations, the views, the service
// worker that keeps the app usable offline, and drag-and-drop of .gguf files.
import { ChatController } from './chat_controller.ts';
import type { DeviceInfo, PickerRecord } from './logic/models.ts';
import type { Settings } from './logic/settings.ts';
import { ModelController } from './model_controller.ts';
import { openConversationStore } from './store/conversations_db.ts';
import { loadLastModel, loadSettings, saveSettings } from './store/settings_store.ts';
import { Composer } from './ui/composer.ts';
import { $, h, icon, iconButton } from './ui/dom.ts';
import { SettingsDialog } from './ui/settings_dialog.ts';
import { StructuredDialog } from './ui/structured_dialog.ts';
import { structuredLabel } from './logic/structured.ts';
import { StatusView } from './ui/status_view.ts';
import './styles.css';

declare global {
  interface Window {
    /** For tests and people debugging: the app's controllers. */
    hearthChat?: { chat: ChatController; models: ModelController };
  }
}

function applyTheme(s: Settings): void {
  if (s.theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = s.theme;
}

async function detectDevice(): Promise<DeviceInfo> {
  const memory = (navigator as { deviceMemory?: number }).deviceMemory;
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ limits: { maxBufferSize: number } } | null> } }).gpu;
  if (!gpu) return { webgpu: false, deviceMemoryGB: memory };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { webgpu: false, deviceMemoryGB: memory };
    return { webgpu: true, deviceMemoryGB: memory, maxBufferSize: adapter.limits.maxBufferSize };
  } catch {
    return { webgpu: false, deviceMemoryGB: memory };
  }
}

/** The model this deployment offers first, if it says (a relative URL is against the page). */
async function defaultModel(): Promise<PickerRecord | null> {
  try {
    const r = await fetch('hearth-app.json', { cache: 'no-cache' });
    if (!r.ok) return null;
    const m = (await r.json()).default_model as PickerRecord | undefined;
    if (!m || typeof m.url !== 'string' || typeof m.model_id !== 'string') return null;
    return { ...m, url: new URL(m.url, location.href).href };
  } catch {
    return null;
  }
}

function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || new URLSearchParams(location.search).get('sw') === 'off') return;
  navigator.serviceWorker.register('sw.js').catch((e: Error) => console.warn(`hearth chat: no offline support (${e.message})`));
}

async function main(): Promise<void> {
  let settings = loadSettings();
  applyTheme(settings);
  registerServiceWorker();
  const status = new StatusView($('#status'), $('#notices'), $('#toasts'));
  const [device, appModel, store] = await Promise.all([detectDevice(), defaultModel(), openConversationStore()]);
  const app = $('#app');

  const modelButton = $('#model-button') as HTMLButtonElement;
  let chat: ChatController | null = null;
  const models = new ModelController({
    dialog: $('#models-dialog') as HTMLDialogElement, status, defaultModel: appModel, device, settings: () => settings,
    onChange: () => {
      const s = models.state;
      const text = s.kind === 'none' ? 'Choose a model' : s.kind === 'loading' ? `Loading ${s.label}…` : s.kind === 'error' ? `${s.label} · failed` : `${s.label}`;
      modelButton.replaceChildren(icon('chip'), h('span', { class: 'model-button-text', text }));
      if (s.kind === 'ready')
        modelButton.append(h('span', { class: `backend-pill backend-${s.backend}`, attrs: { 'data-testid': 'backend' }, text: s.backend === 'webgpu' ? 'WebGPU' : 'CPU' }));
      app.dataset.model = s.kind;
      chat?.refreshComposer();
    },
  });
  modelButton.addEventListener('click', () => void models.openPicker());

  const closeDrawer = (): void => app.classList.remove('drawer-open');
  let composer: Composer | null = null;
  chat = new ChatController({
    store, models, status, settings: () => settings, messagesRoot: $('#messages'), sidebarRoot: $('#sidebar'),
    empty: () => emptyState(models), onSelect: closeDrawer,
    onStructured: () => composer?.setStructured(structuredLabel(chat?.structured)),
  });
  const structuredDialog = new StructuredDialog($('#structured-dialog') as HTMLDialogElement, (o) => chat.setStructured(o));
  composer = new Composer($('#composer') as HTMLFormElement, (t) => void chat.send(t), () => chat.stop(), () => structuredDialog.open(chat.structured));
  chat.composer = composer;

  const settingsDialog = new SettingsDialog($('#settings-dialog') as HTMLDialogElement, (s) => {
    const reload = s.backend !== settings.backend || s.contextSize !== settings.contextSize;
    settings = s;
    saveSettings(s);
    applyTheme(s);
    status.toast(reload && models.state.kind !== 'none' ? 'Saved; reloading the model with the new backend and context' : 'Saved');
    if (reload && models.state.kind !== 'none') models.reloadCurrent();
  });
  $('#topbar-actions').replaceChildren(
    iconButton('settings', 'Settings', () => settingsDialog.open(settings), { testid: 'open-settings' }),
    iconButton('moon', 'Switch light or dark', () => {
      const dark = document.documentElement.dataset.theme === 'dark' || (!document.documentElement.dataset.theme && matchMedia('(prefers-color-scheme: dark)').matches);
      settings = { ...settings, theme: dark ? 'light' : 'dark' };
      saveSettings(settings);
      applyTheme(settings);
    }, { testid: 'toggle-theme' }),
  );
  $('#menu-button').addEventListener('click', () => app.classList.toggle('drawer-open'));
  $('#scrim').addEventListener('click', closeDrawer);

  // notices that stand while they are true
  const online = (): void => status.notice('offline', navigator.onLine ? null : 'You are offline. The app and downloaded models keep working; downloads wait for the network.');
  addEventListener('online', online);
  addEventListener('offline', online);
  online();
  if (!device.webgpu)
    status.notice('no-webgpu', 'This browser has no WebGPU, so models run on the CPU: it works, but slower. Small models are the ones to try.');
  if (!store.persistent) status.notice('memory-store', 'This browser refused storage: chats are kept for this tab only.');

  // a .gguf dropped anywhere on the page is loaded in place
  let depth = 0;
  addEventListener('dragenter', (e: DragEvent) => {
    if (e.dataTransfer?.types.includes('Files')) app.classList.toggle('dropping', ++depth > 0);
  });
  addEventListener('dragleave', () => app.classList.toggle('dropping', --depth > 0));
  addEventListener('dragover', (e) => e.preventDefault());
  addEventListener('drop', (e: DragEvent) => {
    e.preventDefault();
    depth = 0;
    app.classList.remove('dropping');
    const file = e.dataTransfer?.files[0];
    if (!file) return;
    if (!/\.gguf$/i.test(file.name)) return status.toast(`${file.name} is not a .gguf file`);
    void models.load({ kind: 'file', file });
  });

  window.hearthChat = { chat, models };
  await chat.start();
  composer.focus();
  app.dataset.ready = 'true';
  await models.loadInitial(loadLastModel());
}

function emptyState(models: ModelController): Node {
  return h('div', { class: 'empty' },
    h('div', { class: 'empty-mark', attrs: { 'aria-hidden': 'true' } }),
    h('h1', { text: 'Chat with a model that runs on this device' }),
    h('p', { class: 'muted', text: 'Nothing you type leaves your browser: the model runs here, on the GPU through WebGPU or on the CPU.' }),
    models.ready ? null : h('button', { class: 'button primary', attrs: { type: 'button' }, text: 'Choose a model', on: { click: () => void models.openPicker() } }));
}

main().catch((e: unknown) => {
  const box = document.getElementById('status');
  if (box) {
    box.hidden = false;
    box.className = 'status status-error';
    box.textContent = `The app could not start: ${(e as Error).message ?? String(e)}`;
  }
  console.error(e);
});
