// The real executable: killed with SIGKILL while a thousand timers fire, and its controlled clock.
#include "tests/support/server_process.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "tests/support/harness.hpp"
#include "tests/support/receiver.hpp"

namespace permitflow {
namespace {

TEST(ServerProcess, SigkillWhileAThousandTimersFireLosesAndDuplicatesNothing) {
  Harness h;
  constexpr int kApps = 1000;
  for (int i = 0; i < kApps; ++i) ASSERT_EQ(h.InMaterialsDue().state, "materials_due");
  const std::string db = h.db_path();
  const std::string folder = db.substr(0, db.rfind('/'));
  h.Close();
  const std::map<std::string, std::string> overrides = {
      {"database.url", "sqlite:" + db},
      {"engine.clock", "controlled"},
      {"engine.clock_start", "2026-09-01T00:00:00Z"},  // every deadline has passed
      {"timers.batch", "5"}};

  long long fired_before_kill = 0;
  {
    ServerProcess first(folder, overrides);
    Reader reader(db);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < until && first.Running()) {
      const long long fired = reader.Count("SELECT COUNT(*) FROM timers WHERE state = 'fired'");
      if (fired >= 50) break;
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    first.Kill(SIGKILL);
    const int status = first.Wait();
    ASSERT_TRUE(WIFSIGNALED(status)) << first.Output();
    fired_before_kill = reader.Count("SELECT COUNT(*) FROM timers WHERE state = 'fired'");
  }
  EXPECT_GT(fired_before_kill, 0);
  EXPECT_LT(fired_before_kill, kApps) << "the kill came after every timer had fired";

  ServerProcess second(folder, overrides);
  ASSERT_GT(second.WaitUntilListening(), 0) << second.Output();  // overdue timers fire first
  Reader reader(db);
  EXPECT_EQ(reader.Count("SELECT COUNT(*) FROM timers WHERE state IN ('armed', 'retry')"), 0);
  second.Kill(SIGTERM);
  const int status = second.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << second.Output();

  EXPECT_EQ(reader.Count("SELECT COUNT(*) FROM timers WHERE state = 'fired'"), kApps);
  EXPECT_EQ(reader.Count("SELECT COUNT(*) FROM applications WHERE state = 'revoked'"), kApps);
  EXPECT_EQ(reader.Count("SELECT COUNT(*) FROM credit_records"), kApps);
  EXPECT_EQ(reader.Count("SELECT COUNT(DISTINCT application_id) FROM credit_records"), kApps);
  EXPECT_EQ(reader.Count("SELECT COUNT(*) FROM history WHERE event = 'materials_deadline'"), kApps);
  EXPECT_EQ(reader.Count("SELECT COUNT(DISTINCT application_id) FROM history"
                         " WHERE event = 'materials_deadline'"),
            kApps);
  // Every application's history is whole: create, issue_notice, commit, approve, the deadline.
  EXPECT_EQ(reader.Count("SELECT COUNT(*) FROM history"), 5LL * kApps);
  EXPECT_EQ(reader.Count("SELECT COUNT(*) FROM applications WHERE version <> 4"), 0);
}

TEST(ServerProcess, TheControlledClockMovesForwardOnlyAndDueTimersFire) {
  const std::string folder = TempFolder("clock");
  ServerProcess server(folder, {{"database.url", "sqlite:" + folder + "/p.db"},
                                {"engine.clock", "controlled"},
                                {"engine.clock_start", "2026-03-02T02:00:00Z"}});
  Http http{server.WaitUntilListening()};
  ASSERT_GT(http.port, 0) << server.Output();
  Poco::JSON::Object::Ptr j;
  ASSERT_EQ(http.Call("GET", "/api/v1/admin/clock", "dev-admin-token", "", &j), 200);
  EXPECT_EQ(j->getValue<std::string>("now"), "2026-03-02T02:00:00Z");
  EXPECT_EQ(http.Call("GET", "/api/v1/admin/clock", "dev-health-handler-token", "", nullptr), 403);

  const std::string h = "dev-health-handler-token";
  ASSERT_EQ(http.Call("POST", "/api/v1/applications", h,
                      R"({"item_code":"public_place_hygiene","applicant":{"kind":"enterprise",)"
                      R"("uscc":"91350100M000100Y43","name":"示例"}})",
                      &j),
            201);
  const std::string events = "/api/v1/applications/" + std::to_string(j->getValue<int>("id"));
  ASSERT_EQ(http.Call("POST", events + "/events", h,
                      R"({"event":"issue_notice","expected_version":1})", &j),
            200);
  // 2026-03-09 23:59:59.999 in Beijing is the last moment of the commitment period.
  ASSERT_EQ(http.Call("PUT", "/api/v1/admin/clock", "dev-admin-token",
                      R"({"now":"2026-03-09T15:59:59.999Z"})", &j),
            200);
  EXPECT_EQ(http.Call("PUT", "/api/v1/admin/clock", "dev-admin-token",
                      R"({"now":"2026-03-01T00:00:00Z"})", &j),
            400);  // backward
  ASSERT_EQ(http.Call("GET", events, h, "", &j), 200);
  EXPECT_EQ(j->getValue<std::string>("state"), "awaiting_commitment");
  ASSERT_EQ(http.Call("PUT", "/api/v1/admin/clock", "dev-admin-token",
                      R"({"now":"2026-03-09T16:00:00Z"})", &j),
            200);
  std::string state;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until) {
    http.Call("GET", events, h, "", &j);
    state = j->getValue<std::string>("state");
    if (state != "awaiting_commitment") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(state, "ordinary_review");
}

TEST(ServerProcess, TheSystemClockHasNoClockRoute) {
  const std::string folder = TempFolder("clock");
  ServerProcess server(folder, {{"database.url", "sqlite:" + folder + "/p.db"}});
  Http http{server.WaitUntilListening()};
  ASSERT_GT(http.port, 0) << server.Output();
  EXPECT_EQ(http.Call("GET", "/api/v1/admin/clock", "dev-admin-token", "", nullptr), 404);
  EXPECT_EQ(http.Call("PUT", "/api/v1/admin/clock", "dev-admin-token",
                      R"({"now":"2030-01-01T00:00:00Z"})", nullptr),
            404);
}

TEST(CatalogueCommand, ImportsGoodRowsAndReportsBadOnesOrNothingWhenAsked) {
  const std::string folder = TempFolder("import");
  const std::string csv = folder + "/catalogue.csv";
  std::ofstream(csv)
      << "\xEF\xBB\xBF事项名称,设定依据,审批部门,改革方式,具体改革举措,加强事中事后监管措施,"
         "事项编码\n"
         "建筑垃圾处置核准,某条例,平陆县市场监督管理局,实行告知承诺,,,construction_waste\n"
         "某事项,某依据,月球局,实行告知承诺,,,moon\n";
  const std::vector<std::string> common = {"-D", "database.url=sqlite:" + folder + "/p.db", "-D",
                                           "catalogue.dir=" + SourcePath("config/catalogue")};
  std::vector<std::string> strict = {"catalogue", "import", csv, "--all-or-nothing"};
  strict.insert(strict.end(), common.begin(), common.end());
  std::string out;
  EXPECT_EQ(RunPermitflow(strict, &out), 1) << out;
  EXPECT_NE(out.find("row 2"), std::string::npos) << out;
  EXPECT_NE(out.find("nothing imported"), std::string::npos) << out;
  Reader reader(folder + "/p.db");
  EXPECT_EQ(reader.Count("SELECT COUNT(*) FROM items WHERE code = 'construction_waste'"), 0);

  std::vector<std::string> lenient = {"catalogue", "import", csv};
  lenient.insert(lenient.end(), common.begin(), common.end());
  EXPECT_EQ(RunPermitflow(lenient, &out), 1) << out;  // a row was rejected
  EXPECT_NE(out.find("imported 1 item(s), rejected 1"), std::string::npos) << out;
  EXPECT_EQ(reader.Count("SELECT COUNT(*) FROM items WHERE code = 'construction_waste'"
                         " AND status = 'published'"),
            1);
}

TEST(ServerProcess, ADecisionReachesTheSupervisingDepartmentsEndpoint) {
  Receiver receiver;
  receiver.Start();
  const std::string folder = TempFolder("outbox");
  ServerProcess server(folder, {{"database.url", "sqlite:" + folder + "/p.db"},
                                {"outbox.endpoints.health", receiver.Url("/permitflow")}});
  Http http{server.WaitUntilListening()};
  ASSERT_GT(http.port, 0) << server.Output();
  Poco::JSON::Object::Ptr j;
  const std::string h = "dev-health-handler-token";
  ASSERT_EQ(http.Call("POST", "/api/v1/applications", h,
                      R"({"item_code":"public_place_hygiene","applicant":{"kind":"enterprise",)"
                      R"("uscc":"91350100M000100Y43","name":"示例"}})",
                      &j),
            201);
  const std::string events = "/api/v1/applications/" + std::to_string(j->getValue<int>("id"));
  http.Call("POST", events + "/events", h, R"({"event":"issue_notice","expected_version":1})", &j);
  ASSERT_EQ(http.Call("POST", events + "/events", h,
                      R"({"event":"commit","expected_version":2,"data":{"signer":"王五",)"
                      R"("materials":["application_form","floor_plan"]}})",
                      &j),
            200);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (receiver.Accepted().empty() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(receiver.Accepted().size(), 1u) << server.Output();
  EXPECT_EQ(receiver.Accepted()[0].recipient, "health");
  EXPECT_EQ(receiver.Accepted()[0].decision, "approved");
  ASSERT_EQ(http.Call("GET", "/api/v1/outbox?recipient=health", "dev-admin-token", "", &j), 200);
  EXPECT_EQ(j->getArray("messages")->getObject(0)->getValue<std::string>("state"), "delivered");
}

}  // namespace
}  // namespace permitflow
