// permitflow-bench: figures for the closing notes, never run by the test suite.
//   permitflow-bench lifecycle --n 20000 [--db FILE]
//       the commitment scenario in process through the real engine and SQLite store, and the same
//       SQL writes by hand with the sqlite3 C API at the same durability, as the ceiling;
//   permitflow-bench lifecycle --http http://127.0.0.1:8080 --n 2000 [--clients 16]
//       the same scenario through a running server over loopback;
//   permitflow-bench timers --n 100000 [--stream 2000]
//       N overdue materials deadlines fired after a clock jump, each a revocation with its credit
//       record in its own transaction, against the same writes by hand; then the lateness of firing
//       under a steady stream of 200 due timers a second while a handler works.
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "adapters/calendar_files.hpp"
#include "adapters/sql_store.hpp"
#include "adapters/stored_catalogue.hpp"
#include "adapters/system_clock.hpp"
#include "adapters/timer_driver.hpp"
#include "engine/engine.hpp"
#include "engine/timer_service.hpp"
#include "tests/bench/bench_util.hpp"
#include "tests/support/fake_clock.hpp"
#include "workflows/workflows.hpp"

namespace permitflow {
namespace bench {
namespace {

using Args = std::map<std::string, std::string>;

std::string Arg(const Args& a, const std::string& k, const std::string& def) {
  auto it = a.find(k);
  return it == a.end() ? def : it->second;
}

void Die(const std::string& what) {
  std::cerr << "permitflow-bench: " << what << "\n";
  std::exit(1);
}

const char* kUscc = "91350100M000100Y43";

struct Figures {
  double seconds = 0;
  long steps = 0;
  std::vector<double> latencies_ms;
};

void Print(const char* label, const Figures& f) {
  std::printf("%-28s %8ld steps in %7.2f s = %9.1f transitions/s   p50 %.3f ms   p99 %.3f ms\n",
              label, f.steps, f.seconds, static_cast<double>(f.steps) / f.seconds,
              Percentile(f.latencies_ms, 0.5), Percentile(f.latencies_ms, 0.99));
}

// p50 of each of the six steps (the latencies are recorded in scenario order).
void PrintPerStep(const Figures& f) {
  static const char* kSteps[] = {"create",           "issue_notice",     "commit",
                                 "submit_materials", "accept_materials", "verify"};
  std::printf("  p50 per step:");
  for (size_t s = 0; s < 6; ++s) {
    std::vector<double> v;
    for (size_t i = s; i < f.latencies_ms.size(); i += 6) v.push_back(f.latencies_ms[i]);
    std::printf(" %s %.3f", kSteps[s], Percentile(v, 0.5));
  }
  std::printf(" (ms)\n");
}

// The scenario through the real engine: six commands, each one transaction.
Figures EngineRun(const std::string& db, int n) {
  auto store = SqlStore::Open("sqlite:" + db);
  if (!store.ok()) Die(store.status().message());
  auto calendar = LoadCalendarFolder("config/calendar");
  if (!calendar.ok()) Die(calendar.status().message() + " (run from the repository root)");
  SystemClock clock;
  auto catalogue = StoredCatalogue::Open(*store.value());
  if (!catalogue.ok()) Die(catalogue.status().message());
  Status seeded = catalogue.value()->SeedIfEmpty("config/catalogue", clock.Now());
  if (!seeded.ok()) Die(seeded.message());
  auto commitment = MakeCommitmentWorkflow();
  Engine engine(*store.value(), *catalogue.value(), clock, {commitment.get()});
  engine.SetCalendar(std::make_shared<WorkingCalendar>(std::move(calendar.value())));
  const Actor actor{"bench", "handler", "health"};

  Figures f;
  // Touched up front, so that the RSS printed below is the engine's and not this vector's.
  f.latencies_ms.assign(static_cast<size_t>(n) * 6, 0.0);
  const double start = NowSeconds();
  auto step = [&](auto&& fn) {
    const double t0 = NowSeconds();
    auto r = fn();
    f.latencies_ms[static_cast<size_t>(f.steps)] = (NowSeconds() - t0) * 1000.0;
    if (!r.ok()) Die(r.status().message());
    ++f.steps;
    return r.value();
  };
  for (int i = 0; i < n; ++i) {
    Application app = step([&] {
      return engine.Create(
          {"public_place_hygiene", {"enterprise", kUscc, "基准测试有限公司"}, "{}", {}}, actor,
          nullptr);
    });
    auto fire = [&](const char* name, EventData data) {
      app = step([&] {
        return engine.Handle(app.id, Event{name, data, "{}"}, app.version, actor, nullptr);
      });
    };
    fire("issue_notice", {});
    EventData commit;
    commit.signer = "张三";
    commit.materials = {"application_form", "floor_plan"};
    fire("commit", commit);
    EventData submit;
    submit.materials = {"hygiene_report"};
    fire("submit_materials", submit);
    fire("accept_materials", {});
    EventData verify;
    verify.result = "confirmed";
    fire("verify", verify);
    if ((i + 1) % (n / 4 > 0 ? n / 4 : 1) == 0) {
      std::printf("  after %6d applications: RSS %ld KiB\n", i + 1, CurrentRssKb());
    }
  }
  f.seconds = NowSeconds() - start;
  return f;
}

void Check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    Die(std::string(what) + ": " + sqlite3_errmsg(db));
}

// The ceiling: the same writes by hand, at the same durability (WAL, synchronous=FULL): per step a
// transaction that updates the application row, inserts a history row and inserts or deletes a
// deadline row.
Figures RawRun(const std::string& path, int n) {
  {
    auto migrated = SqlStore::Open("sqlite:" + path);
    if (!migrated.ok()) Die(migrated.status().message());
  }
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.c_str(), &db), db, "open");
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr, nullptr);
  auto prepare = [&](const char* sql) {
    sqlite3_stmt* st = nullptr;
    Check(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), db, sql);
    return st;
  };
  sqlite3_stmt* begin = prepare("BEGIN IMMEDIATE");
  sqlite3_stmt* commit = prepare("COMMIT");
  sqlite3_stmt* insert_app = prepare(
      "INSERT INTO applications (item_code, item_version, reform_method, department, "
      "applicant_kind,"
      " applicant_id, applicant_name, form, state, version, route, materials, notice_number,"
      " permit_number, signer, note, decided_at, created_at, updated_at) VALUES "
      "('public_place_hygiene',"
      " 1, 'commitment', 'health', 'enterprise', ?1, 'x', '{}', 'received', 1, '', '', '', '', '', "
      "'',"
      " 0, ?2, ?2)");
  sqlite3_stmt* update = prepare(
      "UPDATE applications SET state = ?1, version = version + 1, updated_at = ?2 WHERE id = ?3 AND"
      " version = ?4");
  sqlite3_stmt* history = prepare(
      "INSERT INTO history (application_id, seq, event, from_state, to_state, actor, at, payload, "
      "note)"
      " VALUES (?1, ?2, 'e', 'a', 'b', 'bench', ?3, '{}', '')");
  sqlite3_stmt* arm = prepare(
      "INSERT INTO timers (application_id, kind, due_at, state, attempts, lease_owner,"
      " lease_expires_at, provisional) VALUES (?1, 'k', ?2, 'armed', 0, '', 0, 0)");
  sqlite3_stmt* cancel =
      prepare("DELETE FROM timers WHERE application_id = ?1 AND kind = 'k' AND state = 'armed'");
  auto run = [&](sqlite3_stmt* st) {
    Check(sqlite3_step(st), db, sqlite3_sql(st));
    sqlite3_reset(st);
  };
  Figures f;
  const double start = NowSeconds();
  for (int i = 0; i < n; ++i) {
    sqlite3_int64 id = 0;
    for (int s = 0; s < 6; ++s) {
      const double t0 = NowSeconds();
      run(begin);
      if (s == 0) {
        sqlite3_bind_text(insert_app, 1, kUscc, -1, SQLITE_STATIC);
        sqlite3_bind_int64(insert_app, 2, s);
        run(insert_app);
        id = sqlite3_last_insert_rowid(db);
      } else {
        static const char* kStates[] = {"received",         "awaiting_commitment", "materials_due",
                                        "materials_review", "under_verification",  "verified"};
        sqlite3_bind_text(update, 1, kStates[s], -1, SQLITE_STATIC);
        sqlite3_bind_int64(update, 2, s);
        sqlite3_bind_int64(update, 3, id);
        sqlite3_bind_int64(update, 4, s);
        run(update);
      }
      sqlite3_bind_int64(history, 1, id);
      sqlite3_bind_int(history, 2, s + 1);
      sqlite3_bind_int64(history, 3, s);
      run(history);
      sqlite3_stmt* timer = s % 2 == 0 ? arm : cancel;
      sqlite3_bind_int64(timer, 1, id);
      if (timer == arm) sqlite3_bind_int64(arm, 2, 1000 + s);
      run(timer);
      run(commit);
      f.latencies_ms.push_back((NowSeconds() - t0) * 1000.0);
      ++f.steps;
    }
  }
  f.seconds = NowSeconds() - start;
  for (auto* st : {begin, commit, insert_app, update, history, arm, cancel}) sqlite3_finalize(st);
  sqlite3_close(db);
  return f;
}

