// Conversations in IndexedDB: one object store keyed by id. Survives reloads and holds far more
// than localStorage's few MB. Where IndexedDB is refused (private modes of some browsers) the app
// keeps conversations in memory for the tab and says so.
import type { Conversation } from '../logic/conversation.ts';

const DB_NAME = 'hearth-chat';
const STORE = 'conversations';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((ok, fail) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error ?? new Error('IndexedDB request failed'));
  });
}

export interface ConversationStore {
  readonly persistent: boolean;
  all(): Promise<Conversation[]>;
  put(c: Conversation): Promise<void>;
  delete(id: string): Promise<void>;
}

class IdbStore implements ConversationStore {
  readonly persistent = true;
  constructor(private readonly db: IDBDatabase) {}

  async all(): Promise<Conversation[]> {
    return request(this.db.transaction(STORE, 'readonly').objectStore(STORE).getAll() as IDBRequest<Conversation[]>);
  }
  async put(c: Conversation): Promise<void> {
    // structuredClone drops anything that is not plain data (a stray DOM reference would throw)
    await request(this.db.transaction(STORE, 'readwrite').objectStore(STORE).put(structuredClone(c)));
  }
  async delete(id: string): Promise<void> {
    await request(this.db.transaction(STORE, 'readwrite').objectStore(STORE).delete(id));
  }
}

class MemoryStore implements ConversationStore {
  readonly persistent = false;
  readonly #items = new Map<string, Conversation>();
  async all(): Promise<Conversation[]> {
    return [...this.#items.values()].map((c) => structuredClone(c));
  }
  async put(c: Conversation): Promise<void> {
    this.#items.set(c.id, structuredClone(c));
  }
  async delete(id: string): Promise<void> {
    this.#items.delete(id);
  }
}

export async function openConversationStore(): Promise<ConversationStore> {
  try {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'id' });
    return new IdbStore(await request(open));
  } catch {
    return new MemoryStore();
  }
}
