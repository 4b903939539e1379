// Settings and the last model, per browser (localStorage), checked on the way in.
import { sanitizeSettings, type Settings } from '../logic/settings.ts';

const KEY = 'hearth-chat/settings';
const MODEL_KEY = 'hearth-chat/last-model';

export function loadSettings(): Settings {
  try {
    return sanitizeSettings(JSON.parse(localStorage.getItem(KEY) ?? '{}'));
  } catch {
    return sanitizeSettings({});
  }
}

export function saveSettings(s: Settings): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(s));
  } catch {
    // storage full or refused: the settings hold for this tab
  }
}

/** The model last loaded: a catalog id or URL (files cannot be reopened without the user). */
export function loadLastModel(): string | null {
  try {
    return localStorage.getItem(MODEL_KEY);
  } catch {
    return null;
  }
}

export function saveLastModel(id: string | null): void {
  try {
    if (id === null) localStorage.removeItem(MODEL_KEY);
    else localStorage.setItem(MODEL_KEY, id);
  } catch {
    // as above
  }
}