// One HTTP client: a keep-alive session on loopback.
class Client {
 public:
  explicit Client(const Poco::URI& uri) : session_(uri.getHost(), uri.getPort()) {
    session_.setKeepAlive(true);
  }
  Poco::JSON::Object::Ptr Post(const std::string& path, const std::string& token,
                               const std::string& body) {
    Poco::Net::HTTPRequest req("POST", path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "Bearer " + token);
    req.setContentType("application/json");
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    req.setKeepAlive(true);
    session_.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::string text;
    Poco::StreamCopier::copyToString(session_.receiveResponse(resp), text);
    if (resp.getStatus() >= 300)
      Die(path + " answered " + std::to_string(resp.getStatus()) + ": " + text);
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
  }

 private:
  Poco::Net::HTTPClientSession session_;
};

Figures HttpRun(const Args& args, int n) {
  const Poco::URI uri(Arg(args, "--http", ""));
  const std::string handler = Arg(args, "--token", "dev-health-handler-token");
  const std::string inspector = Arg(args, "--inspector-token", "dev-health-inspector-token");
  const int clients = std::stoi(Arg(args, "--clients", "16"));
  std::atomic<int> next{0};
  std::mutex mu;
  Figures f;
  const double start = NowSeconds();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      Client client(uri);
      std::vector<double> mine;
      while (next.fetch_add(1) < n) {
        auto timed = [&](const std::string& path, const std::string& token,
                         const std::string& body) {
          const double t0 = NowSeconds();
          auto r = client.Post(path, token, body);
          mine.push_back((NowSeconds() - t0) * 1000.0);
          return r;
        };
        auto app = timed(
            "/api/v1/applications", handler,
            std::string(
                R"({"item_code":"public_place_hygiene","applicant":{"kind":"enterprise","uscc":")") +
                kUscc + R"(","name":"基准测试有限公司"}})");
        const std::string events =
            "/api/v1/applications/" + std::to_string(app->getValue<long long>("id")) + "/events";
        auto fire = [&](const std::string& event, const std::string& data,
                        const std::string& token) {
          app = timed(events, token,
                      R"({"event":")" + event + R"(","expected_version":)" +
                          std::to_string(app->getValue<long long>("version")) + R"(,"data":)" +
                          data + "}");
        };
        fire("issue_notice", "{}", handler);
        fire("commit", R"({"signer":"张三","materials":["application_form","floor_plan"]})",
             handler);
        fire("submit_materials", R"({"materials":["hygiene_report"]})", handler);
        fire("accept_materials", "{}", handler);
        fire("verify", R"({"result":"confirmed"})", inspector);
      }
      std::lock_guard<std::mutex> lock(mu);
      f.latencies_ms.insert(f.latencies_ms.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  f.seconds = NowSeconds() - start;
  f.steps = static_cast<long>(f.latencies_ms.size());
  return f;
}

