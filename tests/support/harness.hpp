// A real engine for tests: SQLite in a fresh temporary folder, the bundled calendar, the bundled
// sample catalogue (config/catalogue) and the real workflows, with a fake clock. Reopen() closes
// and reopens the store, as a restart of the process would.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "adapters/calendar_files.hpp"
#include "adapters/sql_store.hpp"
#include "adapters/stored_catalogue.hpp"
#include "engine/engine.hpp"
#include "tests/support/fake_clock.hpp"
#include "workflows/workflows.hpp"

namespace permitflow {

std::string TempFolder(const std::string& prefix);
std::string SourcePath(const std::string& relative);  // a path inside the repository
Instant At(const std::string& iso);                   // ParseInstant or abort

inline constexpr const char* kUscc = "91350100M000100Y43";  // the example of GB 32100-2015

class Harness {
 public:
  Harness();
  ~Harness();
  void Reopen();
  void Close();  // closes the store (the files stay until the harness goes), for another process

  Engine& engine() { return *engine_; }
  SqlStore& store() { return *store_; }
  StoredCatalogue& catalogue() { return *catalogue_; }
  FakeClock& clock() { return clock_; }
  const std::string& db_path() const { return db_path_; }

  Actor handler{"handler-1", "handler", "health"};

  // Shorthands that fail the test on error.
  Application Create(const std::string& item, const std::string& uscc = kUscc);
  Result<Application> Fire(const Application& app, const std::string& event, EventData data = {});
  // Fire() that must succeed; returns the new row.
  Application Ok(const Application& app, const std::string& event, EventData data = {});
  // A public_place_hygiene application approved on commitment, waiting for its deferred material.
  Application InMaterialsDue(const std::string& uscc = kUscc);
  ApplicationDetail Detail(std::int64_t id);

 private:
  std::string folder_;
  std::string db_path_;
  FakeClock clock_;
  std::vector<std::unique_ptr<Workflow>> workflows_;
  std::unique_ptr<SqlStore> store_;
  std::unique_ptr<StoredCatalogue> catalogue_;
  std::unique_ptr<Engine> engine_;
  std::shared_ptr<const WorkingCalendar> calendar_;
};

}  // namespace permitflow
