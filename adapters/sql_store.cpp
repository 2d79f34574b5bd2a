#include "adapters/sql_store.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "adapters/migrations.hpp"

namespace permitflow {

namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, ','))
    if (!part.empty()) out.push_back(part);
  return out;
}

Status FromSoci(const soci::soci_error& e) {
  const std::string what = e.what();
  if (what.find("locked") != std::string::npos || what.find("busy") != std::string::npos)
    return Unavailable("the database is busy: " + what);
  return Status::Error(Code::kInternal, "database error: " + what, "数据库错误");
}

// The columns of an application, bound once to a statement's into() and read row by row.
constexpr const char* kAppColumns =
    "id, item_code, item_version, reform_method, department, applicant_kind, applicant_id,"
    " applicant_name, form, state, version, route, materials, notice_number, permit_number,"
    " signer, note, decided_at, created_at, updated_at, stage, clock_remaining, clock_due";

struct AppRow {
  long long id = 0, version = 0, decided_at = 0, created_at = 0, updated_at = 0, clock_due = 0;
  int item_version = 0, stage = 0, clock_remaining = -1;
  std::string item_code, reform_method, department, applicant_kind, applicant_id, applicant_name,
      form, state, route, materials, notice_number, permit_number, signer, note;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(item_code));
    st.exchange(soci::into(item_version));
    st.exchange(soci::into(reform_method));
    st.exchange(soci::into(department));
    st.exchange(soci::into(applicant_kind));
    st.exchange(soci::into(applicant_id));
    st.exchange(soci::into(applicant_name));
    st.exchange(soci::into(form));
    st.exchange(soci::into(state));
    st.exchange(soci::into(version));
    st.exchange(soci::into(route));
    st.exchange(soci::into(materials));
    st.exchange(soci::into(notice_number));
    st.exchange(soci::into(permit_number));
    st.exchange(soci::into(signer));
    st.exchange(soci::into(note));
    st.exchange(soci::into(decided_at));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at));
    st.exchange(soci::into(stage));
    st.exchange(soci::into(clock_remaining));
    st.exchange(soci::into(clock_due));
  }

  static AppRow From(const Application& a) {
    AppRow r;
    r.id = a.id;
    r.item_code = a.item_code;
    r.item_version = a.item_version;
    r.reform_method = a.reform_method;
    r.department = a.department;
    r.applicant_kind = a.applicant.kind;
    r.applicant_id = a.applicant.id;
    r.applicant_name = a.applicant.name;
    r.form = a.form_json;
    r.state = a.state;
    r.version = a.version;
    r.route = a.route;
    r.materials = Join(a.materials);
    r.notice_number = a.notice_number;
    r.permit_number = a.permit_number;
    r.signer = a.signer;
    r.note = a.note;
    r.decided_at = a.decided_at;
    r.created_at = a.created_at;
    r.updated_at = a.updated_at;
    r.stage = a.stage;
    r.clock_remaining = a.clock_remaining;
    r.clock_due = a.clock_due;
    return r;
  }

  Application ToApplication() const {
    Application a;
    a.id = id;
    a.item_code = item_code;
    a.item_version = item_version;
    a.reform_method = reform_method;
    a.department = department;
    a.applicant = {applicant_kind, applicant_id, applicant_name};
    a.form_json = form;
    a.state = state;
    a.version = version;
    a.route = route;
    a.materials = Split(materials);
    a.notice_number = notice_number;
    a.permit_number = permit_number;
    a.signer = signer;
    a.note = note;
    a.decided_at = decided_at;
    a.created_at = created_at;
    a.updated_at = updated_at;
    a.stage = stage;
    a.clock_remaining = clock_remaining;
    a.clock_due = clock_due;
    return a;
  }
};

// Runs a SELECT of application columns with the given WHERE tail and binds, collecting rows.
template <typename BindUses>
std::vector<Application> SelectApplications(soci::session& sql, const std::string& tail,
                                            BindUses bind_uses) {
  AppRow row;
  soci::statement st(sql);
  st.alloc();
  row.Bind(st);
  bind_uses(st);
  st.prepare(std::string("SELECT ") + kAppColumns + " FROM applications " + tail);
  st.define_and_bind();
  std::vector<Application> out;
  if (st.execute(true)) {
    do {
      out.push_back(row.ToApplication());
    } while (st.fetch());
  }
  return out;
}

std::string FormatNumber(int year, long long n) {
  return "〔" + std::to_string(year) + "〕第 " + std::to_string(n) + " 号";
}

std::string FormatFilingNumber(int year, long long n) {
  return "〔" + std::to_string(year) + "〕备字第 " + std::to_string(n) + " 号";
}

std::string FormatPermitNumber(int year, long long n) {
  return "〔" + std::to_string(year) + "〕许字第 " + std::to_string(n) + " 号";
}

constexpr const char* kTimerColumns =
    "id, application_id, kind, due_at, provisional, state, attempts, not_before, fired_at,"
    " last_error, basis_at, duration_value, duration_unit";

// Runs a SELECT of timer columns with the given tail and binds.
template <typename BindUses>
std::vector<TimerRow> SelectTimers(soci::session& sql, const std::string& tail,
                                   BindUses bind_uses) {
  TimerRow t;
  long long id = 0, app = 0, due = 0, not_before = 0, fired = 0, basis = 0;
  int provisional = 0;
  std::string unit;
  soci::statement st(sql);
  st.alloc();
  st.exchange(soci::into(id));
  st.exchange(soci::into(app));
  st.exchange(soci::into(t.kind));
  st.exchange(soci::into(due));
  st.exchange(soci::into(provisional));
  st.exchange(soci::into(t.state));
  st.exchange(soci::into(t.attempts));
  st.exchange(soci::into(not_before));
  st.exchange(soci::into(fired));
  st.exchange(soci::into(t.last_error));
  st.exchange(soci::into(basis));
  st.exchange(soci::into(t.duration.value));
  st.exchange(soci::into(unit));
  bind_uses(st);
  st.prepare(std::string("SELECT ") + kTimerColumns + " FROM timers " + tail);
  st.define_and_bind();
  std::vector<TimerRow> out;
  if (st.execute(true)) {
    do {
      t.id = id;
      t.application_id = app;
      t.due_at = due;
      t.provisional = provisional != 0;
      t.not_before = not_before;
      t.fired_at = fired;
      t.basis_at = basis;
      t.duration.unit = unit == "days" ? Duration::Unit::kDays : Duration::Unit::kWorkingDays;
      out.push_back(t);
    } while (st.fetch());
  }
  return out;
}