// Arms n materials deadlines directly in the database: n applications in materials_due, as the
// commitment route leaves them, the i-th due at first_due + i * spacing_ms. Setup, not measured.
void SeedMaterialsDue(const std::string& path, int n, Instant first_due, Instant spacing_ms) {
  {
    auto migrated = SqlStore::Open("sqlite:" + path);
    if (!migrated.ok()) Die(migrated.status().message());
  }
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.c_str(), &db), db, "open");
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* app = nullptr;
  sqlite3_stmt* timer = nullptr;
  Check(sqlite3_prepare_v2(
            db,
            "INSERT INTO applications (item_code, item_version, reform_method, department, "
            "applicant_kind,"
            " applicant_id, applicant_name, form, state, version, route, materials, notice_number,"
            " permit_number, signer, note, decided_at, created_at, updated_at) VALUES"
            " ('public_place_hygiene', 1, 'commitment', 'health', 'enterprise', ?1, "
            "'基准测试有限公司', '{}',"
            " 'materials_due', 3, 'commitment', 'application_form,floor_plan', '', '', '张三', '', "
            "?2, ?2, ?2)",
            -1, &app, nullptr),
        db, "seed app");
  Check(sqlite3_prepare_v2(
            db,
            "INSERT INTO timers (application_id, kind, due_at, state, attempts, lease_owner,"
            " lease_expires_at, provisional, basis_at, duration_value, duration_unit)"
            " VALUES (?1, 'materials_deadline', ?2, 'armed', 0, '', 0, 0, ?3, 20, 'working_days')",
            -1, &timer, nullptr),
        db, "seed timer");
  sqlite3_exec(
      db, "INSERT INTO subjects (id, kind, name) VALUES ('91350100M000100Y43', 'enterprise', 'x')",
      nullptr, nullptr, nullptr);
  for (int i = 0; i < n; ++i) {
    const Instant due = first_due + i * spacing_ms;
    sqlite3_bind_text(app, 1, kUscc, -1, SQLITE_STATIC);
    sqlite3_bind_int64(app, 2, first_due - 30LL * 86400000);
    Check(sqlite3_step(app), db, "seed app");
    sqlite3_reset(app);
    sqlite3_bind_int64(timer, 1, sqlite3_last_insert_rowid(db));
    sqlite3_bind_int64(timer, 2, due);
    sqlite3_bind_int64(timer, 3, first_due - 30LL * 86400000);
    Check(sqlite3_step(timer), db, "seed timer");
    sqlite3_reset(timer);
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_finalize(app);
  sqlite3_finalize(timer);
  sqlite3_close(db);
}

