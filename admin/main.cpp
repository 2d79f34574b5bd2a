// permitflow: the only code that knows every folder. It reads the settings, builds the adapters,
// injects them into the engine and serves until SIGINT or SIGTERM.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "adapters/calendar_files.hpp"
#include "adapters/controlled_clock.hpp"
#include "adapters/sql_store.hpp"
#include "adapters/stored_catalogue.hpp"
#include "adapters/system_clock.hpp"
#include "adapters/timer_driver.hpp"
#include "admin/api_server.hpp"
#include "admin/settings.hpp"
#include "workflows/workflows.hpp"

namespace {

int Usage() {
  std::cerr << "usage: permitflow serve [--config FILE] [-D key=value]...\n"
               "       permitflow catalogue import FILE [--all-or-nothing] [--config FILE] [-D "
               "key=value]...\n";
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
  ServerHooks hooks;
  if (controlled) {
    hooks.set_clock = [&controlled](Instant t) { return controlled->Set(t); };
  }
  hooks.wake_timers = [&driver] { driver.Wake(); };
  hooks.load_calendar = [dir = settings.calendar_dir] { return LoadCalendarFolder(dir); };
  ApiServer server(engine, *catalogue.value(), principals.value(), options, hooks);
  // Overdue timers (after downtime) fire first, oldest first, before requests are served.
  const FireReport overdue = timers.FireDue(clock.Now());
  if (overdue.handled() > 0) {
    std::cout << "permitflow: fired " << overdue.fired << " overdue timers (" << overdue.noops
              << " no-ops, " << overdue.retried << " to retry)" << std::endl;
  }
  driver.Start();
  try {
    server.Start();
  } catch (const std::exception& e) {
    std::cerr << "permitflow: cannot listen on " << settings.host << ":" << settings.port << ": "
              << e.what() << "\n";
    return 1;
  }
  std::cout << "permitflow listening on http://" << settings.host << ":" << server.port()
            << " (database " << settings.database_url << ", schema version "
            << store.value()->schema_version() << ", " << principals->size() << " principals, "
            << catalogue.value()->All().size() << " items, " << settings.clock << " clock at "
            << FormatInstant(clock.Now()) << ")" << std::endl;
  int sig = 0;
  sigwait(&stop, &sig);
  std::cout << "permitflow: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ", stopping"
            << std::endl;
  server.Stop();
  driver.Stop();
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

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  std::string command = argv[1];
  int first = 2;
  std::string file;
  bool all_or_nothing = false;
  if (command == "catalogue") {
    if (argc < 4 || std::string(argv[2]) != "import") return Usage();
    command = "catalogue import";
    file = argv[3];
    first = 4;
  }
  std::string config;
  std::map<std::string, std::string> overrides;
  for (int i = first; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--all-or-nothing" && command == "catalogue import") {
      all_or_nothing = true;
    } else if (arg == "--config" && i + 1 < argc) {
      config = argv[++i];
    } else if (arg == "-D" && i + 1 < argc) {
      const std::string kv = argv[++i];
      const auto eq = kv.find('=');
      if (eq == std::string::npos) return Usage();
      overrides[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else {
      return Usage();
    }
  }
  auto settings = permitflow::LoadSettings(config, overrides);
  if (!settings.ok()) return Fail(settings.status());
  if (command == "serve") return Serve(settings.value());
  if (command == "catalogue import") return ImportCatalogue(settings.value(), file, all_or_nothing);
  return Usage();
}
