// The ports the engine needs from the outside: a clock, a store, a catalogue of items.
// Implemented in adapters/ (SOCI store, system clock) and tests/support/ (fake clock).
// Implementations must be safe for concurrent calls from several request threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/application.hpp"
#include "engine/item.hpp"
#include "engine/status.hpp"
#include "engine/time.hpp"

namespace permitflow {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant Now() const = 0;
};

struct ApplicationQuery {
  std::string state;
  std::string item_code;
  std::string applicant;   // USCC or ID number
  std::string department;  // empty: every department
  int limit = 50;
  std::int64_t after = 0;  // keyset: ids greater than this
};

struct ApplicationDetail {
  Application app;
  std::vector<HistoryEntry> history;
  std::vector<TimerRow> deadlines;  // the armed ones
};

struct SubjectView {
  std::string id;  // USCC or ID number
  std::string name;
  std::vector<ListFlag> flags;
  std::vector<CreditRecord> credit_records;
  std::vector<Application> permits;  // applications that hold a permit number
};

// One unit of work per command: Commit() writes a ChangeSet in one transaction, with the version
// check `WHERE version = expected_version`; a stale version is kConflict and writes nothing. Reads
// see committed data only. The signature lets an implementation batch concurrent Commit() calls
// into one transaction (group commit) without the engine noticing.
class Store {
 public:
  virtual ~Store() = default;
  virtual Result<Application> Load(std::int64_t id) = 0;
  virtual Result<Standing> LoadStanding(const std::string& subject_id) = 0;
  virtual Result<Application> Commit(const ChangeSet& changes) = 0;

  virtual Result<ApplicationDetail> Detail(std::int64_t id) = 0;
  virtual Result<std::vector<Application>> List(const ApplicationQuery& query) = 0;
  virtual Result<SubjectView> Subject(const std::string& subject_id) = 0;
  // Replaces the list flags of a subject, creating the subject if the engine has not seen it.
  virtual Status PutFlags(const std::string& subject_id, const std::vector<ListFlag>& flags) = 0;
  // Marks the subject's unrepaired credit records (all, or those named) repaired; returns them.
  virtual Result<std::vector<CreditRecord>> RepairCredit(const std::string& subject_id,
                                                         const std::vector<std::int64_t>& ids,
                                                         const std::string& reason,
                                                         const std::string& actor, Instant at) = 0;

  // Timers. A timer is due once `now` is past its due_at (the deadline's last millisecond).
  // Claim leases up to `limit` due timers (armed and due, or retrying and past their
  // not_before) to `owner` until `lease_until`, oldest due first. A leased timer is not claimed
  // by another owner before the lease expires; its own owner (restarted) takes it back at once.
  virtual Result<std::vector<TimerRow>> ClaimDueTimers(Instant now, const std::string& owner,
                                                       Instant lease_until, int limit) = 0;
  // The earliest instant at which a timer becomes claimable; none when nothing is armed.
  virtual Result<std::optional<Instant>> NextTimerDue() = 0;
  // A failed attempt: retry at not_before, or become an incident. Never fires.
  virtual Status RecordTimerFailure(std::int64_t timer_id, const std::string& error,
                                    Instant not_before, bool incident) = 0;
  virtual Result<std::vector<TimerRow>> ListTimers(const std::string& state, int limit) = 0;
  virtual Result<std::vector<TimerRow>> ListProvisionalTimers() = 0;
  // Moves a still-armed timer's due instant, with a history row that says so (no version bump).
  virtual Status RescheduleTimer(const TimerRow& timer, const HistoryEntry& entry) = 0;
  virtual Result<std::vector<Escalation>> ListEscalations(const std::string& department,
                                                          std::int64_t after, int limit) = 0;
};

// The items the engine knows, by code. Find(code) gives the published version new applications
// use (a retired one is returned, flagged); Find(code, v) any version an application started with.
// Definitions are immutable once returned.
class Catalogue {
 public:
  virtual ~Catalogue() = default;
  virtual std::shared_ptr<const ItemDefinition> Find(const std::string& code,
                                                     int version = 0) const = 0;
  virtual std::vector<std::shared_ptr<const ItemDefinition>> All() const = 0;  // published ones
};