struct Wired {
  explicit Wired(const std::string& db, const Clock& clock) {
    auto opened = SqlStore::Open("sqlite:" + db);
    if (!opened.ok()) Die(opened.status().message());
    store = std::move(opened.value());
    auto calendar = LoadCalendarFolder("config/calendar");
    if (!calendar.ok()) Die(calendar.status().message() + " (run from the repository root)");
    auto opened_catalogue = StoredCatalogue::Open(*store);
    if (!opened_catalogue.ok()) Die(opened_catalogue.status().message());
    catalogue = std::move(opened_catalogue.value());
    Status seeded = catalogue->SeedIfEmpty("config/catalogue", clock.Now());
    if (!seeded.ok()) Die(seeded.message());
    engine = std::make_unique<Engine>(*store, *catalogue, clock,
                                      std::vector<const Workflow*>{workflow.get()});
    engine->SetCalendar(std::make_shared<WorkingCalendar>(std::move(calendar.value())));
  }
  std::unique_ptr<Workflow> workflow = MakeCommitmentWorkflow();
  std::unique_ptr<SqlStore> store;
  std::unique_ptr<StoredCatalogue> catalogue;
  std::unique_ptr<Engine> engine;
};

// The ceiling: per timer the same writes by hand in one transaction (complete the timer, update
// the application, insert the history row and the credit record, and the outbox and publicity
// rows the revocation causes).
Figures RawTimers(const std::string& path, int n) {
  SeedMaterialsDue(path, n, 1000, 1);
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.c_str(), &db), db, "open");
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr, nullptr);
  const char* sql[] = {
      "BEGIN IMMEDIATE",
      "UPDATE timers SET state = 'fired', fired_at = 5 WHERE id = ?1 AND state IN ('armed', "
      "'retry')",
      "UPDATE applications SET state = 'revoked', version = version + 1, updated_at = 5 WHERE id = "
      "?1"
      " AND version = 3",
      "INSERT INTO history (application_id, seq, event, from_state, to_state, actor, at, payload, "
      "note)"
      " VALUES (?1, 1, 'materials_deadline', 'materials_due', 'revoked', 'system', 5, '{}', '')",
      "INSERT INTO credit_records (subject_id, application_id, item_code, kind, legal_basis, "
      "scope, at,"
      " repaired_at) VALUES ('91350100M000100Y43', ?1, 'public_place_hygiene', 'materials_overdue',"
      " 'x', 'item', 5, 0)",
      // Issue 6's linkage: the revocation to the supervising department and publicity, the credit
      // record to the credit platform and publicity, and two records due for publication.
      "INSERT INTO outbox (recipient, application_id, kind, payload, created_at, state, attempts,"
      " next_attempt_at, delivered_at, last_error) VALUES ('health', ?1, 'decision', '{}', 5,"
      " 'pending', 0, 5, 0, '')",
      "INSERT INTO outbox (recipient, application_id, kind, payload, created_at, state, attempts,"
      " next_attempt_at, delivered_at, last_error) VALUES ('publicity', ?1, 'decision', '{}', 5,"
      " 'pending', 0, 5, 0, '')",
      "INSERT INTO publicity_records (uscc, kind, application_id, message_id, produced_at, due_at,"
      " published_at) VALUES ('91350100M000100Y43', 'revocation', ?1, 0, 5, 9, 0)",
      "INSERT INTO outbox (recipient, application_id, kind, payload, created_at, state, attempts,"
      " next_attempt_at, delivered_at, last_error) VALUES ('credit_platform', ?1, 'credit_record',"
      " '{}', 5, 'pending', 0, 5, 0, '')",
      "INSERT INTO outbox (recipient, application_id, kind, payload, created_at, state, attempts,"
      " next_attempt_at, delivered_at, last_error) VALUES ('publicity', ?1, 'credit_record', '{}',"
      " 5, 'pending', 0, 5, 0, '')",
      "INSERT INTO publicity_records (uscc, kind, application_id, message_id, produced_at, due_at,"
      " published_at) VALUES ('91350100M000100Y43', 'credit_record', ?1, 0, 5, 9, 0)",
      "COMMIT"};
  std::vector<sqlite3_stmt*> st;
  for (const char* q : sql) {
    sqlite3_stmt* p = nullptr;
    Check(sqlite3_prepare_v2(db, q, -1, &p, nullptr), db, q);
    st.push_back(p);
  }
  Figures f;
  const double start = NowSeconds();
  for (int i = 1; i <= n; ++i) {
    const double t0 = NowSeconds();
    for (auto* p : st) {
      if (sqlite3_bind_parameter_count(p) > 0) sqlite3_bind_int64(p, 1, i);
      Check(sqlite3_step(p), db, sqlite3_sql(p));
      sqlite3_reset(p);
    }
    f.latencies_ms.push_back((NowSeconds() - t0) * 1000.0);
    ++f.steps;
  }
  f.seconds = NowSeconds() - start;
  for (auto* p : st) sqlite3_finalize(p);
  sqlite3_close(db);
  return f;
}

