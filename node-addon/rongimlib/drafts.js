'use strict';
// The seed's synchronous drafts over core's asynchronous ones: the user's database holds them
// (the truth); this cache, loaded on connect and written through, answers at once.
const { LogLevel } = require('./enums');
const { Code, failure } = require('./callbacks');

/** Drafts per `getTextMessageDrafts` page: core's most (`MAX_DRAFTS_PAGE`). */
const DRAFTS_PAGE = 100;

/** Drafts of the connected user by conversation, kept equal to the database's. */
class Drafts {
  constructor(host) {
    this.host = host;
    this.byKey = new Map();
  }

  /** Forgets every draft (logout, clearCache, a new user). */
  clear() {
    this.byKey.clear();
  }

  /** Loads every saved draft of the connected user, page by page (after connecting). */
  async load(client) {
    const drafts = [];
    for (let after; ;) {
      const page = await client.getTextMessageDrafts(DRAFTS_PAGE, after);
      drafts.push(...page);
      if (page.length < DRAFTS_PAGE) break;
      const last = page[page.length - 1];
      after = { conversationType: last.conversationType, targetId: last.targetId };
    }
    this.clear();
    for (const d of drafts) this.byKey.set(key(d.conversationType, d.targetId), d.draft);
  }

  /** The draft of a conversation, `''` when none. */
  get(client, type, targetId) {
    check(type, targetId, '');
    return this.byKey.get(key(type, targetId)) ?? '';
  }

  /** Saves (`''`: clears) a draft: the cache now, the database behind it; `true` when accepted. */
  save(client, type, targetId, draft) {
    check(type, targetId, draft);
    if (client.getCurrentUserId() === null) throw failure(Code.NOT_CONNECTED, 'drafts need a connected user (their database)');
    const k = key(type, targetId);
    const write = draft === ''
      ? client.clearTextMessageDraft(type, targetId)
      : client.saveTextMessageDraft(type, targetId, draft);
    if (draft === '') this.byKey.delete(k);
    else this.byKey.set(k, draft);
    write.catch((e) => {
      this.host.log(LogLevel.ERROR, `saving the draft of ${k} failed: ${e.code} ${e.message}; reloading drafts`);
      return this.load(client).catch(() => this.byKey.delete(k));
    });
    return true;
  }
}

const key = (type, targetId) => `${type}:${targetId}`;

/** 33003 unless `(type, targetId, draft)` are an integer, a non-empty string and a string. */
function check(type, targetId, draft) {
  if (!Number.isInteger(type) || typeof targetId !== 'string' || targetId === '' || typeof draft !== 'string') {
    throw failure(Code.INVALID, 'drafts take (conversationType: number, targetId: string[, draft: string])');
  }
}

module.exports = { Drafts };
