// The protocol in a few lines (shared/design/sync-protocol.md, as tests/journal/
// test_sync_model_based.py models it): mutations apply in the order the server receives
// them, each (client_id, id) once; field-level last write wins; a delete is final.
// Fed with every push the server answered 200, whether or not the device saw that answer.
//
// It also keeps the books the invariants need: every user write carries a unique token in
// its note, so a write the server never processed is "lost" and one it processed twice
// (under two mutation ids or two client ids) is "doubled".

export class Reference {
  /** @param {{ valid: Record<string, Record<string, unknown[]>>, noteMax: number }} vocabulary */
  constructor(vocabulary) {
    this.vocabulary = vocabulary;
    this.records = new Map();
    this.deleted = new Set();
    this.everDeleted = new Set();
    this.lastApplied = new Map();
    this.rejected = new Map(); // client_id -> Map(mutation id -> code)
    this.processed = new Map(); // token -> times the server processed the write
    this.outcome = new Map(); // token -> null (applied) | rejection code
    this.history = new Map(); // record id -> what happened to it, for a failure's report
  }

  isValid(type, fields, partial) {
    const allowed = this.vocabulary.valid[type];
    const required = Object.keys(allowed).filter((name) => name !== "note" && name !== "pain_after");
    if (!partial && required.some((name) => !(name in fields))) return false;
    return Object.entries(fields).every(([name, value]) => {
      if (name === "note") return typeof value === "string" && value.length <= this.vocabulary.noteMax;
      // Logged "now" on the device: any instant in 2000-2099 is a valid occurred_at.
      if (name === "occurred_at") return typeof value === "string" && /^20\d\d-\d\d-\d\dT[\d:]+Z$/.test(value);
      return !(name in allowed) || allowed[name].some((option) => option === value);
    });
  }

  /**
   * The server answered 200 to a push: apply what it must have applied.
   * @returns {string[]} disagreements between the server's answer and the model
   */
  receive(clientId, mutations, answer) {
    const sent = new Set();
    for (const mutation of mutations) {
      sent.add(mutation.id);
      if (mutation.id <= (this.lastApplied.get(clientId) || 0)) continue;
      this.lastApplied.set(clientId, mutation.id);
      const code = this.apply(mutation);
      this.note(mutation.record.id, `${clientId.slice(0, 8)}#${mutation.id} ${mutation.op} ${Object.keys(mutation.record)} -> ${code || "applied"}`);
      const token = mutation.op === "upsert" ? mutation.record.note : undefined;
      if (typeof token === "string" && token.startsWith("w")) {
        this.processed.set(token, (this.processed.get(token) || 0) + 1);
        this.outcome.set(token, code);
      }
      if (code) {
        if (!this.rejected.has(clientId)) this.rejected.set(clientId, new Map());
        this.rejected.get(clientId).set(mutation.id, code);
      }
    }
    const problems = [];
    const expectedLast = this.lastApplied.get(clientId) || 0;
    if (answer.last_mutation_id !== expectedLast) {
      problems.push(`push answered last_mutation_id ${answer.last_mutation_id}, model says ${expectedLast}`);
    }
    const mine = this.rejected.get(clientId) || new Map();
    const expected = [...mine].filter(([id]) => sent.has(id)).map(([id, code]) => `${id}:${code}`);
    const got = (answer.rejected || []).map((item) => `${item.id}:${item.code}`);
    if (JSON.stringify(expected.sort()) !== JSON.stringify(got.sort())) {
      problems.push(`push answered rejections ${got}, model says ${expected}`);
    }
    return problems;
  }

  apply(mutation) {
    const { id, ...fields } = mutation.record;
    if (mutation.op === "delete") {
      if (this.records.has(id)) {
        this.records.delete(id);
        this.deleted.add(id);
        this.everDeleted.add(id);
      }
      return null;
    }
    if (this.deleted.has(id)) return "gone";
    // An edit of a pulled record the server no longer has: deleted, its tombstone purged.
    if (mutation.base_version && !this.records.has(id)) return "gone";
    const existing = this.records.get(id);
    if (!this.isValid(mutation.type, fields, Boolean(existing))) return "invalid";
    if (existing) Object.assign(existing, fields);
    else {
      const defaults = mutation.type === "massage_session" ? { note: "", pain_after: null } : { note: "" };
      this.records.set(id, { type: mutation.type, ...defaults, ...fields });
    }
    return null;
  }

  /** The server forgot this client's newest mutation ids (a restored sync-client table). */
  forget(clientId, lastMutationId) {
    this.lastApplied.set(clientId, lastMutationId);
    for (const id of [...(this.rejected.get(clientId) || new Map()).keys()]) {
      if (id > lastMutationId) this.rejected.get(clientId).delete(id);
    }
  }

  /** Tombstones the server purged: it no longer knows those ids at all. */
  purged(ids) {
    for (const id of ids) {
      this.deleted.delete(id);
      this.note(id, "tombstone purged");
    }
  }

  note(id, event) {
    if (!this.history.has(id)) this.history.set(id, []);
    this.history.get(id).push(event);
  }
}
