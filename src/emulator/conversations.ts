import { randomUUID } from 'node:crypto';
import type { Conversation } from './model';
import type { Timers } from './timers';

export interface ConversationRegistry {
  create(id: string, ownerLegId: string | null): Conversation;
  get(id: string): Conversation | undefined;
  delete(id: string): void;
  list(): Conversation[];
  clear(): void;
}

export function createConversationRegistry(timers: Timers, now: () => number): ConversationRegistry {
  const conversations = new Map<string, Conversation>();
  return {
    create(id, ownerLegId) {
      const conversation: Conversation = { id, ownerLegId, participants: new Map(), legIds: new Set(), timers: timers.group(), createdAt: now() };
      conversations.set(id, conversation);
      return conversation;
    },
    get: (id) => conversations.get(id),
    delete(id) {
      conversations.get(id)?.timers.cancelAll();
      conversations.delete(id);
    },
    list: () => [...conversations.values()],
    clear() {
      for (const c of conversations.values()) c.timers.cancelAll();
      conversations.clear();
    },
  };
}

/** Shaped like the service's ids: base64url of a conversation URL, as in the seed's ConversationId. */
export function newConversationId(): string {
  return Buffer.from(`https://conv-emulator.callhook.local/conv/${randomUUID()}?i=1`).toString('base64url');
}
