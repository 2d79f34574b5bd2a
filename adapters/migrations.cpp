#include "adapters/migrations.hpp"

namespace permitflow {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       "applications, history, timers, subjects, flags, credit records, document counters",
       {
           "CREATE TABLE applications ("
           " id INTEGER PRIMARY KEY, item_code TEXT NOT NULL, item_version INTEGER NOT NULL,"
           " reform_method TEXT NOT NULL, department TEXT NOT NULL,"
           " applicant_kind TEXT NOT NULL, applicant_id TEXT NOT NULL, applicant_name TEXT NOT "
           "NULL,"
           " form TEXT NOT NULL, state TEXT NOT NULL, version INTEGER NOT NULL,"
           " route TEXT NOT NULL, materials TEXT NOT NULL, notice_number TEXT NOT NULL,"
           " permit_number TEXT NOT NULL, signer TEXT NOT NULL, note TEXT NOT NULL,"
           " decided_at BIGINT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)",
           "CREATE INDEX applications_by_state ON applications (state, id)",
           "CREATE INDEX applications_by_item ON applications (item_code, id)",
           "CREATE INDEX applications_by_applicant ON applications (applicant_id, id)",
           "CREATE TABLE history ("
           " application_id BIGINT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL,"
           " from_state TEXT NOT NULL, to_state TEXT NOT NULL, actor TEXT NOT NULL,"
           " at BIGINT NOT NULL, payload TEXT NOT NULL, note TEXT NOT NULL,"
           " PRIMARY KEY (application_id, seq))",
           "CREATE TABLE timers ("
           " id INTEGER PRIMARY KEY, application_id BIGINT NOT NULL, kind TEXT NOT NULL,"
           " due_at BIGINT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL,"
           " lease_owner TEXT NOT NULL, lease_expires_at BIGINT NOT NULL,"
           " provisional INTEGER NOT NULL)",
           "CREATE INDEX timers_due ON timers (state, due_at)",
           "CREATE INDEX timers_by_application ON timers (application_id, kind)",
           "CREATE TABLE subjects (id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL)",
           "CREATE TABLE subject_flags ("
           " subject_id TEXT NOT NULL, kind TEXT NOT NULL, flagged_on TEXT NOT NULL,"
           " source TEXT NOT NULL, PRIMARY KEY (subject_id, kind))",
           "CREATE TABLE credit_records ("
           " id INTEGER PRIMARY KEY, subject_id TEXT NOT NULL, application_id BIGINT NOT NULL,"
           " item_code TEXT NOT NULL, kind TEXT NOT NULL, legal_basis TEXT NOT NULL,"
           " scope TEXT NOT NULL, at BIGINT NOT NULL, repaired_at BIGINT NOT NULL)",
           "CREATE INDEX credit_records_by_subject ON credit_records (subject_id)",
           "CREATE TABLE document_counters ("
           " kind TEXT NOT NULL, department TEXT NOT NULL, year INTEGER NOT NULL,"
           " last INTEGER NOT NULL, PRIMARY KEY (kind, department, year))",
       }},
      {2,
       "timers fire, retry and become incidents; escalations; credit repairs",
       {
           "ALTER TABLE timers ADD COLUMN not_before BIGINT NOT NULL DEFAULT 0",
           "ALTER TABLE timers ADD COLUMN fired_at BIGINT NOT NULL DEFAULT 0",
           "ALTER TABLE timers ADD COLUMN last_error TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE timers ADD COLUMN basis_at BIGINT NOT NULL DEFAULT 0",
           "ALTER TABLE timers ADD COLUMN duration_value INTEGER NOT NULL DEFAULT 0",
           "ALTER TABLE timers ADD COLUMN duration_unit TEXT NOT NULL DEFAULT ''",
           "CREATE INDEX timers_retry ON timers (state, not_before)",
           "ALTER TABLE credit_records ADD COLUMN repair_reason TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE credit_records ADD COLUMN repaired_by TEXT NOT NULL DEFAULT ''",
           "CREATE TABLE escalations ("
           " id INTEGER PRIMARY KEY, application_id BIGINT NOT NULL, kind TEXT NOT NULL,"
           " department TEXT NOT NULL, state TEXT NOT NULL, at BIGINT NOT NULL, note TEXT NOT "
           "NULL)",
           "CREATE INDEX escalations_by_department ON escalations (department, id)",
       }},
      {3,
       "the item catalogue and departments; review stages on applications",
       {
           "CREATE TABLE departments (id TEXT PRIMARY KEY, name TEXT NOT NULL)",
           "CREATE TABLE items ("
           " code TEXT NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL,"
           " definition TEXT NOT NULL, saved_at BIGINT NOT NULL, published_at BIGINT NOT NULL,"
           " PRIMARY KEY (code, version))",
           "ALTER TABLE applications ADD COLUMN stage INTEGER NOT NULL DEFAULT 0",
           "ALTER TABLE applications ADD COLUMN clock_remaining INTEGER NOT NULL DEFAULT -1",
           "ALTER TABLE applications ADD COLUMN clock_due BIGINT NOT NULL DEFAULT 0",
       }},
      {4,
       "principals, the audit chain, idempotency keys",
       {
           "CREATE TABLE principals ("
           " name TEXT PRIMARY KEY, role TEXT NOT NULL, department TEXT NOT NULL,"
           " token_sha256 TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL,"
           " revoked_at BIGINT NOT NULL)",
           "CREATE TABLE audit ("
           " seq INTEGER PRIMARY KEY, principal TEXT NOT NULL, role TEXT NOT NULL,"
           " department TEXT NOT NULL, route TEXT NOT NULL, application_id BIGINT NOT NULL,"
           " event TEXT NOT NULL, outcome TEXT NOT NULL, at BIGINT NOT NULL, remote TEXT NOT NULL,"
           " prev_hash TEXT NOT NULL, hash TEXT NOT NULL)",
           "CREATE TABLE idempotency_keys ("
           " principal TEXT NOT NULL, idem_key TEXT NOT NULL, request_sha256 TEXT NOT NULL,"
           " status INTEGER NOT NULL, response TEXT NOT NULL, created_at BIGINT NOT NULL,"
           " PRIMARY KEY (principal, idem_key))",
           "CREATE INDEX idempotency_by_age ON idempotency_keys (created_at)",
       }},
      {5,
       "outbox, registrations and notices, supervision decisions, publicity",
       {
           "CREATE TABLE outbox ("
           " id INTEGER PRIMARY KEY, recipient TEXT NOT NULL, application_id BIGINT NOT NULL,"
           " kind TEXT NOT NULL, payload TEXT NOT NULL, created_at BIGINT NOT NULL,"
           " state TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at BIGINT NOT NULL,"
           " delivered_at BIGINT NOT NULL, last_error TEXT NOT NULL)",
           "CREATE INDEX outbox_due ON outbox (state, next_attempt_at)",
           "CREATE INDEX outbox_order ON outbox (recipient, application_id, id)",
           "CREATE TABLE registrations ("
           " id INTEGER PRIMARY KEY, uscc TEXT NOT NULL, name TEXT NOT NULL, region TEXT NOT NULL,"
           " scope TEXT NOT NULL, at BIGINT NOT NULL)",
           "CREATE TABLE notices ("
           " id INTEGER PRIMARY KEY, registration_id BIGINT NOT NULL, uscc TEXT NOT NULL,"
           " enterprise_name TEXT NOT NULL, item_code TEXT NOT NULL, department TEXT NOT NULL,"
           " created_at BIGINT NOT NULL, claim_due_at BIGINT NOT NULL, claimed_at BIGINT NOT NULL,"
           " claimed_by TEXT NOT NULL, escalated_at BIGINT NOT NULL)",
           "CREATE INDEX notices_by_department ON notices (department, claimed_at, id)",
           "CREATE INDEX notices_unclaimed ON notices (claimed_at, escalated_at, claim_due_at)",
           "CREATE TABLE supervision_decisions ("
           " id INTEGER PRIMARY KEY, application_id BIGINT NOT NULL, uscc TEXT NOT NULL,"
           " department TEXT NOT NULL, kind TEXT NOT NULL, summary TEXT NOT NULL,"
           " decided_on TEXT NOT NULL, recorded_at BIGINT NOT NULL, late INTEGER NOT NULL)",
           "CREATE INDEX supervision_by_application ON supervision_decisions (application_id)",
           "CREATE TABLE publicity_records ("
           " id INTEGER PRIMARY KEY, uscc TEXT NOT NULL, kind TEXT NOT NULL,"
           " application_id BIGINT NOT NULL, message_id BIGINT NOT NULL, produced_at BIGINT NOT "
           "NULL,"
           " due_at BIGINT NOT NULL, published_at BIGINT NOT NULL)",
           "CREATE INDEX publicity_by_uscc ON publicity_records (uscc)",
           "CREATE INDEX publicity_pending ON publicity_records (published_at, due_at)",
           "CREATE INDEX publicity_by_message ON publicity_records (message_id)",
       }},
  };
  return kMigrations;
}

int ApplyMigrations(soci::session& sql) {
  sql << "CREATE TABLE IF NOT EXISTS schema_version ("
         " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)";
  int current = 0;
  soci::indicator ind;
  sql << "SELECT MAX(version) FROM schema_version", soci::into(current, ind);
  if (ind != soci::i_ok) current = 0;
  for (const auto& m : Migrations()) {
    if (m.version <= current) continue;
    soci::transaction tr(sql);
    for (const auto& stmt : m.statements) sql << stmt;
    const std::string description = m.description;
    sql << "INSERT INTO schema_version (version, description, applied_at)"
           " VALUES (:v, :d, CURRENT_TIMESTAMP)",
        soci::use(m.version), soci::use(description);
    tr.commit();
    current = m.version;
  }
  return current;
}

}  // namespace permitflow
