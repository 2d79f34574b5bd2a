// The engine's Store over SOCI. SQLite in a file (WAL, synchronous=FULL, busy timeout) is the
// embedded default. One session, serialised by a mutex: SQLite has one writer anyway, and Commit()
// is the one place where several concurrent commands could later share a transaction.
// Safe for concurrent calls from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "engine/ports.hpp"

namespace soci {
class session;
}

namespace permitflow {

class SqlStore : public Store, public ApiRecords, public LinkageStore {
 public:
  // url: "sqlite:PATH". Creates the file and applies migrations.
  static Result<std::unique_ptr<SqlStore>> Open(const std::string& url);
  ~SqlStore() override;

  Result<Application> Load(std::int64_t id) override;
  Result<Standing> LoadStanding(const std::string& subject_id) override;
  Result<Application> Commit(const ChangeSet& changes) override;
  Result<ApplicationDetail> Detail(std::int64_t id) override;
  Result<std::vector<Application>> List(const ApplicationQuery& query) override;
  Result<SubjectView> Subject(const std::string& subject_id) override;
  Status PutFlags(const std::string& subject_id, const std::vector<ListFlag>& flags) override;
  Result<std::vector<CreditRecord>> RepairCredit(const std::string& subject_id,
                                                 const std::vector<std::int64_t>& ids,
                                                 const std::string& reason,
                                                 const std::string& actor, Instant at) override;
  Result<std::vector<TimerRow>> ClaimDueTimers(Instant now, const std::string& owner,
                                               Instant lease_until, int limit) override;
  Result<std::optional<Instant>> NextTimerDue() override;
  Status RecordTimerFailure(std::int64_t timer_id, const std::string& error, Instant not_before,
                            bool incident) override;
  Result<std::vector<TimerRow>> ListTimers(const std::string& state, int limit) override;
  Result<std::vector<TimerRow>> ListProvisionalTimers() override;
  Status RescheduleTimer(const TimerRow& timer, const HistoryEntry& entry) override;
  Result<std::vector<Escalation>> ListEscalations(const std::string& department, std::int64_t after,
                                                  int limit) override;

  // The catalogue's rows, for adapters/stored_catalogue.hpp: every version of every item, and
  // an upsert of versions in one transaction.
  Result<std::vector<ItemVersionInfo>> LoadItems();
  Status WriteItems(const std::vector<ItemVersionInfo>& versions);
  Result<std::vector<Department>> LoadDepartments();
  Status SaveDepartment(const Department& department);

  Status AddPrincipal(const PrincipalRecord& principal) override;
  Result<std::vector<PrincipalRecord>> ListPrincipals() override;
  Status RevokePrincipal(const std::string& name, Instant at) override;
  Result<std::optional<PrincipalRecord>> PrincipalByToken(const std::string& sha256) override;
  Status AppendAudit(AuditEntry entry) override;
  Result<AuditVerdict> VerifyAudit() override;
  Result<Idempotency> ReserveKey(const std::string& principal, const std::string& key,
                                 const std::string& request_sha256, Instant now,
                                 Instant keep_ms) override;
  Status CompleteKey(const std::string& principal, const std::string& key, int status,
                     const std::string& body) override;
  Status ReleaseKey(const std::string& principal, const std::string& key) override;
  Result<std::map<std::string, long long>> TimerCounts(Instant now) override;

  Result<std::vector<std::int64_t>> SaveRegistration(
      const std::string& uscc, const std::string& name, const std::string& region,
      const std::string& scope_json, Instant at, std::vector<Notice> notices,
      const std::vector<PushMessage>& messages, std::int64_t* registration_id) override;
  Result<Notice> ClaimNotice(std::int64_t id, const std::string& department, const std::string& by,
                             Instant at) override;
  Result<std::vector<Notice>> ListNotices(const std::string& department, int claimed,
                                          std::int64_t after, int limit) override;
  Result<int> EscalateUnclaimedNotices(Instant now) override;
  Result<std::vector<DepartmentTally>> ClaimTallies(Instant from, Instant to) override;
  Result<SupervisionDecision> SaveSupervisionDecision(SupervisionDecision d,
                                                      const std::vector<PushMessage>& messages,
                                                      const std::vector<PublishRecord>& publish,
                                                      const std::string& uscc) override;
  Result<std::vector<SupervisionDecision>> ListSupervisionDecisions(
      std::int64_t application, const std::string& uscc) override;
  Result<std::vector<DepartmentTally>> SupervisionTallies(Instant from, Instant to) override;
  Result<std::vector<PublicityRecord>> ListPublicity(const std::string& uscc,
                                                     Instant overdue_at) override;
  Result<std::vector<OutboxMessage>> DueMessages(const std::vector<std::string>& recipients,
                                                 Instant now, int limit) override;
  Status MarkDelivered(std::int64_t id, Instant at) override;
  Status MarkFailed(std::int64_t id, const std::string& error, Instant next_attempt_at,
                    bool dead) override;
  Result<std::vector<OutboxMessage>> ListMessages(const std::string& recipient,
                                                  const std::string& state, std::int64_t after,
                                                  int limit) override;
  Result<int> ReplayMessages(const std::vector<std::int64_t>& ids) override;
  Result<long long> OutboxBacklog() override;

  int schema_version() const { return schema_version_; }

 private:
  // Writes one outbox row and, for publicity records, the row that waits for its delivery.
  long long InsertMessage(std::int64_t application_id, const PushMessage& m, Instant at);
  void InsertPublicity(const std::string& uscc, std::int64_t application_id, const PublishRecord& p,
                       long long message_id, Instant at);
  // (department, total, done) rows of a GROUP BY query over [from, to).
  Result<std::vector<DepartmentTally>> Tallies(const std::string& query, Instant from, Instant to);

  struct Hot;  // the statements every command runs, prepared once

  explicit SqlStore(std::unique_ptr<soci::session> sql);
  Status CommitLocked(const ChangeSet& changes, Application* out);

  std::mutex mu_;
  std::unique_ptr<soci::session> sql_;
  std::unique_ptr<Hot> hot_;
  int schema_version_ = 0;
};

}  // namespace permitflow
