// The API over real loopback HTTP with real tokens, against the real engine and SQLite store.
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "admin/api_server.hpp"
#include "admin/json_mapping.hpp"
#include "engine/timer_service.hpp"
#include "tests/support/api_fixture.hpp"

namespace permitflow {
namespace {

TEST_F(Api, HealthNeedsNoToken) {
  auto r = Call("GET", "/healthz", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json->getValue<std::string>("status"), "ok");
}

TEST_F(Api, DrivesAnApplicationFromReceivedToVerified) {
  auto r = CreateHygiene();
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_EQ(State(r), "received");
  const long long id = Id(r);
  EXPECT_EQ(r.json->getObject("form")->getValue<int>("rooms"), 12);

  r = Event(id, "issue_notice", 1);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(State(r), "awaiting_commitment");
  EXPECT_EQ(r.json->getValue<std::string>("notice_number"), "〔2026〕第 1 号");
  auto deadlines = r.json->getArray("deadlines");
  ASSERT_EQ(deadlines->size(), 1u);
  EXPECT_EQ(deadlines->getObject(0)->getValue<std::string>("kind"), "commitment_deadline");
  EXPECT_EQ(deadlines->getObject(0)->getValue<std::string>("due_at"), "2026-03-09T15:59:59.999Z");

  r = Event(id, "commit", 2, R"({"signer":"王五","materials":["application_form","floor_plan"]})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(State(r), "materials_due");
  r = Event(id, "submit_materials", 3, R"({"materials":["hygiene_report"]})");
  EXPECT_EQ(State(r), "materials_review");
  r = Event(id, "accept_materials", 4);
  EXPECT_EQ(State(r), "under_verification");
  // Verification is the inspector's.
  EXPECT_EQ(Event(id, "verify", 5, R"({"result":"confirmed"})").status, 403);
  r = Event(id, "verify", 5, R"({"result":"confirmed","findings":"属实"})", "health-inspector");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(State(r), "verified");

  r = Call("GET", "/api/v1/applications/" + std::to_string(id), "auditor");
  ASSERT_EQ(r.status, 200);
  auto history = r.json->getArray("history");
  ASSERT_EQ(history->size(), 7u);
  EXPECT_EQ(history->getObject(6)->getValue<std::string>("actor"), "health-inspector");
  EXPECT_EQ(history->getObject(6)->getObject("data")->getValue<std::string>("findings"), "属实");
  EXPECT_EQ(history->getObject(3)->getValue<std::string>("actor"), "system");
  auto materials = r.json->getArray("materials");
  ASSERT_EQ(materials->size(), 3u);
  EXPECT_TRUE(materials->getObject(2)->getValue<bool>("received"));

  r = Call("GET", std::string("/api/v1/enterprises/") + kUscc, "auditor");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.json->getArray("permits")->size(), 1u);
  EXPECT_TRUE(r.json->getValue<bool>("commitment_method_open"));
}

TEST_F(Api, FalseCommitmentShowsOnTheEnterpriseAndClosesTheMethod) {
  auto r = CreateHygiene();
  const long long id = Id(r);
  Event(id, "issue_notice", 1);
  Event(id, "commit", 2, R"({"signer":"王五","materials":["application_form","floor_plan"]})");
  Event(id, "submit_materials", 3, R"({"materials":["hygiene_report"]})");
  Event(id, "accept_materials", 4);
  r = Event(id, "verify", 5, R"({"result":"false_commitment"})", "health-inspector");
  EXPECT_EQ(State(r), "revoked");
  r = Call("GET", std::string("/api/v1/enterprises/") + kUscc, "health-handler");
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(r.json->getValue<bool>("commitment_method_open"));
  EXPECT_EQ(r.json->getValue<std::string>("commitment_closed_reason"), "credit_record");
  auto credit = r.json->getArray("credit_records");
  ASSERT_EQ(credit->size(), 1u);
  EXPECT_EQ(credit->getObject(0)->getValue<std::string>("kind"), "false_commitment");
}

TEST_F(Api, UnknownTokensAre401AndRolesThatMayNotActAre403) {
  EXPECT_EQ(Call("GET", "/api/v1/items", "").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/items", "nobody").status, 401);
  auto r = CreateHygiene("auditor");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.Code(), "forbidden");
  EXPECT_EQ(CreateHygiene("hrss-handler").status, 403);  // another department's item
  EXPECT_EQ(CreateHygiene("health-inspector").status, 403);
  auto list = Call("GET", "/api/v1/applications", "admin");
  EXPECT_EQ(list.json->getArray("applications")->size(), 0u);  // nothing was stored
}

TEST_F(Api, AnotherDepartmentsApplicationIsNotFound) {
  const long long id = Id(CreateHygiene());
  const std::string path = "/api/v1/applications/" + std::to_string(id);
  EXPECT_EQ(Call("GET", path, "hrss-handler").status, 404);
  EXPECT_EQ(Call("GET", path, "health-supervisor").status, 200);
  EXPECT_EQ(Event(id, "withdraw", 1, "{}", "hrss-handler").status, 404);
  EXPECT_EQ(
      Call("GET", "/api/v1/applications", "hrss-handler").json->getArray("applications")->size(),
      0u);
  EXPECT_EQ(
      Call("GET", "/api/v1/applications", "health-handler").json->getArray("applications")->size(),
      1u);
}

TEST_F(Api, BadInputGetsItsOwnCodeAndChangesNothing) {
  const long long id = Id(CreateHygiene());
  const std::string path = "/api/v1/applications/" + std::to_string(id);
  auto r = Call("POST", path + "/events", "health-handler", "{not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Code(), "malformed_json");
  EXPECT_FALSE(r.json->getObject("error")->getValue<std::string>("message_zh").empty());
  r = Call("POST", path + "/events", "health-handler", R"({"event":"issue_notice"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Code(), "invalid_argument");
  EXPECT_EQ(r.json->getObject("error")->getObject("details")->getValue<std::string>("field"),
            "expected_version");
  r = Call("POST", path + "/events", "health-handler",
           R"({"event":"issue_notice","expected_version":"1"})");
  EXPECT_EQ(r.status, 400);
  r = Event(id, "accept_materials", 1);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.Code(), "invalid_transition");
  r = Event(id, "issue_notice", 9);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.Code(), "conflict");
  EXPECT_EQ(Event(9999, "issue_notice", 1).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/applications/abc", "admin").status, 400);
  r = Call(
      "POST", "/api/v1/applications", "health-handler",
      R"({"item_code":"no_such","applicant":{"kind":"enterprise","uscc":"91350100M000100Y43","name":"x"}})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Code(), "unknown_item");
  r = Call(
      "POST", "/api/v1/applications", "health-handler",
      R"({"item_code":"public_place_hygiene","applicant":{"kind":"enterprise","uscc":"91350100M000100Y4X","name":"x"}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Code(), "invalid_identifier");
  r = Call("POST", "/api/v1/applications", "health-handler",
           R"({"item_code":"public_place_hygiene","applicant":{"kind":"enterprise","name":"x"}})");
  EXPECT_EQ(r.json->getObject("error")->getObject("details")->getValue<std::string>("field"),
            "applicant.uscc");
  r = Event(id, "commit", 1, R"({"signer":"x"})");
  EXPECT_EQ(r.status, 422);  // received does not accept commit
  r = Call("GET", path, "health-handler");
  EXPECT_EQ(State(r), "received");
  EXPECT_EQ(Version(r), 1);
  EXPECT_EQ(r.json->getArray("history")->size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/nothing", "admin").status, 404);
}

TEST_F(Api, MissingUpfrontMaterialsAre422WithTheList) {
  const long long id = Id(CreateHygiene());
  Event(id, "issue_notice", 1);
  auto r = Event(id, "commit", 2, R"({"signer":"王五","materials":["floor_plan"]})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.Code(), "materials_incomplete");
  auto missing = r.json->getObject("error")->getObject("details")->getArray("missing");
  ASSERT_EQ(missing->size(), 1u);
  EXPECT_EQ(missing->getElement<std::string>(0), "application_form");
}

TEST_F(Api, ListsWithKeysetPagination) {
  for (int i = 0; i < 5; ++i) CreateHygiene();
  auto r = Call("GET", "/api/v1/applications?limit=2", "admin");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json->getArray("applications")->size(), 2u);
  const long long after = r.json->getValue<long long>("next_after");
  r = Call("GET", "/api/v1/applications?limit=10&after=" + std::to_string(after), "admin");
  EXPECT_EQ(r.json->getArray("applications")->size(), 3u);
  EXPECT_TRUE(r.json->isNull("next_after"));
  r = Call("GET",
           "/api/v1/applications?state=received&item_code=public_place_hygiene&applicant=" +
               std::string(kUscc),
           "admin");
  EXPECT_EQ(r.json->getArray("applications")->size(), 5u);
  EXPECT_EQ(Call("GET", "/api/v1/applications?limit=0", "admin").status, 400);
}

TEST_F(Api, AdminsSetListFlagsEvenForEnterprisesNotSeenYet) {
  const std::string unseen = "91350100M000100Y43";
  const std::string body =
      R"({"flags":[{"kind":"serious_dishonesty","date":"2026-02-01","source":"国家企业信用信息公示系统"}]})";
  EXPECT_EQ(Call("PUT", "/api/v1/enterprises/" + unseen + "/flags", "health-handler", body).status,
            403);
  auto r = Call("PUT", "/api/v1/enterprises/" + unseen + "/flags", "admin", body);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_FALSE(r.json->getValue<bool>("commitment_method_open"));
  EXPECT_EQ(r.json->getValue<std::string>("commitment_closed_reason"), "serious_dishonesty");
  EXPECT_EQ(Call("PUT", "/api/v1/enterprises/" + unseen + "/flags", "admin",
                 R"({"flags":[{"kind":"bad","date":"2026-02-01","source":"x"}]})")
                .status,
            400);
  EXPECT_EQ(Call("GET", "/api/v1/enterprises/123", "admin").Code(), "invalid_identifier");

  const long long id = Id(CreateHygiene());
  r = Event(id, "issue_notice", 1);
  EXPECT_EQ(State(r), "ordinary_review");
  EXPECT_EQ(r.json->getValue<std::string>("ineligible_reason"), "serious_dishonesty");
}

TEST_F(Api, ItemsShowTheirMaterials) {
  auto r = Call("GET", "/api/v1/items?method=commitment", "auditor");
  ASSERT_EQ(r.status, 200);
  auto items = r.json->getArray("items");
  ASSERT_GE(items->size(), 2u);
  bool deferred = false, none = false;
  for (size_t i = 0; i < items->size(); ++i) {
    auto item = items->getObject(static_cast<unsigned>(i));
    EXPECT_EQ(item->getValue<std::string>("reform_method"), "commitment");
    bool has = false;
    auto m = item->getArray("materials");
    for (size_t j = 0; j < m->size(); ++j)
      has |= m->getObject(static_cast<unsigned>(j))->getValue<std::string>("when") == "deferred";
    (has ? deferred : none) = true;
  }
  EXPECT_TRUE(deferred);
  EXPECT_TRUE(none);
}

TEST_F(Api, WorkingDaysForHandlersWhoWantToCheck) {
  auto r = Call("GET", "/api/v1/calendar/working-days?from=2026-09-28&add=5", "health-handler");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.json->getValue<std::string>("date"), "2026-10-10");
  EXPECT_FALSE(r.json->getValue<bool>("provisional"));
  r = Call("GET", "/api/v1/calendar/working-days?from=2026-12-30&add=3", "health-handler");
  EXPECT_TRUE(r.json->getValue<bool>("provisional"));
  EXPECT_EQ(Call("GET", "/api/v1/calendar/working-days?from=2026-02-30&add=5", "auditor").status,
            400);
  EXPECT_EQ(Call("GET", "/api/v1/calendar/working-days?from=2026-09-28&add=-1", "auditor").status,
            400);
}

TEST_F(Api, AMalformedCalendarIsRefusedWithFileAndLineAndTheOldOneStays) {
  const std::string dir = TempFolder("calendar");
  std::ofstream(dir + "/2026.txt") << "off 2026-10-01 2026-10-07\nwork 2026-10-09\n";
  calendar_dir_ = dir;
  EXPECT_EQ(Call("POST", "/api/v1/admin/calendar/reload", "health-handler").status, 403);
  auto r = Call("POST", "/api/v1/admin/calendar/reload", "admin");
  EXPECT_EQ(r.status, 400);
  auto details = r.json->getObject("error")->getObject("details");
  EXPECT_EQ(details->getValue<std::string>("file"), "2026.txt");
  EXPECT_EQ(details->getValue<std::string>("line"), "2");
  // Still the bundled calendar: National Day is off.
  r = Call("GET", "/api/v1/calendar/working-days?from=2026-09-28&add=5", "admin");
  EXPECT_EQ(r.json->getValue<std::string>("date"), "2026-10-10");
  calendar_dir_ = SourcePath("config/calendar");
  r = Call("POST", "/api/v1/admin/calendar/reload", "admin");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.json->getArray("years")->size(), 6u);
}

TEST_F(Api, EscalationsAndIncidentsAreListed) {
  const long long id = Id(CreateHygiene());
  Event(id, "choose_ordinary_procedure", 1);
  TimerService service(h_.engine(), TimerOptions{});
  h_.clock().Advance(60LL * 24 * 3600 * 1000);
  EXPECT_EQ(service.FireDue(h_.clock().Now()).fired, 1);
  auto r = Call("GET", "/api/v1/escalations", "health-handler");
  ASSERT_EQ(r.status, 200);
  auto list = r.json->getArray("escalations");
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->getObject(0)->getValue<std::string>("kind"), "review_deadline");
  EXPECT_EQ(
      Call("GET", "/api/v1/escalations", "hrss-handler").json->getArray("escalations")->size(), 0u);
  EXPECT_EQ(Call("GET", "/api/v1/incidents", "health-handler").status, 403);
  r = Call("GET", "/api/v1/incidents", "auditor");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json->getArray("incidents")->size(), 0u);
}

TEST_F(Api, AnAdminRepairsCreditWithAReasonAndTheMethodReopens) {
  const long long id = Id(CreateHygiene());
  Event(id, "issue_notice", 1);
  Event(id, "commit", 2, R"({"signer":"王五","materials":["application_form","floor_plan"]})");
  TimerService service(h_.engine(), TimerOptions{});
  h_.clock().Advance(60LL * 24 * 3600 * 1000);
  service.FireDue(h_.clock().Now());
  auto r = Call("GET", std::string("/api/v1/enterprises/") + kUscc, "health-handler");
  ASSERT_EQ(r.json->getArray("credit_records")->size(), 1u);
  EXPECT_EQ(r.json->getArray("commitment_barred_items")->size(), 1u);
  const std::string path = std::string("/api/v1/enterprises/") + kUscc + "/credit-repairs";
  EXPECT_EQ(Call("POST", path, "health-handler", R"({"reason":"已整改"})").status, 403);
  EXPECT_EQ(Call("POST", path, "admin", R"({})").status, 400);
  EXPECT_EQ(Call("POST", path, "admin", R"({"reason":"x","credit_record_ids":[999]})").status, 404);
  r = Call("POST", path, "admin", R"({"reason":"补交材料，完成信用修复"})");
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_TRUE(r.json->getArray("credit_records")->getObject(0)->getValue<bool>("repaired"));
  EXPECT_EQ(r.json->getArray("commitment_barred_items")->size(), 0u);
  EXPECT_EQ(Call("POST", path, "admin", R"({"reason":"again"})").status, 404);
  const long long again = Id(CreateHygiene());
  EXPECT_EQ(State(Event(again, "issue_notice", 1)), "awaiting_commitment");
}

TEST_F(Api, AnAdminDefinesAnItemWithThreeStagesAndAnApplicationRunsThroughIt) {
  const std::string item = R"({"code":"outdoor_ads","name":"户外广告设施设置审批","level":"local",
    "legal_basis":["《山西省城市市容和环境卫生管理条例》"],"approving_department":"culture",
    "supervising_departments":["culture"],"reform_method":"optimize","effective_from":"2026-01-01",
    "materials":[{"id":"application_form","name":"申请表","when":"upfront"},
                 {"id":"design","name":"设计图","when":"upfront"}],
    "review_stages":[
      {"name":"现场核查","department":"culture","time_limit":{"value":3,"unit":"working_days"}},
      {"name":"专家评审","department":"culture","time_limit":{"value":5,"unit":"working_days"}},
      {"name":"公示","department":"culture","time_limit":{"value":5,"unit":"days"}}],
    "statutory_time_limit":{"value":20,"unit":"working_days"}})";
  EXPECT_EQ(Call("POST", "/api/v1/items", "health-handler", item).status, 403);
  auto r = Call("POST", "/api/v1/items", "admin", item);
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_TRUE(r.json->isNull("current"));
  EXPECT_EQ(r.json->getArray("versions")->getObject(0)->getValue<std::string>("status"), "draft");
  r = Call("POST", "/api/v1/items/outdoor_ads/publish", "admin");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.json->getObject("current")->getArray("review_stages")->size(), 3u);
  r = Call("GET", "/api/v1/items?method=optimize&department=culture&text=户外", "auditor");
  ASSERT_EQ(r.json->getArray("items")->size(), 1u);

  // The test principals have no culture handler: an admin acts for the department.
  const std::string culture = "admin";
  r = Call("POST", "/api/v1/applications", culture,
           std::string(R"({"item_code":"outdoor_ads","applicant":{"kind":"enterprise","uscc":")") +
               kUscc + R"(","name":"示例广告公司"},"materials":["application_form","design"]})");
  ASSERT_EQ(r.status, 201) << r.text;
  const long long id = Id(r);
  r = Event(id, "accept", 1, "{}", culture);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.json->getObject("current_stage")->getValue<std::string>("name"), "现场核查");
  EXPECT_TRUE(r.json->getObject("statutory_clock")->getValue<bool>("running"));
  long long v = Version(r);
  for (const char* stage : {"现场核查", "专家评审", "公示"}) {
    r = Event(id, "complete_stage", v,
              std::string(R"({"stage":")") + stage + R"(","notes":"通过"})", culture);
    ASSERT_EQ(r.status, 200) << r.text;
    v = Version(r);
  }
  EXPECT_EQ(State(r), "awaiting_decision");
  r = Event(id, "decide", v, R"({"decision":"approve","reason":"符合规划"})", culture);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(State(r), "approved");
  EXPECT_FALSE(r.json->isNull("permit_number"));
}