// Runs a statement and reports how many rows it changed.
template <typename... Uses>
long long Execute(soci::session& sql, const std::string& text, Uses&&... uses) {
  soci::details::prepare_temp_type prep = (sql.prepare << text);
  ((void)(prep, std::forward<Uses>(uses)), ...);
  soci::statement st(prep);
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace

// Prepared once and bound to the members below by reference: a command sets the members and
// executes, with no SQL parsed on the hot path.
struct SqlStore::Hot {
  explicit Hot(soci::session& sql)
      : load(sql),
        insert(sql),
        subject(sql),
        update(sql),
        history(sql),
        arm(sql),
        cancel(sql),
        complete(sql),
        counter(sql),
        flags(sql),
        credit(sql),
        write_credit(sql),
        write_message(sql),
        write_publicity(sql),
        begin(sql),
        commit(sql) {
    load.alloc();
    row.Bind(load);
    load.exchange(soci::use(id));
    load.prepare(std::string("SELECT ") + kAppColumns + " FROM applications WHERE id = :id");
    load.define_and_bind();

    insert.alloc();
    for (auto* v : {&row.item_code}) insert.exchange(soci::use(*v));
    insert.exchange(soci::use(row.item_version));
    for (auto* v : {&row.reform_method, &row.department, &row.applicant_kind, &row.applicant_id,
                    &row.applicant_name, &row.form, &row.state})
      insert.exchange(soci::use(*v));
    insert.exchange(soci::use(row.version));
    for (auto* v : {&row.route, &row.materials, &row.notice_number, &row.permit_number, &row.signer,
                    &row.note})
      insert.exchange(soci::use(*v));
    insert.exchange(soci::use(row.decided_at));
    insert.exchange(soci::use(row.created_at));
    insert.exchange(soci::use(row.updated_at));
    insert.exchange(soci::use(row.stage));
    insert.exchange(soci::use(row.clock_remaining));
    insert.exchange(soci::use(row.clock_due));
    insert.prepare(
        "INSERT INTO applications (item_code, item_version, reform_method, department,"
        " applicant_kind, applicant_id, applicant_name, form, state, version, route, materials,"
        " notice_number, permit_number, signer, note, decided_at, created_at, updated_at, stage,"
        " clock_remaining, clock_due) VALUES (:item_code, :item_version, :method, :dept, :akind,"
        " :aid, :aname, :form, :state, :version, :route, :materials, :notice, :permit, :signer,"
        " :note, :decided, :created, :updated, :stage, :clock, :clock_due)");
    insert.define_and_bind();

    subject.alloc();
    subject.exchange(soci::use(row.applicant_id));
    subject.exchange(soci::use(row.applicant_kind));
    subject.exchange(soci::use(row.applicant_name));
    // Written only when the name changed: an unchanged row costs no page write.
    subject.prepare(
        "INSERT INTO subjects (id, kind, name) VALUES (:id, :kind, :name)"
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE subjects.name <> "
        "excluded.name");
    subject.define_and_bind();

    update.alloc();
    for (auto* v : {&row.state, &row.route, &row.materials, &row.notice_number, &row.permit_number,
                    &row.signer, &row.note})
      update.exchange(soci::use(*v));
    update.exchange(soci::use(row.decided_at));
    update.exchange(soci::use(row.updated_at));
    update.exchange(soci::use(row.stage));
    update.exchange(soci::use(row.clock_remaining));
    update.exchange(soci::use(row.clock_due));
    update.exchange(soci::use(id));
    update.exchange(soci::use(expected));
    update.prepare(
        "UPDATE applications SET state = :state, version = version + 1, route = :route,"
        " materials = :materials, notice_number = :notice, permit_number = :permit,"
        " signer = :signer, note = :note, decided_at = :decided, updated_at = :updated,"
        " stage = :stage, clock_remaining = :clock, clock_due = :clock_due"
        " WHERE id = :id AND version = :expected");
    update.define_and_bind();

    history.alloc();
    history.exchange(soci::use(id));
    history.exchange(soci::use(entry.event));
    history.exchange(soci::use(entry.from_state));
    history.exchange(soci::use(entry.to_state));
    history.exchange(soci::use(entry.actor));
    history.exchange(soci::use(at));
    history.exchange(soci::use(entry.payload_json));
    history.exchange(soci::use(entry.note));
    // The next seq is computed in the insert itself: one statement, no read back.
    history.prepare(
        "INSERT INTO history (application_id, seq, event, from_state, to_state, actor, at,"
        " payload, note) SELECT :id, COALESCE(MAX(seq), 0) + 1, :event, :from_state, :to_state,"
        " :actor, :at, :payload, :note FROM history WHERE application_id = :id2");
    history.exchange(soci::use(id));
    history.define_and_bind();

    arm.alloc();
    arm.exchange(soci::use(id));
    arm.exchange(soci::use(kind));
    arm.exchange(soci::use(due));
    arm.exchange(soci::use(provisional));
    arm.exchange(soci::use(basis_at));
    arm.exchange(soci::use(duration_value));
    arm.exchange(soci::use(duration_unit));
    arm.prepare(
        "INSERT INTO timers (application_id, kind, due_at, state, attempts, lease_owner,"
        " lease_expires_at, provisional, basis_at, duration_value, duration_unit)"
        " VALUES (:id, :kind, :due, 'armed', 0, '', 0, :p, :basis, :dv, :du)");
    arm.define_and_bind();

    cancel.alloc();
    cancel.exchange(soci::use(id));
    cancel.exchange(soci::use(kind));
    cancel.prepare(
        "DELETE FROM timers WHERE application_id = :id AND kind = :kind"
        " AND state IN ('armed', 'retry')");
    cancel.define_and_bind();

    complete.alloc();
    complete.exchange(soci::use(kind));
    complete.exchange(soci::use(at));
    complete.exchange(soci::use(timer_id));
    complete.prepare(
        "UPDATE timers SET state = :outcome, fired_at = :at, lease_owner = '', lease_expires_at = 0"
        " WHERE id = :id AND state IN ('armed', 'retry')");
    complete.define_and_bind();

    // Gap-free document numbers: the counter moves in the command's transaction.
    counter.alloc();
    counter.exchange(soci::into(counter_last));
    counter.exchange(soci::use(kind));
    counter.exchange(soci::use(row.department));
    counter.exchange(soci::use(counter_year));
    counter.prepare(
        "INSERT INTO document_counters (kind, department, year, last) VALUES (:k, :d, :y, 1)"
        " ON CONFLICT (kind, department, year) DO UPDATE SET last = document_counters.last + 1"
        " RETURNING last");
    counter.define_and_bind();

    flags.alloc();
    flags.exchange(soci::into(flag.kind));
    flags.exchange(soci::into(flag.date));
    flags.exchange(soci::into(flag.source));
    flags.exchange(soci::use(subject_id));
    flags.prepare("SELECT kind, flagged_on, source FROM subject_flags WHERE subject_id = :s");
    flags.define_and_bind();

    credit.alloc();
    credit.exchange(soci::into(credit_id));
    credit.exchange(soci::into(credit_app));
    credit.exchange(soci::into(record.item_code));
    credit.exchange(soci::into(record.kind));
    credit.exchange(soci::into(record.legal_basis));
    credit.exchange(soci::into(record.scope));
    credit.exchange(soci::into(credit_at));
    credit.exchange(soci::use(subject_id));
    credit.prepare(
        "SELECT id, application_id, item_code, kind, legal_basis, scope, at FROM credit_records"
        " WHERE subject_id = :s AND repaired_at = 0");
    credit.define_and_bind();

    write_credit.alloc();
    write_credit.exchange(soci::use(record.subject_id));
    write_credit.exchange(soci::use(id));
    write_credit.exchange(soci::use(record.item_code));
    write_credit.exchange(soci::use(record.kind));
    write_credit.exchange(soci::use(record.legal_basis));
    write_credit.exchange(soci::use(record.scope));
    write_credit.exchange(soci::use(at));
    write_credit.prepare(
        "INSERT INTO credit_records (subject_id, application_id, item_code, kind, legal_basis,"
        " scope, at, repaired_at) VALUES (:s, :a, :item, :kind, :basis, :scope, :at, 0)");
    write_credit.define_and_bind();

    write_message.alloc();
    write_message.exchange(soci::into(message_id));
    write_message.exchange(soci::use(message.recipient));
    write_message.exchange(soci::use(message_app));
    write_message.exchange(soci::use(message.kind));
    write_message.exchange(soci::use(message.payload_json));
    write_message.exchange(soci::use(message_at));
    write_message.exchange(soci::use(message_at));
    write_message.prepare(
        "INSERT INTO outbox (recipient, application_id, kind, payload, created_at, state,"
        " attempts, next_attempt_at, delivered_at, last_error)"
        " VALUES (:r, :a, :k, :p, :c, 'pending', 0, :n, 0, '') RETURNING id");
    write_message.define_and_bind();

    write_publicity.alloc();
    write_publicity.exchange(soci::use(publicity_uscc));
    write_publicity.exchange(soci::use(publicity.kind));
    write_publicity.exchange(soci::use(message_app));
    write_publicity.exchange(soci::use(publicity_message));
    write_publicity.exchange(soci::use(message_at));
    write_publicity.exchange(soci::use(publicity_due));
    write_publicity.prepare(
        "INSERT INTO publicity_records (uscc, kind, application_id, message_id, produced_at,"
        " due_at, published_at) VALUES (:u, :k, :a, :m, :p, :d, 0)");
    write_publicity.define_and_bind();

    begin.alloc();
    begin.prepare("BEGIN IMMEDIATE");
    begin.define_and_bind();
    commit.alloc();
    commit.prepare("COMMIT");
    commit.define_and_bind();
  }

  AppRow row;
  HistoryEntry entry;
  long long id = 0, expected = 0, at = 0, due = 0;
  int provisional = 0, counter_year = 0, duration_value = 0;
  long long counter_last = 0, credit_id = 0, credit_app = 0, credit_at = 0, basis_at = 0,
            timer_id = 0;
  std::string kind, subject_id, duration_unit;
  ListFlag flag;
  CreditRecord record;
  PushMessage message;
  PublishRecord publicity;
  std::string publicity_uscc;
  long long message_app = 0, message_at = 0, publicity_message = 0, publicity_due = 0,
            message_id = 0;
  soci::statement load, insert, subject, update, history, arm, cancel, complete, counter, flags,
      credit, write_credit, write_message, write_publicity, begin, commit;
};

SqlStore::SqlStore(std::unique_ptr<soci::session> sql) : sql_(std::move(sql)) {}
SqlStore::~SqlStore() = default;

Result<std::unique_ptr<SqlStore>> SqlStore::Open(const std::string& url) {
  const std::string prefix = "sqlite:";
  if (url.compare(0, prefix.size(), prefix) != 0) {
    return InvalidArgument("database.url", "must start with sqlite: (" + url + ")",
                           "应以 sqlite: 开头");
  }
  const std::string path = url.substr(prefix.size());
  try {
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    auto sql = std::make_unique<soci::session>(soci::sqlite3, "db=" + path + " timeout=5");
    *sql << "PRAGMA journal_mode=WAL";
    *sql << "PRAGMA synchronous=FULL";
    *sql << "PRAGMA busy_timeout=5000";
    *sql << "PRAGMA foreign_keys=ON";
    std::unique_ptr<SqlStore> store(new SqlStore(std::move(sql)));
    store->schema_version_ = ApplyMigrations(*store->sql_);
    store->hot_ = std::make_unique<Hot>(*store->sql_);
    return store;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  } catch (const std::filesystem::filesystem_error& e) {
    return Unavailable(std::string("cannot create the database folder: ") + e.what());
  }
}

Result<Application> SqlStore::Load(std::int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    hot_->id = id;
    if (!hot_->load.execute(true)) return NotFound("application", "办件", std::to_string(id));
    Application app = hot_->row.ToApplication();
    // Step the statement to its end: an unfinished SELECT keeps a read snapshot open, and with it
    // the WAL could never be checkpointed.
    hot_->load.fetch();
    return app;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<Standing> SqlStore::LoadStanding(const std::string& subject_id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Standing s;
    Hot& hot = *hot_;
    hot.subject_id = subject_id;
    // Each SELECT is stepped to its end, so no read snapshot stays open.
    if (hot.flags.execute(true)) {
      do s.flags.push_back(hot.flag);
      while (hot.flags.fetch());
    }
    if (hot.credit.execute(true)) {
      do {
        CreditRecord c = hot.record;
        c.id = hot.credit_id;
        c.application_id = hot.credit_app;
        c.at = hot.credit_at;
        c.subject_id = subject_id;
        s.active_credit.push_back(c);
      } while (hot.credit.fetch());
    }
    return s;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<Application> SqlStore::Commit(const ChangeSet& changes) {
  std::lock_guard<std::mutex> lock(mu_);
  Application out;
  Status s;
  try {
    hot_->begin.execute(true);
    s = CommitLocked(changes, &out);
    if (s.ok()) {
      hot_->commit.execute(true);
      return out;
    }
  } catch (const soci::soci_error& e) {
    s = FromSoci(e);
  }
  try {
    *sql_ << "ROLLBACK";
  } catch (const soci::soci_error&) {
    // No transaction left to roll back (BEGIN itself failed).
  }
  return s;
}

Status SqlStore::CommitLocked(const ChangeSet& changes, Application* out) {
  Hot& hot = *hot_;
  Application app = changes.app;

  // The timer that caused this command must still be armed: otherwise it fired or was cancelled
  // already, and the whole command is dropped.
  std::string completed_kind;
  for (const auto& effect : changes.effects) {
    if (const auto* done = std::get_if<CompleteTimer>(&effect)) {
      completed_kind = done->kind;
      hot.kind = done->outcome;
      hot.at = app.updated_at;
      hot.timer_id = done->timer_id;
      hot.complete.execute(true);
      if (hot.complete.get_affected_rows() != 1) {
        return Status::Error(
            Code::kNotFound, "timer " + std::to_string(done->timer_id) + " is no longer armed",
            "计时器已不在等待状态", {{"timer_id", {std::to_string(done->timer_id)}}});
      }
    }
  }

  // Document numbers first: the row written below carries them. Gap-free, because the counter
  // moves in this transaction and rolls back with it.
  for (const auto& effect : changes.effects) {
    if (const auto* n = std::get_if<IssueNumber>(&effect)) {
      hot.kind = n->kind == IssueNumber::Kind::kNotice   ? "notice"
                 : n->kind == IssueNumber::Kind::kPermit ? "permit"
                                                         : "filing";
      hot.row.department = app.department;
      hot.counter_year = n->year;
      hot.counter.execute(true);
      hot.counter.fetch();  // step past the RETURNING row, so the statement is finished
      if (n->kind == IssueNumber::Kind::kNotice)
        app.notice_number = FormatNumber(n->year, hot.counter_last);
      else if (n->kind == IssueNumber::Kind::kPermit)
        app.permit_number = FormatPermitNumber(n->year, hot.counter_last);
      else  // a filing's number stands where a permit's would
        app.permit_number = FormatFilingNumber(n->year, hot.counter_last);
    }
  }

  if (changes.insert) {
    app.version = 1;
    hot.row = AppRow::From(app);
    hot.insert.execute(true);
    long long id = 0;
    if (!sql_->get_last_insert_id("applications", id)) {
      return Status::Error(Code::kInternal, "no id for the new application", "无法生成办件编号");
    }
    app.id = id;
    hot.subject.execute(true);
  } else if (changes.update_app) {
    hot.row = AppRow::From(app);
    hot.id = app.id;
    hot.expected = changes.expected_version;
    hot.update.execute(true);
    if (hot.update.get_affected_rows() != 1) {
      return Status::Error(Code::kConflict,
                           "application " + std::to_string(app.id) + " changed since version " +
                               std::to_string(hot.expected) + "; reload it and try again",
                           "办件 " + std::to_string(app.id) + " 已被他人更新，请刷新后重试");
    }
    app.version = changes.expected_version + 1;
  }

  long long last_publicity_message = 0;  // a PublishRecord waits for the message before it
  hot.id = app.id;
  for (const auto& h : changes.history) {
    hot.entry = h;
    hot.at = h.at;
    hot.history.execute(true);
  }

  for (const auto& effect : changes.effects) {
    if (const auto* arm = std::get_if<ArmTimer>(&effect)) {
      hot.kind = arm->kind;
      hot.due = arm->due_at;
      hot.provisional = arm->provisional ? 1 : 0;
      hot.basis_at = arm->basis_at;
      hot.duration_value = arm->duration.value;
      hot.duration_unit = UnitName(arm->duration.unit);
      hot.arm.execute(true);
    } else if (const auto* cancel = std::get_if<CancelTimer>(&effect)) {
      if (cancel->kind == completed_kind) continue;  // that timer just completed above
      hot.kind = cancel->kind;
      hot.cancel.execute(true);
    } else if (const auto* credit = std::get_if<WriteCredit>(&effect)) {
      hot.record.subject_id = app.applicant.id;
      hot.record.item_code = app.item_code;
      hot.record.kind = credit->kind;
      hot.record.legal_basis = credit->legal_basis;
      hot.record.scope = credit->bars_whole_method ? "method" : "item";
      hot.at = app.updated_at;
      hot.write_credit.execute(true);
    } else if (const auto* push = std::get_if<PushMessage>(&effect)) {
      PushMessage m = *push;
      // The numbers were issued above, in this transaction.
      const std::string token = "{{permit_number}}";
      for (auto at = m.payload_json.find(token); at != std::string::npos;
           at = m.payload_json.find(token))
        m.payload_json.replace(at, token.size(), app.permit_number);
      last_publicity_message = InsertMessage(app.id, m, app.updated_at);
      if (m.recipient != "publicity") last_publicity_message = 0;
    } else if (const auto* pub = std::get_if<PublishRecord>(&effect)) {
      InsertPublicity(app.applicant.id, app.id, *pub, last_publicity_message, app.updated_at);
    } else if (const auto* esc = std::get_if<WriteEscalation>(&effect)) {
      long long id = app.id, at = app.updated_at;
      *sql_ << "INSERT INTO escalations (application_id, kind, department, state, at, note)"
               " VALUES (:a, :k, :d, :s, :at, :n)",
          soci::use(id), soci::use(esc->kind), soci::use(app.department), soci::use(app.state),
          soci::use(at), soci::use(esc->note);
    }
  }
  *out = std::move(app);
  return Status::Ok();
}

Result<ApplicationDetail> SqlStore::Detail(std::int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    long long key = id;
    auto rows = SelectApplications(*sql_, "WHERE id = :id",
                                   [&](soci::statement& st) { st.exchange(soci::use(key)); });
    if (rows.empty()) return NotFound("application", "办件", std::to_string(id));
    ApplicationDetail d;
    d.app = rows.front();
    HistoryEntry h;
    long long at = 0;
    soci::statement hist =
        (sql_->prepare << "SELECT seq, event, from_state, to_state, actor, at, payload, note"
                          " FROM history WHERE application_id = :id ORDER BY seq",
         soci::into(h.seq), soci::into(h.event), soci::into(h.from_state), soci::into(h.to_state),
         soci::into(h.actor), soci::into(at), soci::into(h.payload_json), soci::into(h.note),
         soci::use(key));
    if (hist.execute(true)) {
      do {
        h.at = at;
        d.history.push_back(h);
      } while (hist.fetch());
    }
    d.deadlines = SelectTimers(*sql_,
                               "WHERE application_id = :id AND state IN ('armed', 'retry')"
                               " ORDER BY due_at",
                               [&](soci::statement& st) { st.exchange(soci::use(key)); });
    return d;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::vector<Application>> SqlStore::List(const ApplicationQuery& q) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    std::string tail = "WHERE id > :after";
    if (!q.state.empty()) tail += " AND state = :state";
    if (!q.item_code.empty()) tail += " AND item_code = :item";
    if (!q.applicant.empty()) tail += " AND applicant_id = :applicant";
    if (!q.department.empty()) tail += " AND department = :dept";
    tail += " ORDER BY id LIMIT :limit";
    long long after = q.after;
    int limit = q.limit;
    return SelectApplications(*sql_, tail, [&](soci::statement& st) {
      st.exchange(soci::use(after));
      if (!q.state.empty()) st.exchange(soci::use(q.state));
      if (!q.item_code.empty()) st.exchange(soci::use(q.item_code));
      if (!q.applicant.empty()) st.exchange(soci::use(q.applicant));
      if (!q.department.empty()) st.exchange(soci::use(q.department));
      st.exchange(soci::use(limit));
    });
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<SubjectView> SqlStore::Subject(const std::string& subject_id) {
  auto standing = LoadStanding(subject_id);  // takes the lock itself
  if (!standing.ok()) return standing.status();
  std::lock_guard<std::mutex> lock(mu_);
  try {
    SubjectView v;
    v.id = subject_id;
    soci::indicator ind;
    *sql_ << "SELECT name FROM subjects WHERE id = :id", soci::into(v.name, ind),
        soci::use(subject_id);
    if (!sql_->got_data()) return NotFound("enterprise", "市场主体", subject_id);
    v.flags = standing->flags;
    CreditRecord c;
    long long id = 0, app = 0, at = 0, repaired = 0;
    soci::statement credit =
        (sql_->prepare << "SELECT id, application_id, item_code, kind, legal_basis, scope, at,"
                          " repaired_at, repair_reason FROM credit_records WHERE subject_id = :s"
                          " ORDER BY id",
         soci::into(id), soci::into(app), soci::into(c.item_code), soci::into(c.kind),
         soci::into(c.legal_basis), soci::into(c.scope), soci::into(at), soci::into(repaired),
         soci::into(c.repair_reason), soci::use(subject_id));
    if (credit.execute(true)) {
      do {
        c.id = id;
        c.application_id = app;
        c.at = at;
        c.repaired = repaired != 0;
        c.subject_id = subject_id;
        v.credit_records.push_back(c);
      } while (credit.fetch());
    }
    v.permits =
        SelectApplications(*sql_, "WHERE applicant_id = :s AND permit_number <> '' ORDER BY id",
                           [&](soci::statement& st) { st.exchange(soci::use(subject_id)); });
    return v;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Status SqlStore::PutFlags(const std::string& subject_id, const std::vector<ListFlag>& flags) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    soci::transaction tr(*sql_);
    *sql_ << "INSERT INTO subjects (id, kind, name) VALUES (:id, 'enterprise', '')"
             " ON CONFLICT (id) DO NOTHING",
        soci::use(subject_id);
    *sql_ << "DELETE FROM subject_flags WHERE subject_id = :id", soci::use(subject_id);
    for (const auto& f : flags) {
      *sql_ << "INSERT INTO subject_flags (subject_id, kind, flagged_on, source)"
               " VALUES (:id, :kind, :date, :source)",
          soci::use(subject_id), soci::use(f.kind), soci::use(f.date), soci::use(f.source);
    }
    tr.commit();
    return Status::Ok();
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::vector<CreditRecord>> SqlStore::RepairCredit(const std::string& subject_id,
                                                         const std::vector<std::int64_t>& ids,
                                                         const std::string& reason,
                                                         const std::string& actor, Instant at) {
  std::vector<std::int64_t> repaired;
  {
    std::lock_guard<std::mutex> lock(mu_);
    try {
      soci::transaction tr(*sql_);
      std::vector<std::int64_t> candidates = ids;
      if (candidates.empty()) {
        long long id = 0;
        soci::statement st = (sql_->prepare << "SELECT id FROM credit_records WHERE subject_id = :s"
                                               " AND repaired_at = 0 ORDER BY id",
                              soci::into(id), soci::use(subject_id));
        if (st.execute(true)) {
          do candidates.push_back(id);
          while (st.fetch());
        }
      }
      long long when = at;
      for (const std::int64_t candidate : candidates) {
        long long id = candidate;
        if (Execute(*sql_,
                    "UPDATE credit_records SET repaired_at = :at, repair_reason = :r,"
                    " repaired_by = :a WHERE id = :id AND subject_id = :s AND repaired_at = 0",
                    soci::use(when), soci::use(reason), soci::use(actor), soci::use(id),
                    soci::use(subject_id)) != 1) {
          return Status::Error(Code::kNotFound,
                               "credit record " + std::to_string(id) + " of " + subject_id +
                                   " is not an unrepaired record",
                               "信用记录 " + std::to_string(id) + " 不存在或已修复",
                               {{"credit_record_id", {std::to_string(id)}}});
        }
        repaired.push_back(id);
      }
      tr.commit();
    } catch (const soci::soci_error& e) {
      return FromSoci(e);
    }
  }
  auto subject = Subject(subject_id);
  if (!subject.ok()) return subject.status();
  std::vector<CreditRecord> out;
  for (const auto& c : subject->credit_records)
    if (std::find(repaired.begin(), repaired.end(), c.id) != repaired.end()) out.push_back(c);
  return out;
}

Result<std::vector<TimerRow>> SqlStore::ClaimDueTimers(Instant now, const std::string& owner,
                                                       Instant lease_until, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  long long at = now, until = lease_until;
  try {
    soci::transaction tr(*sql_);
    // Due armed timers by due instant (index timers_due), then retries whose wait is over
    // (timers_retry). The claimed rows are read back by id, so nothing scans the timers.
    std::vector<TimerRow> claimed;
    for (const char* tail :
         {"WHERE state = 'armed' AND due_at < :now AND (lease_owner IN ('', :me) OR"
          " lease_expires_at < :now2) ORDER BY due_at, id LIMIT :n",
          "WHERE state = 'retry' AND not_before <= :now AND (lease_owner IN ('', :me) OR"
          " lease_expires_at < :now2) ORDER BY not_before, id LIMIT :n"}) {
      // Our own leases are ours again: a restarted process takes back what it held when it died.
      auto rows = SelectTimers(*sql_, tail, [&](soci::statement& st) {
        st.exchange(soci::use(at));
        st.exchange(soci::use(owner));
        st.exchange(soci::use(at));
        st.exchange(soci::use(limit));
      });
      claimed.insert(claimed.end(), rows.begin(), rows.end());
    }
    for (const auto& t : claimed) {
      long long id = t.id;
      Execute(*sql_, "UPDATE timers SET lease_owner = :o, lease_expires_at = :u WHERE id = :id",
              soci::use(owner), soci::use(until), soci::use(id));
    }
    tr.commit();
    std::sort(claimed.begin(), claimed.end(), [](const TimerRow& x, const TimerRow& y) {
      return x.due_at != y.due_at ? x.due_at < y.due_at : x.id < y.id;
    });
    return claimed;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::optional<Instant>> SqlStore::NextTimerDue() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    long long armed = 0, retry = 0;
    soci::indicator armed_ind, retry_ind;
    *sql_ << "SELECT MIN(due_at) FROM timers WHERE state = 'armed'", soci::into(armed, armed_ind);
    *sql_ << "SELECT MIN(not_before) FROM timers WHERE state = 'retry'",
        soci::into(retry, retry_ind);
    std::optional<Instant> next;
    if (armed_ind == soci::i_ok) next = armed + 1;  // a deadline passes after its last millisecond
    if (retry_ind == soci::i_ok && (!next || retry < *next)) next = retry;
    return next;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Status SqlStore::RecordTimerFailure(std::int64_t timer_id, const std::string& error,
                                    Instant not_before, bool incident) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    long long id = timer_id, nb = not_before;
    const std::string state = incident ? "incident" : "retry";
    Execute(*sql_,
            "UPDATE timers SET state = :s, attempts = attempts + 1, not_before = :nb,"
            " last_error = :e, lease_owner = '', lease_expires_at = 0"
            " WHERE id = :id AND state IN ('armed', 'retry')",
            soci::use(state), soci::use(nb), soci::use(error), soci::use(id));
    return Status::Ok();
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::vector<TimerRow>> SqlStore::ListTimers(const std::string& state, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    return SelectTimers(*sql_, "WHERE state = :s ORDER BY due_at, id LIMIT :n",
                        [&](soci::statement& st) {
                          st.exchange(soci::use(state));
                          st.exchange(soci::use(limit));
                        });
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::vector<TimerRow>> SqlStore::ListProvisionalTimers() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    return SelectTimers(*sql_,
                        "WHERE provisional = 1 AND state IN ('armed', 'retry') ORDER BY due_at, id",
                        [](soci::statement&) {});
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Status SqlStore::RescheduleTimer(const TimerRow& timer, const HistoryEntry& entry) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    soci::transaction tr(*sql_);
    long long id = timer.id, due = timer.due_at;
    int provisional = timer.provisional ? 1 : 0;
    if (Execute(*sql_,
                "UPDATE timers SET due_at = :due, provisional = :p"
                " WHERE id = :id AND state IN ('armed', 'retry')",
                soci::use(due), soci::use(provisional), soci::use(id)) == 1) {
      hot_->id = timer.application_id;
      hot_->entry = entry;
      hot_->at = entry.at;
      hot_->history.execute(true);
    }
    tr.commit();
    return Status::Ok();
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::vector<Escalation>> SqlStore::ListEscalations(const std::string& department,
                                                          std::int64_t after, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Escalation e;
    long long id = 0, app = 0, at = 0, from = after;
    std::string tail = "WHERE id > :after";
    if (!department.empty()) tail += " AND department = :d";
    soci::statement st(*sql_);
    st.alloc();
    st.exchange(soci::into(id));
    st.exchange(soci::into(app));
    st.exchange(soci::into(e.kind));
    st.exchange(soci::into(e.department));
    st.exchange(soci::into(e.state));
    st.exchange(soci::into(at));
    st.exchange(soci::into(e.note));
    st.exchange(soci::use(from));
    if (!department.empty()) st.exchange(soci::use(department));
    st.exchange(soci::use(limit));
    st.prepare("SELECT id, application_id, kind, department, state, at, note FROM escalations " +
               tail + " ORDER BY id LIMIT :n");
    st.define_and_bind();
    std::vector<Escalation> out;
    if (st.execute(true)) {
      do {
        e.id = id;
        e.application_id = app;
        e.at = at;
        out.push_back(e);
      } while (st.fetch());
    }
    return out;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::vector<ItemVersionInfo>> SqlStore::LoadItems() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    ItemVersionInfo v;
    long long saved = 0, published = 0;
    soci::statement st = (sql_->prepare << "SELECT code, version, status, definition, saved_at,"
                                           " published_at FROM items ORDER BY code, version",
                          soci::into(v.code), soci::into(v.version), soci::into(v.status),
                          soci::into(v.json), soci::into(saved), soci::into(published));
    std::vector<ItemVersionInfo> out;
    if (st.execute(true)) {
      do {
        v.saved_at = saved;
        v.published_at = published;
        out.push_back(v);
      } while (st.fetch());
    }
    return out;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Status SqlStore::WriteItems(const std::vector<ItemVersionInfo>& versions) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    soci::transaction tr(*sql_);
    for (const auto& v : versions) {
      long long saved = v.saved_at, published = v.published_at;
      *sql_ << "INSERT INTO items (code, version, status, definition, saved_at, published_at)"
               " VALUES (:c, :v, :s, :d, :sa, :pa) ON CONFLICT (code, version) DO UPDATE SET"
               " status = excluded.status, definition = excluded.definition,"
               " saved_at = excluded.saved_at, published_at = excluded.published_at",
          soci::use(v.code), soci::use(v.version), soci::use(v.status), soci::use(v.json),
          soci::use(saved), soci::use(published);
    }
    tr.commit();
    return Status::Ok();
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::vector<Department>> SqlStore::LoadDepartments() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Department d;
    soci::statement st = (sql_->prepare << "SELECT id, name FROM departments ORDER BY id",
                          soci::into(d.id), soci::into(d.name));
    std::vector<Department> out;
    if (st.execute(true)) {
      do out.push_back(d);
      while (st.fetch());
    }
    return out;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Status SqlStore::SaveDepartment(const Department& d) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    *sql_ << "INSERT INTO departments (id, name) VALUES (:id, :name)"
             " ON CONFLICT (id) DO UPDATE SET name = excluded.name",
        soci::use(d.id), soci::use(d.name);
    return Status::Ok();
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

namespace {

std::string AuditHash(const AuditEntry& e) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  const std::string text = std::to_string(e.seq) + "|" + e.principal + "|" + e.role + "|" +
                           e.department + "|" + e.route + "|" + std::to_string(e.application_id) +
                           "|" + e.event + "|" + e.outcome + "|" + std::to_string(e.at) + "|" +
                           e.remote + "|" + e.prev_hash;
  sha.update(text);
  return Poco::DigestEngine::digestToHex(sha.digest());
}

}  // namespace

Status SqlStore::AddPrincipal(const PrincipalRecord& p) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    int exists = 0;
    *sql_ << "SELECT COUNT(*) FROM principals WHERE name = :n", soci::into(exists),
        soci::use(p.name);
    if (exists) {
      return Status::Error(Code::kConflict, "principal " + p.name + " exists",
                           "用户 " + p.name + " 已存在");
    }
    long long created = p.created_at, revoked = 0;
    *sql_ << "INSERT INTO principals (name, role, department, token_sha256, created_at,"
             " revoked_at) VALUES (:n, :r, :d, :t, :c, :x)",
        soci::use(p.name), soci::use(p.role), soci::use(p.department), soci::use(p.token_sha256),
        soci::use(created), soci::use(revoked);
    return Status::Ok();
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::vector<PrincipalRecord>> SqlStore::ListPrincipals() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    PrincipalRecord p;
    long long created = 0, revoked = 0;
    soci::statement st =
        (sql_->prepare << "SELECT name, role, department, token_sha256, created_at, revoked_at"
                          " FROM principals ORDER BY name",
         soci::into(p.name), soci::into(p.role), soci::into(p.department),
         soci::into(p.token_sha256), soci::into(created), soci::into(revoked));
    std::vector<PrincipalRecord> out;
    if (st.execute(true)) {
      do {
        p.created_at = created;
        p.revoked_at = revoked;
        out.push_back(p);
      } while (st.fetch());
    }
    return out;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Status SqlStore::RevokePrincipal(const std::string& name, Instant at) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    long long when = at;
    if (Execute(*sql_, "UPDATE principals SET revoked_at = :at WHERE name = :n AND revoked_at = 0",
                soci::use(when), soci::use(name)) != 1) {
      return NotFound("active principal", "有效用户", name);
    }
    return Status::Ok();
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::optional<PrincipalRecord>> SqlStore::PrincipalByToken(const std::string& sha256) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    PrincipalRecord p;
    soci::indicator ind = soci::i_null;
    *sql_ << "SELECT name, role, department FROM principals WHERE token_sha256 = :t"
             " AND revoked_at = 0",
        soci::into(p.name, ind), soci::into(p.role), soci::into(p.department), soci::use(sha256);
    if (!sql_->got_data() || ind != soci::i_ok) return std::optional<PrincipalRecord>();
    p.token_sha256 = sha256;
    return std::optional<PrincipalRecord>(p);
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Status SqlStore::AppendAudit(AuditEntry e) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    soci::transaction tr(*sql_);
    long long last = 0;
    soci::indicator ind = soci::i_null;
    std::string prev;
    *sql_ << "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", soci::into(last, ind),
        soci::into(prev);
    if (!sql_->got_data() || ind != soci::i_ok) {
      last = 0;
      prev.clear();
    }
    e.seq = last + 1;
    e.prev_hash = prev;
    e.hash = AuditHash(e);
    long long seq = e.seq, app = e.application_id, at = e.at;
    *sql_ << "INSERT INTO audit (seq, principal, role, department, route, application_id, event,"
             " outcome, at, remote, prev_hash, hash) VALUES (:s, :p, :r, :d, :route, :a, :e, :o,"
             " :at, :rem, :prev, :h)",
        soci::use(seq), soci::use(e.principal), soci::use(e.role), soci::use(e.department),
        soci::use(e.route), soci::use(app), soci::use(e.event), soci::use(e.outcome), soci::use(at),
        soci::use(e.remote), soci::use(e.prev_hash), soci::use(e.hash);
    tr.commit();
    return Status::Ok();
  } catch (const soci::soci_error& ex) {
    return FromSoci(ex);
  }
}

Result<AuditVerdict> SqlStore::VerifyAudit() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    AuditEntry e;
    long long seq = 0, app = 0, at = 0;
    soci::statement st =
        (sql_->prepare << "SELECT seq, principal, role, department, route, application_id, event,"
                          " outcome, at, remote, prev_hash, hash FROM audit ORDER BY seq",
         soci::into(seq), soci::into(e.principal), soci::into(e.role), soci::into(e.department),
         soci::into(e.route), soci::into(app), soci::into(e.event), soci::into(e.outcome),
         soci::into(at), soci::into(e.remote), soci::into(e.prev_hash), soci::into(e.hash));
    AuditVerdict v;
    std::string prev;
    long long expected = 1;
    if (st.execute(true)) {
      do {
        e.seq = seq;
        e.application_id = app;
        e.at = at;
        ++v.entries;
        if (v.intact) {
          if (seq != expected) {
            v = {false, v.entries, expected,
                 "entry " + std::to_string(expected) + " is missing (deleted)"};
          } else if (e.prev_hash != prev) {
            v = {false, v.entries, seq,
                 "entry " + std::to_string(seq) +
                     " does not follow the entry before it (reordered, or that one was changed)"};
          } else if (AuditHash(e) != e.hash) {
            v = {false, v.entries, seq, "entry " + std::to_string(seq) + " was changed"};
          }
        }
        prev = e.hash;
        expected = seq + 1;
      } while (st.fetch());
    }
    return v;
  } catch (const soci::soci_error& ex) {
    return FromSoci(ex);
  }
}

Result<ApiRecords::Idempotency> SqlStore::ReserveKey(const std::string& principal,
                                                     const std::string& key,
                                                     const std::string& request_sha256, Instant now,
                                                     Instant keep_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    soci::transaction tr(*sql_);
    long long horizon = now - keep_ms, created = now;
    *sql_ << "DELETE FROM idempotency_keys WHERE created_at < :h", soci::use(horizon);
    Idempotency out;
    std::string hash, body;
    int status = 0;
    soci::indicator ind = soci::i_null;
    *sql_ << "SELECT request_sha256, status, response FROM idempotency_keys"
             " WHERE principal = :p AND idem_key = :k",
        soci::into(hash, ind), soci::into(status), soci::into(body), soci::use(principal),
        soci::use(key);
    if (sql_->got_data() && ind == soci::i_ok) {
      if (hash != request_sha256)
        out.kind = Idempotency::Kind::kMismatch;
      else if (status == 0)
        out.kind = Idempotency::Kind::kInProgress;
      else
        out = {Idempotency::Kind::kReplay, status, body};
    } else {
      *sql_ << "INSERT INTO idempotency_keys (principal, idem_key, request_sha256, status,"
               " response, created_at) VALUES (:p, :k, :h, 0, '', :c)",
          soci::use(principal), soci::use(key), soci::use(request_sha256), soci::use(created);
    }
    tr.commit();
    return out;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Status SqlStore::CompleteKey(const std::string& principal, const std::string& key, int status,
                             const std::string& body) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Execute(*sql_,
            "UPDATE idempotency_keys SET status = :s, response = :b WHERE principal = :p"
            " AND idem_key = :k",
            soci::use(status), soci::use(body), soci::use(principal), soci::use(key));
    return Status::Ok();
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Status SqlStore::ReleaseKey(const std::string& principal, const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Execute(*sql_, "DELETE FROM idempotency_keys WHERE principal = :p AND idem_key = :k",
            soci::use(principal), soci::use(key));
    return Status::Ok();
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::map<std::string, long long>> SqlStore::TimerCounts(Instant now) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    std::map<std::string, long long> out;
    std::string state;
    long long n = 0;
    soci::statement st = (sql_->prepare << "SELECT state, COUNT(*) FROM timers GROUP BY state",
                          soci::into(state), soci::into(n));
    if (st.execute(true)) {
      do out[state] = n;
      while (st.fetch());
    }
    long long at = now;
    *sql_ << "SELECT COUNT(*) FROM timers WHERE state = 'armed' AND due_at < :now", soci::into(n),
        soci::use(at);
    out["due"] = n;
    *sql_ << "SELECT COUNT(*) FROM timers WHERE state = 'fired' AND fired_at - due_at > 1000",
        soci::into(n);
    out["late"] = n;
    return out;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

namespace {

constexpr const char* kMessageColumns =
    "id, recipient, application_id, kind, payload, created_at, state, attempts, next_attempt_at,"
    " delivered_at, last_error";

template <typename BindUses>
std::vector<OutboxMessage> SelectMessages(soci::session& sql, const std::string& tail,
                                          BindUses bind_uses) {
  OutboxMessage m;
  long long id = 0, app = 0, created = 0, next = 0, delivered = 0;
  soci::statement st(sql);
  st.alloc();
  st.exchange(soci::into(id));
  st.exchange(soci::into(m.recipient));
  st.exchange(soci::into(app));
  st.exchange(soci::into(m.kind));
  st.exchange(soci::into(m.payload_json));
  st.exchange(soci::into(created));
  st.exchange(soci::into(m.state));
  st.exchange(soci::into(m.attempts));
  st.exchange(soci::into(next));
  st.exchange(soci::into(delivered));
  st.exchange(soci::into(m.last_error));
  bind_uses(st);
  st.prepare(std::string("SELECT ") + kMessageColumns + " FROM outbox o " + tail);
  st.define_and_bind();
  std::vector<OutboxMessage> out;
  if (st.execute(true)) {
    do {
      m.id = id;
      m.application_id = app;
      m.created_at = created;
      m.next_attempt_at = next;
      m.delivered_at = delivered;
      out.push_back(m);
    } while (st.fetch());
  }
  return out;
}

template <typename BindUses>
std::vector<Notice> SelectNotices(soci::session& sql, const std::string& tail, BindUses bind_uses) {
  Notice n;
  long long id = 0, reg = 0, created = 0, due = 0, claimed = 0;
  soci::statement st(sql);
  st.alloc();
  st.exchange(soci::into(id));
  st.exchange(soci::into(reg));
  st.exchange(soci::into(n.uscc));
  st.exchange(soci::into(n.enterprise_name));
  st.exchange(soci::into(n.item_code));
  st.exchange(soci::into(n.department));
  st.exchange(soci::into(created));
  st.exchange(soci::into(due));
  st.exchange(soci::into(claimed));
  st.exchange(soci::into(n.claimed_by));
  bind_uses(st);
  st.prepare(
      "SELECT id, registration_id, uscc, enterprise_name, item_code, department, created_at,"
      " claim_due_at, claimed_at, claimed_by FROM notices " +
      tail);
  st.define_and_bind();
  std::vector<Notice> out;
  if (st.execute(true)) {
    do {
      n.id = id;
      n.registration_id = reg;
      n.created_at = created;
      n.claim_due_at = due;
      n.claimed_at = claimed;
      out.push_back(n);
    } while (st.fetch());
  }
  return out;
}

}  // namespace

long long SqlStore::InsertMessage(std::int64_t application_id, const PushMessage& m, Instant at) {
  Hot& hot = *hot_;
  hot.message = m;
  hot.message_app = application_id;
  hot.message_at = at;
  hot.write_message.execute(true);
  hot.write_message.fetch();  // step past the RETURNING row, so the statement is finished
  return hot.message_id;
}

void SqlStore::InsertPublicity(const std::string& uscc, std::int64_t application_id,
                               const PublishRecord& p, long long message_id, Instant at) {
  Hot& hot = *hot_;
  hot.publicity_uscc = uscc;
  hot.publicity = p;
  hot.message_app = application_id;
  hot.publicity_message = message_id;
  hot.message_at = at;
  hot.publicity_due = p.due_at;
  hot.write_publicity.execute(true);
}

Result<std::vector<std::int64_t>> SqlStore::SaveRegistration(
    const std::string& uscc, const std::string& name, const std::string& region,
    const std::string& scope_json, Instant at, std::vector<Notice> notices,
    const std::vector<PushMessage>& messages, std::int64_t* registration_id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    soci::transaction tr(*sql_);
    long long when = at;
    *sql_
        << "INSERT INTO registrations (uscc, name, region, scope, at) VALUES (:u, :n, :r, :s, :a)",
        soci::use(uscc), soci::use(name), soci::use(region), soci::use(scope_json), soci::use(when);
    long long reg = 0;
    sql_->get_last_insert_id("registrations", reg);
    *sql_ << "INSERT INTO subjects (id, kind, name) VALUES (:id, 'enterprise', :name)"
             " ON CONFLICT (id) DO UPDATE SET name = excluded.name",
        soci::use(uscc), soci::use(name);
    std::vector<std::int64_t> ids;
    for (auto& n : notices) {
      long long due = n.claim_due_at;
      *sql_ << "INSERT INTO notices (registration_id, uscc, enterprise_name, item_code, department,"
               " created_at, claim_due_at, claimed_at, claimed_by, escalated_at)"
               " VALUES (:r, :u, :n, :i, :d, :c, :due, 0, '', 0)",
          soci::use(reg), soci::use(uscc), soci::use(name), soci::use(n.item_code),
          soci::use(n.department), soci::use(when), soci::use(due);
      long long id = 0;
      sql_->get_last_insert_id("notices", id);
      ids.push_back(id);
    }
    for (const auto& m : messages) InsertMessage(0, m, at);
    tr.commit();
    *registration_id = reg;
    return ids;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<Notice> SqlStore::ClaimNotice(std::int64_t id, const std::string& department,
                                     const std::string& by, Instant at) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    long long key = id;
    auto found = SelectNotices(*sql_, "WHERE id = :id",
                               [&](soci::statement& st) { st.exchange(soci::use(key)); });
    if (found.empty() || (!department.empty() && found[0].department != department))
      return NotFound("notice", "告知", std::to_string(id));
    if (found[0].claimed_at != 0) {
      return Status::Error(
          Code::kConflict,
          "notice " + std::to_string(id) + " was claimed by " + found[0].claimed_by,
          "该告知已由 " + found[0].claimed_by + " 认领");
    }
    long long when = at;
    Execute(*sql_, "UPDATE notices SET claimed_at = :at, claimed_by = :b WHERE id = :id",
            soci::use(when), soci::use(by), soci::use(key));
    found[0].claimed_at = at;
    found[0].claimed_by = by;
    return found[0];
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::vector<Notice>> SqlStore::ListNotices(const std::string& department, int claimed,
                                                  std::int64_t after, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    std::string tail = "WHERE id > :after";
    if (!department.empty()) tail += " AND department = :d";
    if (claimed == 0) tail += " AND claimed_at = 0";
    if (claimed == 1) tail += " AND claimed_at <> 0";
    tail += " ORDER BY id LIMIT :n";
    long long from = after;
    return SelectNotices(*sql_, tail, [&](soci::statement& st) {
      st.exchange(soci::use(from));
      if (!department.empty()) st.exchange(soci::use(department));
      st.exchange(soci::use(limit));
    });
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<int> SqlStore::EscalateUnclaimedNotices(Instant now) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    soci::transaction tr(*sql_);
    long long at = now;
    auto overdue = SelectNotices(
        *sql_, "WHERE claimed_at = 0 AND escalated_at = 0 AND claim_due_at < :now ORDER BY id",
        [&](soci::statement& st) { st.exchange(soci::use(at)); });
    for (const auto& n : overdue) {
      const std::string note = "notice " + std::to_string(n.id) + " (" + n.item_code + ", " +
                               n.uscc + ") unclaimed past its deadline";
      *sql_ << "INSERT INTO escalations (application_id, kind, department, state, at, note)"
               " VALUES (0, 'claim_deadline', :d, 'unclaimed', :at, :n)",
          soci::use(n.department), soci::use(at), soci::use(note);
      InsertMessage(
          0,
          PushMessage{n.department, "escalation",
                      "{\"kind\":\"claim_deadline\",\"notice_id\":" + std::to_string(n.id) +
                          ",\"item_code\":\"" + n.item_code + "\",\"uscc\":\"" + n.uscc + "\"}"},
          now);
      long long id = n.id;
      Execute(*sql_, "UPDATE notices SET escalated_at = :at WHERE id = :id", soci::use(at),
              soci::use(id));
    }
    tr.commit();
    return static_cast<int>(overdue.size());
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::vector<DepartmentTally>> SqlStore::Tallies(const std::string& query, Instant from,
                                                       Instant to) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    DepartmentTally t;
    long long a = from, b = to;
    soci::statement st = (sql_->prepare << query, soci::into(t.department), soci::into(t.total),
                          soci::into(t.done), soci::use(a), soci::use(b));
    std::vector<DepartmentTally> out;
    if (st.execute(true)) {
      do out.push_back(t);
      while (st.fetch());
    }
    return out;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::vector<DepartmentTally>> SqlStore::ClaimTallies(Instant from, Instant to) {
  return Tallies(
      "SELECT department, COUNT(*), SUM(CASE WHEN claimed_at <> 0 THEN 1 ELSE 0 END) FROM notices"
      " WHERE created_at >= :a AND created_at < :b GROUP BY department ORDER BY department",
      from, to);
}

Result<SupervisionDecision> SqlStore::SaveSupervisionDecision(
    SupervisionDecision d, const std::vector<PushMessage>& messages,
    const std::vector<PublishRecord>& publish, const std::string& uscc) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    soci::transaction tr(*sql_);
    long long app = d.application_id, at = d.recorded_at;
    int late = d.late ? 1 : 0;
    const std::string decided = FormatDate(d.decided_on);
    *sql_ << "INSERT INTO supervision_decisions (application_id, uscc, department, kind, summary,"
             " decided_on, recorded_at, late) VALUES (:a, :u, :d, :k, :s, :on, :at, :l)",
        soci::use(app), soci::use(uscc), soci::use(d.department), soci::use(d.kind),
        soci::use(d.summary), soci::use(decided), soci::use(at), soci::use(late);
    long long id = 0;
    sql_->get_last_insert_id("supervision_decisions", id);
    d.id = id;
    long long publicity_message = 0;
    for (const auto& m : messages) {
      const long long mid = InsertMessage(d.application_id, m, d.recorded_at);
      if (m.recipient == "publicity") publicity_message = mid;
    }
    for (const auto& p : publish)
      InsertPublicity(uscc, d.application_id, p, publicity_message, d.recorded_at);
    tr.commit();
    return d;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::vector<SupervisionDecision>> SqlStore::ListSupervisionDecisions(
    std::int64_t application, const std::string& uscc) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    SupervisionDecision d;
    long long id = 0, app = 0, at = 0, key = application;
    int late = 0;
    std::string on;
    std::string tail = application ? "application_id = :k" : "uscc = :k";
    soci::statement st(*sql_);
    st.alloc();
    st.exchange(soci::into(id));
    st.exchange(soci::into(app));
    st.exchange(soci::into(d.department));
    st.exchange(soci::into(d.kind));
    st.exchange(soci::into(d.summary));
    st.exchange(soci::into(on));
    st.exchange(soci::into(at));
    st.exchange(soci::into(late));
    if (application)
      st.exchange(soci::use(key));
    else
      st.exchange(soci::use(uscc));
    st.prepare(
        "SELECT id, application_id, department, kind, summary, decided_on, recorded_at, late"
        " FROM supervision_decisions WHERE " +
        tail + " ORDER BY id");
    st.define_and_bind();
    std::vector<SupervisionDecision> out;
    if (st.execute(true)) {
      do {
        d.id = id;
        d.application_id = app;
        d.recorded_at = at;
        d.late = late != 0;
        d.decided_on = ParseDate(on).value_or(Date{});
        out.push_back(d);
      } while (st.fetch());
    }
    return out;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::vector<DepartmentTally>> SqlStore::SupervisionTallies(Instant from, Instant to) {
  return Tallies(
      "SELECT department, COUNT(*), SUM(late) FROM supervision_decisions"
      " WHERE recorded_at >= :a AND recorded_at < :b GROUP BY department ORDER BY department",
      from, to);
}

Result<std::vector<PublicityRecord>> SqlStore::ListPublicity(const std::string& uscc,
                                                             Instant overdue_at) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    PublicityRecord r;
    long long id = 0, app = 0, produced = 0, due = 0, published = 0, at = overdue_at;
    soci::statement st(*sql_);
    st.alloc();
    st.exchange(soci::into(id));
    st.exchange(soci::into(r.uscc));
    st.exchange(soci::into(r.kind));
    st.exchange(soci::into(app));
    st.exchange(soci::into(produced));
    st.exchange(soci::into(due));
    st.exchange(soci::into(published));
    std::string tail;
    if (!uscc.empty()) {
      st.exchange(soci::use(uscc));
      tail = "WHERE uscc = :u";
    } else {
      st.exchange(soci::use(at));
      tail = "WHERE published_at = 0 AND due_at < :at";
    }
    st.prepare(
        "SELECT id, uscc, kind, application_id, produced_at, due_at, published_at FROM"
        " publicity_records " +
        tail + " ORDER BY id");
    st.define_and_bind();
    std::vector<PublicityRecord> out;
    if (st.execute(true)) {
      do {
        r.id = id;
        r.application_id = app;
        r.produced_at = produced;
        r.due_at = due;
        r.published_at = published;
        out.push_back(r);
      } while (st.fetch());
    }
    return out;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::vector<OutboxMessage>> SqlStore::DueMessages(const std::vector<std::string>& recipients,
                                                         Instant now, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    std::vector<OutboxMessage> out;
    long long at = now;
    for (const auto& recipient : recipients) {
      auto due =
          SelectMessages(*sql_,
                         "WHERE state = 'pending' AND recipient = :r AND next_attempt_at <= :now"
                         " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.recipient = o.recipient"
                         " AND p.application_id = o.application_id AND p.id < o.id"
                         " AND p.state IN ('pending', 'dead')) ORDER BY id LIMIT :n",
                         [&](soci::statement& st) {
                           st.exchange(soci::use(recipient));
                           st.exchange(soci::use(at));
                           st.exchange(soci::use(limit));
                         });
      out.insert(out.end(), due.begin(), due.end());
    }
    return out;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Status SqlStore::MarkDelivered(std::int64_t id, Instant at) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    soci::transaction tr(*sql_);
    long long key = id, when = at;
    Execute(*sql_,
            "UPDATE outbox SET state = 'delivered', delivered_at = :at, attempts = attempts + 1"
            " WHERE id = :id AND state = 'pending'",
            soci::use(when), soci::use(key));
    // A record for publicity is published when the publicity system has it.
    Execute(*sql_,
            "UPDATE publicity_records SET published_at = :at WHERE message_id = :id"
            " AND published_at = 0",
            soci::use(when), soci::use(key));
    tr.commit();
    return Status::Ok();
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Status SqlStore::MarkFailed(std::int64_t id, const std::string& error, Instant next_attempt_at,
                            bool dead) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    long long key = id, next = next_attempt_at;
    const std::string state = dead ? "dead" : "pending";
    Execute(*sql_,
            "UPDATE outbox SET state = :s, attempts = attempts + 1, next_attempt_at = :n,"
            " last_error = :e WHERE id = :id AND state = 'pending'",
            soci::use(state), soci::use(next), soci::use(error), soci::use(key));
    return Status::Ok();
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<std::vector<OutboxMessage>> SqlStore::ListMessages(const std::string& recipient,
                                                          const std::string& state,
                                                          std::int64_t after, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    std::string tail = "WHERE id > :after";
    if (!recipient.empty()) tail += " AND recipient = :r";
    if (!state.empty()) tail += " AND state = :s";
    tail += " ORDER BY id LIMIT :n";
    long long from = after;
    return SelectMessages(*sql_, tail, [&](soci::statement& st) {
      st.exchange(soci::use(from));
      if (!recipient.empty()) st.exchange(soci::use(recipient));
      if (!state.empty()) st.exchange(soci::use(state));
      st.exchange(soci::use(limit));
    });
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<int> SqlStore::ReplayMessages(const std::vector<std::int64_t>& ids) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    soci::transaction tr(*sql_);
    long long n = 0;
    if (ids.empty()) {
      n = Execute(*sql_,
                  "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = 0"
                  " WHERE state = 'dead'");
    } else {
      for (const auto id : ids) {
        long long key = id;
        n += Execute(*sql_,
                     "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = 0"
                     " WHERE id = :id AND state = 'dead'",
                     soci::use(key));
      }
    }
    tr.commit();
    return static_cast<int>(n);
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

Result<long long> SqlStore::OutboxBacklog() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    long long n = 0;
    *sql_ << "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'dead')", soci::into(n);
    return n;
  } catch (const soci::soci_error& e) {
    return FromSoci(e);
  }
}

}  // namespace permitflow