struct Department {
  std::string id;
  std::string name;  // its Chinese name
};

struct ItemVersionInfo {
  std::string code;
  int version = 0;
  std::string status;  // draft | published | superseded | retired
  std::string json;    // the definition as saved
  Instant saved_at = 0;
  Instant published_at = 0;
};

struct ImportProblem {
  int row = 0;  // 1-based data row (JSON array index + 1, or CSV line after the header)
  std::string reason;
};

struct ImportReport {
  std::vector<std::string> imported;  // codes, published
  std::vector<ImportProblem> rejected;
  bool applied = true;  // false when all_or_nothing refused the whole file
};

// The catalogue as admins keep it: versioned JSON definitions, checked as a whole when saved, and
// the departments they name. Implemented in adapters/ over the store. Thread-safe.
class ItemRegistry : public Catalogue {
 public:
  // A new item's first draft (code empty), or a replacement draft for `code`.
  virtual Result<ItemVersionInfo> SaveDraft(const std::string& json, const std::string& code,
                                            Instant at) = 0;
  virtual Result<ItemVersionInfo> Publish(const std::string& code, Instant at) = 0;
  virtual Result<ItemVersionInfo> Retire(const std::string& code, Instant at) = 0;
  virtual Result<std::vector<ItemVersionInfo>> Versions(const std::string& code) const = 0;
  // A JSON array of definitions or a CSV with the catalogue's columns; good rows are published.
  virtual Result<ImportReport> Import(const std::string& text, bool all_or_nothing, Instant at) = 0;

  virtual std::vector<Department> Departments() const = 0;
  virtual Status SaveDepartment(const Department& department) = 0;
};

struct AuditEntry {
  std::int64_t seq = 0;  // assigned by the log
  std::string principal, role, department;
  std::string route;  // the route pattern: POST /api/v1/applications/{id}/events
  std::int64_t application_id = 0;
  std::string event;
  std::string outcome;  // HTTP status and error code: "200", "409 conflict"
  Instant at = 0;
  std::string remote;
  std::string prev_hash;  // SHA-256 of the entry before (empty for the first)
  std::string hash;       // SHA-256 of this entry's fields and prev_hash
};

struct AuditVerdict {
  bool intact = true;
  std::int64_t entries = 0;
  std::int64_t first_bad = 0;  // the seq of the first entry that was changed, deleted or reordered
  std::string problem;
};

struct PrincipalRecord {
  std::string name, role, department, token_sha256;
  Instant created_at = 0;
  Instant revoked_at = 0;  // 0: active
};

// What the API keeps beyond the engine's records: principals managed from the command line, the
// tamper-evident audit chain, and idempotency keys. Implemented by the store. Thread-safe.
class ApiRecords {
 public:
  virtual ~ApiRecords() = default;
  virtual Status AddPrincipal(const PrincipalRecord& principal) = 0;
  virtual Result<std::vector<PrincipalRecord>> ListPrincipals() = 0;
  virtual Status RevokePrincipal(const std::string& name, Instant at) = 0;
  // The active principal with this token hash, if any.
  virtual Result<std::optional<PrincipalRecord>> PrincipalByToken(const std::string& sha256) = 0;

  // Appends one entry, chained to the previous one by its hash.
  virtual Status AppendAudit(AuditEntry entry) = 0;
  virtual Result<AuditVerdict> VerifyAudit() = 0;

  // Idempotency-Key: the first request with a key reserves it; a repeat with the same body gets the
  // stored response; with another body, kMismatch. Keys older than `keep_ms` are forgotten.
  struct Idempotency {
    enum class Kind { kNew, kReplay, kMismatch, kInProgress };
    Kind kind = Kind::kNew;
    int status = 0;
    std::string body;
  };
  virtual Result<Idempotency> ReserveKey(const std::string& principal, const std::string& key,
                                         const std::string& request_sha256, Instant now,
                                         Instant keep_ms) = 0;
  virtual Status CompleteKey(const std::string& principal, const std::string& key, int status,
                             const std::string& body) = 0;
  virtual Status ReleaseKey(const std::string& principal, const std::string& key) = 0;