TEST_F(Api, AnInvalidItemNamesEveryPathAndStoresNothing) {
  auto r = Call(
      "POST", "/api/v1/items", "admin",
      R"({"code":"broken","name":"坏","level":"local","legal_basis":["x"],)"
      R"("approving_department":"samr","reform_method":"filing","effective_from":"2026-01-01",)"
      R"("materials":[{"id":"a","name":"甲","when":"deferred"}],)"
      R"("review_stages":[{"name":"审查","department":"samr","time_limit":{"value":-2}}]})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.Code(), "invalid_item");
  auto paths = r.json->getObject("error")->getObject("details")->getArray("paths");
  std::set<std::string> got;
  for (size_t i = 0; i < paths->size(); ++i)
    got.insert(paths->getElement<std::string>(static_cast<unsigned>(i)));
  for (const char* p : {"$.materials[0].due", "$.materials[0].when", "$.review_stages",
                        "$.review_stages[0].time_limit.value"})
    EXPECT_TRUE(got.count(p)) << p << " in " << r.text;
  EXPECT_EQ(Call("GET", "/api/v1/items/broken", "admin").status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/items", "admin", "{oops").Code(), "malformed_json");
}

TEST_F(Api, CancelledAndFiledItemsAnswerAtTheDoor) {
  auto r = Call(
      "POST", "/api/v1/applications", "admin",
      std::string(R"({"item_code":"grain_purchase","applicant":{"kind":"enterprise","uscc":")") +
          kUscc + R"(","name":"粮油公司"}})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.Code(), "no_permit_required");
  EXPECT_EQ(r.json->getObject("error")->getObject("details")->getValue<std::string>("since"),
            "2021-03-01");
  const std::string filing =
      std::string(
          R"({"item_code":"prepackaged_food_filing","applicant":{"kind":"enterprise","uscc":")") +
      kUscc + R"(","name":"便利店"},"materials":["filing_form"]})";
  r = Call("POST", "/api/v1/applications", "admin", filing);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.Code(), "materials_incomplete");
  r = Call(
      "POST", "/api/v1/applications", "admin",
      std::string(
          R"({"item_code":"prepackaged_food_filing","applicant":{"kind":"enterprise","uscc":")") +
          kUscc + R"(","name":"便利店"},"materials":["filing_form","licence_copy"]})");
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_EQ(State(r), "filed");
  EXPECT_EQ(r.json->getValue<std::string>("filing_number"), "〔2026〕备字第 1 号");
}

