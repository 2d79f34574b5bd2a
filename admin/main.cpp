// permitflow: the only code that knows every folder. It reads the settings, builds the adapters,
// injects them into the engine and serves until SIGINT or SIGTERM.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <string>

#include "adapters/calendar_files.hpp"
#include "adapters/controlled_clock.hpp"
#include "adapters/sql_store.hpp"
#include "adapters/system_clock.hpp"
#include "adapters/timer_driver.hpp"
#include "admin/api_server.hpp"
#include "admin/settings.hpp"
#include "workflows/builtin_catalogue.hpp"
#include "workflows/workflows.hpp"

namespace {

int Usage() {
  std::cerr << "usage: permitflow serve [--config FILE] [-D key=value]...\n";
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

  SystemClock system_clock;
  std::unique_ptr<ControlledClock> controlled;
  if (settings.clock == "controlled") {
    const Instant start =
        settings.clock_start.empty() ? system_clock.Now() : *ParseInstant(settings.clock_start);
    controlled = std::make_unique<ControlledClock>(start);
  }
  const Clock& clock = controlled ? static_cast<const Clock&>(*controlled) : system_clock;
  BuiltinCatalogue catalogue;
  auto commitment = MakeCommitmentWorkflow();
  Engine engine(*store.value(), catalogue, clock, {commitment.get()});
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
  ApiServer server(engine, principals.value(), options, hooks);
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
            << catalogue.All().size() << " items, " << settings.clock << " clock at "
            << FormatInstant(clock.Now()) << ")" << std::endl;
  int sig = 0;
  sigwait(&stop, &sig);
  std::cout << "permitflow: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ", stopping"
            << std::endl;
  server.Stop();
  driver.Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string command = argv[1];
  std::string config;
  std::map<std::string, std::string> overrides;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
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
  return Usage();
}