  // For /metrics: timers by state, and those armed but already past due.
  virtual Result<std::map<std::string, long long>> TimerCounts(Instant now) = 0;
};

struct OutboxMessage {
  std::int64_t id = 0;
  std::string recipient;
  std::int64_t application_id = 0;
  std::string kind;
  std::string payload_json;
  Instant created_at = 0;  // the system's send time: the official push time
  std::string state;       // pending | delivered | dead
  int attempts = 0;
  Instant next_attempt_at = 0;
  Instant delivered_at = 0;
  std::string last_error;
};

struct Notice {  // 双告知: a registration told to a department that must claim it
  std::int64_t id = 0;
  std::int64_t registration_id = 0;
  std::string uscc, enterprise_name, item_code, department;
  Instant created_at = 0;
  Instant claim_due_at = 0;
  Instant claimed_at = 0;
  std::string claimed_by;
};

struct SupervisionDecision {
  std::int64_t id = 0;
  std::int64_t application_id = 0;
  std::string department;  // the supervising department that decided
  std::string kind;        // rectification_order | suspension | penalty | inspection | ...
  std::string summary;
  Date decided_on;
  Instant recorded_at = 0;
  bool late = false;  // recorded more than 3 working days after deciding
};

struct PublicityRecord {
  std::int64_t id = 0;
  std::string uscc, kind;
  std::int64_t application_id = 0;
  Instant produced_at = 0, due_at = 0, published_at = 0;
};

struct DepartmentTally {
  std::string department;
  long long total = 0, done = 0;  // notices and claimed ones, or decisions and late ones
};

// Registration, supervision and publicity records, and the outbox. Implemented by the store.
// Thread-safe.
class LinkageStore {
 public:
  virtual ~LinkageStore() = default;
  // A registration and its notices (and their messages) in one transaction; returns notice ids.
  virtual Result<std::vector<std::int64_t>> SaveRegistration(
      const std::string& uscc, const std::string& name, const std::string& region,
      const std::string& scope_json, Instant at, std::vector<Notice> notices,
      const std::vector<PushMessage>& messages, std::int64_t* registration_id) = 0;
  virtual Result<Notice> ClaimNotice(std::int64_t id, const std::string& department,
                                     const std::string& by, Instant at) = 0;
  virtual Result<std::vector<Notice>> ListNotices(const std::string& department, int claimed,
                                                  std::int64_t after, int limit) = 0;  // -1 any
  // Unclaimed notices past their claim deadline become escalations, once each.
  virtual Result<int> EscalateUnclaimedNotices(Instant now) = 0;
  virtual Result<std::vector<DepartmentTally>> ClaimTallies(Instant from, Instant to) = 0;

  virtual Result<SupervisionDecision> SaveSupervisionDecision(
      SupervisionDecision d, const std::vector<PushMessage>& messages,
      const std::vector<PublishRecord>& publish, const std::string& uscc) = 0;
  virtual Result<std::vector<SupervisionDecision>> ListSupervisionDecisions(
      std::int64_t application, const std::string& uscc) = 0;
  virtual Result<std::vector<DepartmentTally>> SupervisionTallies(Instant from, Instant to) = 0;

  virtual Result<std::vector<PublicityRecord>> ListPublicity(const std::string& uscc,
                                                             Instant overdue_at) = 0;

  // Outbox. Due: pending, past next_attempt_at, recipient in `recipients`, and the earliest
  // undelivered message of its (recipient, application), so each application's messages keep order.
  virtual Result<std::vector<OutboxMessage>> DueMessages(const std::vector<std::string>& recipients,
                                                         Instant now, int limit) = 0;
  virtual Status MarkDelivered(std::int64_t id, Instant at) = 0;
  virtual Status MarkFailed(std::int64_t id, const std::string& error, Instant next_attempt_at,
                            bool dead) = 0;
  virtual Result<std::vector<OutboxMessage>> ListMessages(const std::string& recipient,
                                                          const std::string& state,
                                                          std::int64_t after, int limit) = 0;
  virtual Result<int> ReplayMessages(const std::vector<std::int64_t>& ids) = 0;  // empty: all dead
  virtual Result<long long> OutboxBacklog() = 0;
};

}  // namespace permitflow
