// permitflow: the only code that knows every folder. It reads the settings, builds the adapters,
// injects them into the engine and serves until SIGINT or SIGTERM.
#include <Poco/RandomStream.h>
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/calendar_files.hpp"
#include "adapters/controlled_clock.hpp"
#include "adapters/outbox_dispatcher.hpp"
#include "adapters/sql_store.hpp"
#include "adapters/stored_catalogue.hpp"
#include "adapters/system_clock.hpp"
#include "adapters/timer_driver.hpp"
#include "admin/api_server.hpp"
#include "admin/settings.hpp"
#include "engine/linkage.hpp"
#include "workflows/workflows.hpp"

namespace {

int Usage() {
  std::cerr << "usage: permitflow serve [options]\n"
               "       permitflow catalogue import FILE [--all-or-nothing] [options]\n"
               "       permitflow principal add NAME --role ROLE [--department ID] [options]\n"
               "       permitflow principal list [options]\n"
               "       permitflow principal revoke NAME [options]\n"
               "       permitflow audit verify [options]\n"
               "options: --config FILE, -D key=value (any number)\n";
  return 2;
}

int Fail(const permitflow::Status& s) {
  std::cerr << "permitflow: " << s.message() << "\n";
  return 1;
}

int Serve(const permitflow::Settings& settings) {
  using namespace permitflow;
  auto store = SqlStore::Open(settings.database_url);
  if (!store.ok()) return Fail(store.status());
  auto principals = Principals::LoadFile(settings.principals_file);
  if (!principals.ok()) return Fail(principals.status());
  auto calendar = LoadCalendarFolder(settings.calendar_dir);
  if (!calendar.ok()) return Fail(calendar.status());

  auto catalogue = StoredCatalogue::Open(*store.value());
  if (!catalogue.ok()) return Fail(catalogue.status());
  Status seeded = catalogue.value()->SeedIfEmpty(settings.catalogue_dir, SystemClock().Now());
  if (!seeded.ok()) return Fail(seeded);

  SystemClock system_clock;
  std::unique_ptr<ControlledClock> controlled;
  if (settings.clock == "controlled") {
    const Instant start =
        settings.clock_start.empty() ? system_clock.Now() : *ParseInstant(settings.clock_start);
    controlled = std::make_unique<ControlledClock>(start);
  }
  const Clock& clock = controlled ? static_cast<const Clock&>(*controlled) : system_clock;
  const auto workflows = MakeAllWorkflows();
  std::vector<const Workflow*> machines;
  for (const auto& w : workflows) machines.push_back(w.get());
  Engine engine(*store.value(), *catalogue.value(), clock, machines);
  // Loading the calendar at start-up also recomputes deadlines that were provisional before.
  auto recomputed =
      engine.ReloadCalendar(std::make_shared<WorkingCalendar>(std::move(calendar.value())));
  if (!recomputed.ok()) return Fail(recomputed.status());

  TimerOptions timer_options;
  timer_options.batch = settings.timer_batch;
  timer_options.max_attempts = settings.timer_max_attempts;
  timer_options.backoff_ms = settings.timer_backoff_ms;
  TimerService timers(engine, timer_options);
  TimerDriver driver(timers, clock);
  engine.SetTimerListener([&driver] { driver.Wake(); });

  // Block the stop signals before any thread starts, so only sigwait below receives them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  ServerOptions options;
  options.host = settings.host;
  options.port = settings.port;
  options.threads = settings.threads;
  options.queue = settings.queue;
  options.jwt_secret = settings.jwt_secret;
  options.tls_certificate = settings.tls_certificate;
  options.tls_private_key = settings.tls_private_key;
  std::vector<std::string> general_terms;
  {
    std::ifstream terms(settings.general_terms_file);
    for (std::string line; std::getline(terms, line);)
      if (!line.empty() && line[0] != '#') general_terms.push_back(line);
  }
  Linkage linkage(engine, *store.value(), general_terms,
                  Duration{settings.claim_within_working_days, Duration::Unit::kWorkingDays});
  timers.SetNotices(store.value().get());
  OutboxOptions outbox_options;
  outbox_options.endpoints = settings.outbox_endpoints;
  outbox_options.max_attempts = settings.outbox_max_attempts;
  OutboxDispatcher dispatcher(*store.value(), clock, outbox_options);
  engine.AddCommitObserver([&dispatcher](const ChangeSet&) { dispatcher.Wake(); });

  ServerHooks hooks;
  hooks.linkage = &linkage;
  hooks.linkage_store = store.value().get();
  hooks.registration_department = settings.registration_department;
  if (controlled) {
    hooks.set_clock = [&controlled](Instant t) { return controlled->Set(t); };
  }
  hooks.wake_timers = [&driver, &dispatcher] {
    driver.Wake();
    dispatcher.Wake();
  };
  hooks.load_calendar = [dir = settings.calendar_dir] { return LoadCalendarFolder(dir); };
  ApiServer server(engine, *catalogue.value(), principals.value(), *store.value(), options, hooks);
  // Overdue timers (after downtime) fire first, oldest first, before requests are served.
  const FireReport overdue = timers.FireDue(clock.Now());
  if (overdue.handled() > 0) {
    std::cout << "permitflow: fired " << overdue.fired << " overdue timers (" << overdue.noops
              << " no-ops, " << overdue.retried << " to retry)" << std::endl;
  }
  driver.Start();
  dispatcher.Start();
  try {
    server.Start();
  } catch (const std::exception& e) {
    std::cerr << "permitflow: cannot listen on " << settings.host << ":" << settings.port << ": "
              << e.what() << "\n";
    return 1;
  }
  std::cout << "permitflow listening on " << (options.tls_certificate.empty() ? "http" : "https")
            << "://" << settings.host << ":" << server.port() << " (database "
            << settings.database_url << ", schema version " << store.value()->schema_version()
            << ", " << principals->size() << " principals, " << catalogue.value()->All().size()
            << " items, " << settings.clock << " clock at " << FormatInstant(clock.Now()) << ")"
            << std::endl;
  int sig = 0;
  sigwait(&stop, &sig);
  std::cout << "permitflow: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ", stopping"
            << std::endl;
  server.Stop();
  driver.Stop();
  dispatcher.Stop();
  return 0;
}

// permitflow catalogue import FILE: a JSON array of definitions or the catalogue's CSV. Prints
// each rejected row; exits 1 when any row was rejected (and nothing was imported with
// --all-or-nothing).
int ImportCatalogue(const permitflow::Settings& settings, const std::string& file,
                    bool all_or_nothing) {
  using namespace permitflow;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "permitflow: cannot read " << file << "\n";
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto store = SqlStore::Open(settings.database_url);
  if (!store.ok()) return Fail(store.status());
  auto catalogue = StoredCatalogue::Open(*store.value());
  if (!catalogue.ok()) return Fail(catalogue.status());
  const Instant now = SystemClock().Now();
  Status seeded = catalogue.value()->SeedIfEmpty(settings.catalogue_dir, now);
  if (!seeded.ok()) return Fail(seeded);
  auto report = catalogue.value()->Import(text.str(), all_or_nothing, now);
  if (!report.ok()) return Fail(report.status());
  for (const auto& p : report->rejected)
    std::cout << file << ": row " << p.row << ": " << p.reason << "\n";
  if (!report->applied) {
    std::cout << "nothing imported (--all-or-nothing): " << report->rejected.size()
              << " row(s) rejected\n";
    return 1;
  }
  std::cout << "imported " << report->imported.size() << " item(s), rejected "
            << report->rejected.size() << "\n";
  return report->rejected.empty() ? 0 : 1;
}

// permitflow principal add|list|revoke: principals kept in the database. A new token is printed
// once; only its SHA-256 is stored. A revoked token fails at once on a running server.
int PrincipalCommand(const permitflow::Settings& settings, const std::vector<std::string>& words,
                     const std::map<std::string, std::string>& flags) {
  using namespace permitflow;
  auto store = SqlStore::Open(settings.database_url);
  if (!store.ok()) return Fail(store.status());
  const Instant now = SystemClock().Now();
  if (words[1] == "add" && words.size() == 3) {
    static const std::set<std::string> kRoles = {"admin", "handler", "supervisor", "inspector",
                                                 "auditor"};
    auto role = flags.find("--role");
    if (role == flags.end() || !kRoles.count(role->second)) {
      std::cerr << "permitflow: --role must be admin, handler, supervisor, inspector or auditor\n";
      return 2;
    }
    auto dept = flags.find("--department");
    Poco::RandomInputStream random;
    unsigned char bytes[24];
    random.read(reinterpret_cast<char*>(bytes), sizeof bytes);
    std::ostringstream token;
    for (unsigned char b : bytes) token << std::hex << std::setw(2) << std::setfill('0') << int(b);
    PrincipalRecord p{words[2],
                      role->second,
                      dept == flags.end() ? "" : dept->second,
                      Sha256Hex(token.str()),
                      now,
                      0};
    Status s = store.value()->AddPrincipal(p);
    if (!s.ok()) return Fail(s);
    std::cout << "principal " << p.name << " (" << p.role
              << (p.department.empty() ? "" : ", " + p.department) << ") added.\n"
              << "token (shown once, store it now): " << token.str() << std::endl;
    return 0;
  }
  if (words[1] == "list" && words.size() == 2) {
    auto list = store.value()->ListPrincipals();
    if (!list.ok()) return Fail(list.status());
    for (const auto& p : list.value()) {
      std::cout << p.name << "\t" << p.role << "\t" << (p.department.empty() ? "-" : p.department)
                << "\tcreated " << FormatInstant(p.created_at) << "\t"
                << (p.revoked_at ? "revoked " + FormatInstant(p.revoked_at) : "active") << "\n";
    }
    return 0;
  }
  if (words[1] == "revoke" && words.size() == 3) {
    Status s = store.value()->RevokePrincipal(words[2], now);
    if (!s.ok()) return Fail(s);
    std::cout << "principal " << words[2] << " revoked" << std::endl;
    return 0;
  }
  return Usage();
}

// permitflow audit verify: walks the audit chain; names the first entry that was changed, deleted
// or reordered, and exits 1 if there is one.
int AuditVerify(const permitflow::Settings& settings) {
  using namespace permitflow;
  auto store = SqlStore::Open(settings.database_url);
  if (!store.ok()) return Fail(store.status());
  auto verdict = store.value()->VerifyAudit();
  if (!verdict.ok()) return Fail(verdict.status());
  if (verdict->intact) {
    std::cout << "audit chain intact: " << verdict->entries << " entries" << std::endl;
    return 0;
  }
  std::cout << "audit chain broken at entry " << verdict->first_bad << ": " << verdict->problem
            << " (" << verdict->entries << " entries read)" << std::endl;
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Words first (the command and its arguments), then options.
  std::vector<std::string> words;
  std::map<std::string, std::string> flags;  // --role, --department, --all-or-nothing
  std::string config;
  std::map<std::string, std::string> overrides;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config = argv[++i];
    } else if (arg == "-D" && i + 1 < argc) {
      const std::string kv = argv[++i];
      const auto eq = kv.find('=');
      if (eq == std::string::npos) return Usage();
      overrides[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else if (arg == "--all-or-nothing") {
      flags[arg] = "yes";
    } else if ((arg == "--role" || arg == "--department") && i + 1 < argc) {
      flags[arg] = argv[++i];
    } else if (arg.rfind("--", 0) == 0) {
      return Usage();
    } else {
      words.push_back(arg);
    }
  }
  if (words.empty()) return Usage();
  auto settings = permitflow::LoadSettings(config, overrides);
  if (!settings.ok()) return Fail(settings.status());
  const std::string command = words[0] + (words.size() > 1 ? " " + words[1] : "");
  if (words[0] == "serve" && words.size() == 1) return Serve(settings.value());
  if (command == "catalogue import" && words.size() == 3)
    return ImportCatalogue(settings.value(), words[2], flags.count("--all-or-nothing") > 0);
  if (words[0] == "principal" && words.size() >= 2)
    return PrincipalCommand(settings.value(), words, flags);
  if (command == "audit verify" && words.size() == 2) return AuditVerify(settings.value());
  return Usage();
}
