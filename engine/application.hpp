// The persisted application, its history, and what one command changes (a ChangeSet of rows and
// effects). Plain values; not shared between threads.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/time.hpp"

namespace permitflow {

struct Applicant {
  std::string kind;  // enterprise | person
  std::string id;    // USCC or resident ID number
  std::string name;
};

struct Actor {
  std::string name;
  std::string role;
  std::string department;
  static Actor System() { return Actor{"system", "system", ""}; }
};

struct Application {
  std::int64_t id = 0;
  std::string item_code;
  int item_version = 1;
  std::string reform_method;
  std::string department;  // the approving department
  Applicant applicant;
  std::string form_json = "{}";
  std::string state;
  std::int64_t version = 0;
  std::string route;                   // commitment | ordinary, once chosen
  std::vector<std::string> materials;  // ids of the materials received
  std::string notice_number;
  std::string permit_number;
  std::string signer;
  std::string note;        // why the application took its route, when the engine chose it
  Instant decided_at = 0;  // when the approval decision was made; deferred materials count from it
  int stage = 0;           // optimize: the review stage under way (index into the item's stages)
  Instant clock_due = 0;   // optimize: when the running statutory clock runs out
  int clock_remaining = -1;  // optimize: working days left on the paused statutory clock
  Instant created_at = 0;
  Instant updated_at = 0;
};

struct HistoryEntry {
  int seq = 0;
  std::string event;
  std::string from_state;
  std::string to_state;
  std::string actor;
  Instant at = 0;
  std::string payload_json = "{}";
  std::string note;
};

struct TimerRow {
  std::int64_t id = 0;
  std::int64_t application_id = 0;
  std::string kind;
  Instant due_at = 0;
  bool provisional = false;
  std::string state;  // armed | retry | fired | noop | incident
  int attempts = 0;
  Instant not_before = 0;  // for retry: the next attempt
  Instant fired_at = 0;
  std::string last_error;
  Instant basis_at = 0;
  Duration duration;
};

struct Escalation {
  std::int64_t id = 0;
  std::int64_t application_id = 0;
  std::string kind;
  std::string department;
  std::string state;  // the application's state when it was raised
  Instant at = 0;
  std::string note;
};

struct CreditRecord {
  std::int64_t id = 0;
  std::string subject_id;  // USCC or ID number
  std::int64_t application_id = 0;
  std::string item_code;
  std::string kind;  // materials_noncompliant | false_commitment | ...
  std::string legal_basis;
  std::string
      scope;  // item: barred from the commitment method for this item; method: for every item
  Instant at = 0;
  bool repaired = false;
  std::string repair_reason;
};

// A flag reported by the market-regulation system (经营异常名录, 严重违法失信名单).
struct ListFlag {
  std::string kind;  // abnormal_operation | serious_dishonesty
  std::string date;  // YYYY-MM-DD
  std::string source;
};

// What the engine knows of an applicant's credit: it decides whether the commitment method is open.
struct Standing {
  std::vector<ListFlag> flags;
  std::vector<CreditRecord> active_credit;  // credit records not repaired
};

// Effects: what a transition causes besides the application row. The machine appends them; the
// store applies them in the transaction of the transition.
struct ArmTimer {
  std::string kind;
  Instant due_at = 0;
  bool provisional = false;
  Instant basis_at = 0;  // what the duration counts from; kept to recompute a provisional deadline
  Duration duration;
};
struct CancelTimer {
  std::string kind;
};
struct IssueNumber {
  enum class Kind { kNotice, kPermit, kFiling };
  Kind kind = Kind::kNotice;
  int year = 0;  // local year of the document
};
struct WriteCredit {
  std::string kind;
  std::string legal_basis;
  bool bars_whole_method = false;  // false: barred from the commitment method for this item only
};
// Marks the timer that caused this command as done ("fired" or "noop"); the commit fails with
// kNotFound if the timer is no longer armed, so a timer never fires twice.
struct CompleteTimer {
  std::int64_t timer_id = 0;
  std::string outcome;
  std::string kind;  // the timer's kind: the exit action's cancel of it has nothing left to do
};
// A deadline the authority missed: listed for the department, state unchanged.
struct WriteEscalation {
  std::string kind;
  std::string note;
};
// A message to another system, written to the outbox in this transaction and delivered after it.
// The payload's "permit_number" placeholder is filled by the store once numbers are issued.
struct PushMessage {
  std::string recipient;  // a department id, credit_platform or publicity
  std::string kind;       // decision, credit_record, supervision_decision, ...
  std::string payload_json;
};
// A record due for publication (归集公示) under the enterprise, with its publication deadline.
struct PublishRecord {
  std::string kind;  // permit | filing | revocation | credit_record | penalty | ...
  Instant due_at = 0;
};
using Effect = std::variant<ArmTimer, CancelTimer, IssueNumber, WriteCredit, CompleteTimer,
                            WriteEscalation, PushMessage, PublishRecord>;

// One command's changes: written in one transaction or not at all.
struct ChangeSet {
  bool insert = false;                // a new application (id assigned by the store)
  bool update_app = true;             // false: history and effects only (a timer's recorded no-op)
  std::int64_t expected_version = 0;  // for an update: the version read
  Application app;                    // the row as it must be after the commit
  std::vector<HistoryEntry> history;  // seq filled by the store
  std::vector<Effect> effects;
};

}  // namespace permitflow