TEST_F(Api, ImportsACsvCatalogueAndReportsBadRowsByNumber) {
  const std::string csv =
      "事项名称,设定依据,审批部门,改革方式,具体改革举措,加强事中事后监管措施,事项编码\n"
      "建筑垃圾处置核准,《城市市容和环境卫生管理条例》,samr,实行告知承诺,告知承诺,双随机,"
      "construction_waste\n"
      "某事项,某依据,月球局,实行告知承诺,,,moon\n";
  auto r = Call("POST", "/api/v1/items:import?all_or_nothing=true", "admin", csv);
  EXPECT_EQ(r.status, 422);
  EXPECT_FALSE(r.json->getValue<bool>("applied"));
  EXPECT_EQ(r.json->getArray("rejected")->getObject(0)->getValue<int>("row"), 2);
  EXPECT_EQ(Call("GET", "/api/v1/items/construction_waste", "admin").status, 404);
  r = Call("POST", "/api/v1/items:import", "admin", csv);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.json->getArray("imported")->getElement<std::string>(0), "construction_waste");
  EXPECT_EQ(Call("GET", "/api/v1/items/construction_waste", "admin").status, 200);
}

TEST_F(Api, AdminsManageDepartments) {
  auto r = Call("GET", "/api/v1/departments", "health-handler");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json->getArray("departments")->size(), 9u);
  EXPECT_EQ(
      Call("POST", "/api/v1/departments", "health-handler", R"({"id":"x","name":"某局"})").status,
      403);
  r = Call("POST", "/api/v1/departments", "admin",
           R"({"id":"emergency","name":"平陆县应急管理局"})");
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_EQ(r.json->getArray("departments")->size(), 10u);
  EXPECT_EQ(
      Call("PUT", "/api/v1/departments/emergency", "admin", R"({"name":"应急管理局"})").status,
      200);
  EXPECT_EQ(Call("POST", "/api/v1/departments", "admin", R"({"id":"Bad Id","name":"x"})").status,
            400);
}

TEST_F(Api, RetiringAnItemStopsNewApplications) {
  EXPECT_EQ(Call("POST", "/api/v1/items/hr_service/retire", "admin").status, 200);
  auto r =
      Call("POST", "/api/v1/applications", "admin",
           std::string(R"({"item_code":"hr_service","applicant":{"kind":"enterprise","uscc":")") +
               kUscc + R"(","name":"人力公司"}})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.Code(), "item_retired");
}

}  // namespace
}  // namespace permitflow