// Lateness under a steady stream: `count` timers due 200 a second on the real clock, fired by the
// driver thread, while a handler runs the lifecycle scenario as fast as it can.
void Lateness(const std::string& path, int count) {
  SystemClock clock;
  const Instant first_due = clock.Now() + 2000;
  SeedMaterialsDue(path, count, first_due, 5);
  Wired w(path, clock);
  TimerService service(*w.engine, TimerOptions{});
  TimerDriver driver(service, clock);
  w.engine->SetTimerListener([&driver] { driver.Wake(); });
  std::atomic<int> fired{0};
  driver.SetObserver([&fired](const FireReport& r) { fired += r.fired; });
  std::atomic<bool> done{false};
  std::atomic<long> handler_steps{0};
  std::thread handler([&] {
    const Actor actor{"bench", "handler", "health"};
    while (!done) {
      auto app = w.engine->Create({"public_place_hygiene", {"enterprise", kUscc, "x"}, "{}", {}},
                                  actor, nullptr);
      if (!app.ok()) Die(app.status().message());
      Application a = app.value();
      for (const char* name : {"choose_ordinary_procedure", "decide"}) {
        EventData d;
        d.decision = "approve";
        auto r = w.engine->Handle(a.id, Event{name, d, "{}"}, a.version, actor, nullptr);
        if (!r.ok()) Die(r.status().message());
        a = r.value();
      }
      handler_steps += 3;
    }
  });
  const double start = NowSeconds();
  driver.Start();
  while (fired < count && NowSeconds() - start < 120)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  done = true;
  handler.join();
  driver.Stop();
  const double seconds = NowSeconds() - start;
  auto timers = w.store->ListTimers("fired", count + 1);
  if (!timers.ok()) Die(timers.status().message());
  std::vector<double> late;
  for (const auto& t : timers.value())
    if (t.kind == "materials_deadline") late.push_back(static_cast<double>(t.fired_at - t.due_at));
  std::printf(
      "lateness, %zu timers due 200/s while a handler ran %ld transitions (%.0f/s):"
      " p50 %.0f ms, p99 %.0f ms, max %.0f ms\n",
      late.size(), handler_steps.load(), handler_steps.load() / seconds, Percentile(late, 0.5),
      Percentile(late, 0.99), Percentile(late, 1.0));
}

