// Shapes of the journal's records, its outbox and the sync API, for the type check (JSDoc;
// nothing here runs). A typedef marked "OpenAPI: <Component>" lists exactly the fields of that
// component in the schema the server serves (/api/schema/); tests/frontend/test_js_types.py
// fails when the two drift apart.

/** @typedef {"pain_entry" | "massage_session"} RecordType */

/**
 * A pain entry as the server sends it.
 * OpenAPI: PainEntryOutput
 * @typedef {object} PainEntry
 * @property {string} id UUID, made on the device.
 * @property {string} occurred_at UTC ISO 8601.
 * @property {string} time_zone IANA name of the device's zone when it happened.
 * @property {string} local_date Calendar day of occurred_at in time_zone (YYYY-MM-DD).
 * @property {string} note
 * @property {number} version
 * @property {string} updated_at
 * @property {string} zone
 * @property {string} side
 * @property {string} posture
 * @property {number} intensity 0-10.
 */

/**
 * A massage session as the server sends it.
 * OpenAPI: MassageSessionOutput
 * @typedef {object} MassageSession
 * @property {string} id
 * @property {string} occurred_at
 * @property {string} time_zone
 * @property {string} local_date
 * @property {string} note
 * @property {number} version
 * @property {string} updated_at
 * @property {string} portion
 * @property {string} side
 * @property {string} tool
 * @property {number} minutes
 * @property {number} pain_before 0-10.
 * @property {number | null} pain_after 0-10, null until the user answers "How is the pain now?".
 */

/**
 * Local bookkeeping on a record in IndexedDB: its type, and no version (nor local_date or
 * updated_at) until the server has it.
 * @typedef {object} LocalRecordFields
 * @property {number | null} version
 * @property {string} [local_date]
 * @property {string} [updated_at]
 * @property {boolean} [deleted] A pulled tombstone (never shown).
 */

/** @typedef {Omit<PainEntry, keyof LocalRecordFields> & LocalRecordFields & { type: "pain_entry" }} LocalPainEntry */
/** @typedef {Omit<MassageSession, keyof LocalRecordFields> & LocalRecordFields & { type: "massage_session" }} LocalMassageSession */
/** @typedef {LocalPainEntry | LocalMassageSession} JournalRecord A record as the screen shows it. */

/**
 * A pending or rejected change in the outbox (IndexedDB store "outbox").
 * @typedef {object} OutboxItem
 * @property {number} mutation_id Per-client, 1, 2, 3... (negative: a rejected item moved aside).
 * @property {RecordType} type
 * @property {"upsert" | "delete"} op
 * @property {string} record_id
 * @property {{ id: string } & Record<string, unknown>} record The id plus the fields that changed.
 * @property {"pending" | "rejected"} state
 * @property {string} created_at
 * @property {Rejection["code"]} [code] Why the server refused it (rejected items).
 * @property {Record<string, string[]>} [errors] {"field": ["message"]} (rejected items).
 * @property {boolean} [create] The record's first upsert, carrying every field.
 * @property {number} [base_version] An edit of a pulled record: the server version it was made on.
 */

/**
 * One outbox change as sent to /api/sync/push.
 * OpenAPI: MutationRequest
 * @typedef {object} Mutation
 * @property {number} id
 * @property {RecordType} type
 * @property {"upsert" | "delete"} op
 * @property {{ id: string } & Record<string, unknown>} record
 * @property {number} [base_version] An edit of a pulled record: the server version it was made on.
 */

/**
 * OpenAPI: PushRequestRequest
 * @typedef {object} PushRequest
 * @property {string} client_id
 * @property {number} schema
 * @property {Mutation[]} mutations
 */

/**
 * A mutation the server refused, with why.
 * OpenAPI: Rejection
 * @typedef {object} Rejection
 * @property {number} id The mutation id.
 * @property {"invalid" | "gone" | "forbidden"} code
 * @property {Record<string, string[]>} errors
 */

/**
 * OpenAPI: PushResponse
 * @typedef {object} PushResponse
 * @property {number} last_mutation_id
 * @property {Rejection[]} rejected
 */

/**
 * A pulled pain entry: every field, or (a tombstone) only id, type, deleted and version.
 * OpenAPI: PainEntryChange
 * @typedef {object} PainEntryChange
 * @property {string} id
 * @property {"pain_entry"} type
 * @property {boolean} deleted
 * @property {number} version
 * @property {string} [occurred_at]
 * @property {string} [time_zone]
 * @property {string} [local_date]
 * @property {string} [note]
 * @property {string} [updated_at]
 * @property {string} [zone]
 * @property {string} [side]
 * @property {string} [posture]
 * @property {number} [intensity]
 */

/**
 * OpenAPI: MassageSessionChange
 * @typedef {object} MassageSessionChange
 * @property {string} id
 * @property {"massage_session"} type
 * @property {boolean} deleted
 * @property {number} version
 * @property {string} [occurred_at]
 * @property {string} [time_zone]
 * @property {string} [local_date]
 * @property {string} [note]
 * @property {string} [updated_at]
 * @property {string} [portion]
 * @property {string} [side]
 * @property {string} [tool]
 * @property {number} [minutes]
 * @property {number} [pain_before]
 * @property {number | null} [pain_after]
 */

/** @typedef {PainEntryChange | MassageSessionChange} SyncChange */

/**
 * OpenAPI: PullResponse
 * @typedef {object} PullResponse
 * @property {SyncChange[]} changes
 * @property {number} cursor
 * @property {boolean} more
 * @property {number} last_mutation_id
 * @property {boolean} reset
 * @property {Rejection[]} rejected
 */

/**
 * The body of a 409 from push or pull.
 * OpenAPI: SyncConflict
 * @typedef {object} SyncError
 * @property {"upgrade_required" | "mutation_gap"} code
 * @property {"upgrade_required" | "mutation_gap"} error The same as code, for apps older than it.
 * @property {string} detail
 * @property {number} [expected] mutation_gap: the id the server needs next.
 */

/**
 * The body of a 403 for a client id bound to another account, or revoked in Settings.
 * (A 403 without this code is an expired session.)
 * OpenAPI: ForeignClientError
 * @typedef {object} ForeignClientError
 * @property {"foreign_client" | "client_revoked"} code
 * @property {string} detail
 * @property {number} [last_mutation_id] client_revoked: what the revoked id already applied.
 * @property {Rejection[]} [rejected] client_revoked: refusals among those mutations.
 */

/**
 * What the header shows about sync (sync.js "status" events).
 * @typedef {object} SyncStatus
 * @property {"idle" | "syncing" | "offline" | "error" | "auth" | "upgrade" | "deleted"} phase
 * @property {number} pending
 * @property {OutboxItem[]} rejected
 * @property {string | null} lastSyncedAt
 * @property {string} message
 */

/**
 * Chromium's install prompt event (not in the DOM library).
 * @typedef {Event & { prompt(): Promise<void>, userChoice: Promise<{ outcome: "accepted" | "dismissed" }> }} BeforeInstallPromptEvent
 */

export {};
