#include "tests/support/harness.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace permitflow {

std::string TempFolder(const std::string& prefix) {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::temp_directory_path() /
                   (prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string SourcePath(const std::string& relative) {
  return std::string(PERMITFLOW_SOURCE_DIR) + "/" + relative;
}

Instant At(const std::string& iso) {
  auto t = ParseInstant(iso);
  if (!t) {
    ADD_FAILURE() << "bad instant " << iso;
    std::abort();
  }
  return *t;
}

Harness::Harness()
    : folder_(TempFolder("permitflow-test")),
      db_path_(folder_ + "/permitflow.db"),
      clock_(At("2026-03-02T02:00:00Z")),  // Monday 10:00 in Beijing
      workflows_(MakeAllWorkflows()) {
  auto calendar = LoadCalendarFolder(SourcePath("config/calendar"));
  EXPECT_TRUE(calendar.ok()) << calendar.status().message();
  calendar_ = std::make_shared<WorkingCalendar>(std::move(calendar.value()));
  Reopen();
}

Harness::~Harness() {
  Close();
  std::filesystem::remove_all(folder_);
}

void Harness::Close() {
  engine_.reset();
  catalogue_.reset();
  store_.reset();
}

void Harness::Reopen() {
  Close();
  auto store = SqlStore::Open("sqlite:" + db_path_);
  EXPECT_TRUE(store.ok()) << store.status().message();
  store_ = std::move(store.value());
  auto catalogue = StoredCatalogue::Open(*store_);
  EXPECT_TRUE(catalogue.ok()) << catalogue.status().message();
  catalogue_ = std::move(catalogue.value());
  Status seeded = catalogue_->SeedIfEmpty(SourcePath("config/catalogue"), clock_.Now());
  EXPECT_TRUE(seeded.ok()) << seeded.message();
  std::vector<const Workflow*> machines;
  for (const auto& w : workflows_) machines.push_back(w.get());
  engine_ = std::make_unique<Engine>(*store_, *catalogue_, clock_, machines);
  engine_->SetCalendar(calendar_);
}

Application Harness::Create(const std::string& item, const std::string& uscc) {
  NewApplication input{item, Applicant{"enterprise", uscc, "平陆县示例有限公司"}, "{}", {}};
  auto app = engine_->Create(input, handler, nullptr);
  EXPECT_TRUE(app.ok()) << app.status().message();
  return app.ok() ? app.value() : Application{};
}

Result<Application> Harness::Fire(const Application& app, const std::string& event,
                                  EventData data) {
  Event e{event, std::move(data), "{}"};
  return engine_->Handle(app.id, e, app.version, handler, nullptr);
}

Application Harness::Ok(const Application& app, const std::string& event, EventData data) {
  auto r = Fire(app, event, std::move(data));
  EXPECT_TRUE(r.ok()) << event << ": " << r.status().message();
  return r.ok() ? r.value() : app;
}

Application Harness::InMaterialsDue(const std::string& uscc) {
  EventData commit;
  commit.signer = "张三";
  commit.materials = {"application_form", "floor_plan"};
  return Ok(Ok(Create("public_place_hygiene", uscc), "issue_notice"), "commit", commit);
}

ApplicationDetail Harness::Detail(std::int64_t id) {
  auto d = store_->Detail(id);
  EXPECT_TRUE(d.ok()) << d.status().message();
  return d.ok() ? d.value() : ApplicationDetail{};
}

}  // namespace permitflow