int Timers(const Args& args) {
  const int n = std::stoi(Arg(args, "--n", "100000"));
  const int stream = std::stoi(Arg(args, "--stream", "2000"));
  namespace fs = std::filesystem;
  const std::string dir =
      Arg(args, "--dir", (fs::temp_directory_path() / "permitflow-bench").string());
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::printf(
      "timers: %d overdue materials deadlines, each a revocation with its credit record in its"
      " own transaction (WAL, synchronous=FULL)\n",
      n);
  FakeClock clock(0);
  SeedMaterialsDue(dir + "/engine.db", n, 1000, 1);
  Figures engine;
  {
    Wired w(dir + "/engine.db", clock);
    TimerOptions options;
    options.max_rounds = n;  // one call fires them all
    TimerService service(*w.engine, options);
    clock.Set(1000 + n + 1);  // the jump past every deadline
    const double start = NowSeconds();
    const FireReport r = service.FireDue(clock.Now());
    engine.seconds = NowSeconds() - start;
    engine.steps = r.fired;
    if (r.fired != n) Die("fired " + std::to_string(r.fired) + " of " + std::to_string(n));
  }
  const long rss = PeakRssKb();
  const Figures raw = RawTimers(dir + "/raw.db", n);
  std::printf("%-28s %8ld fired in %7.2f s = %9.1f timers/s\n", "engine timer service",
              engine.steps, engine.seconds, engine.steps / engine.seconds);
  std::printf("%-28s %8ld fired in %7.2f s = %9.1f timers/s\n", "raw sqlite3 C API ceiling",
              raw.steps, raw.seconds, raw.steps / raw.seconds);
  std::printf("ratio engine/raw: %.2f; peak RSS %ld KiB\n",
              (engine.steps / engine.seconds) / (raw.steps / raw.seconds), rss);
  Lateness(dir + "/stream.db", stream);
  fs::remove_all(dir);
  return 0;
}

int Lifecycle(const Args& args) {
  const int n = std::stoi(Arg(args, "--n", "20000"));
  if (args.count("--http")) {
    std::printf("lifecycle over HTTP: %d applications, 6 requests each, %s clients\n", n,
                Arg(args, "--clients", "16").c_str());
    const Figures f = HttpRun(args, n);
    Print("http (server over loopback)", f);
    return 0;
  }
  namespace fs = std::filesystem;
  const std::string dir =
      Arg(args, "--dir", (fs::temp_directory_path() / "permitflow-bench").string());
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string engine_db = dir + "/engine.db", raw_db = dir + "/raw.db";
  std::printf(
      "lifecycle in process: %d applications x 6 steps (create, issue_notice, commit with "
      "approval, submit_materials, accept_materials, verify), WAL, synchronous=FULL\n",
      n);
  const std::string only = Arg(args, "--only", "");  // engine | raw: one side, for profiling
  const Figures engine = only == "raw" ? Figures{1, 0, {}} : EngineRun(engine_db, n);
  const long engine_rss = PeakRssKb();
  const Figures raw = only == "engine" ? Figures{1, 0, {}} : RawRun(raw_db, n);
  Print("engine + SOCI store", engine);
  PrintPerStep(engine);
  Print("raw sqlite3 C API ceiling", raw);
  PrintPerStep(raw);
  std::printf("ratio engine/raw: %.2f\n",
              (engine.steps / engine.seconds) / (raw.steps / raw.seconds));
  std::printf("database size: %ld KiB (+ WAL %ld KiB); peak RSS %ld KiB\n", FileSizeKb(engine_db),
              FileSizeKb(engine_db + "-wal"), engine_rss);
  fs::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace bench
}  // namespace permitflow

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: permitflow-bench lifecycle [--n N] [--http URL --token T --clients C]\n"
                 "       permitflow-bench timers [--n N] [--stream N]\n";
    return 2;
  }
  permitflow::bench::Args args;
  for (int i = 2; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
  const std::string mode = argv[1];
  if (mode == "lifecycle") return permitflow::bench::Lifecycle(args);
  if (mode == "timers") return permitflow::bench::Timers(args);
  std::cerr << "permitflow-bench: unknown mode " << mode << "\n";
  return 2;
}
