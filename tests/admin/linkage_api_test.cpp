// Registration, claims, supervision decisions, the outbox and publicity over HTTP.
#include "engine/timer_service.hpp"
#include "tests/support/api_fixture.hpp"

namespace permitflow {
namespace {

class LinkageApi : public Api {};

TEST_F(LinkageApi, ARegistrationIsToldOnceClaimedAndScored) {
  auto r = Call("POST", "/api/v1/registrations", "admin",
                std::string(R"({"uscc":")") + kUscc +
                    R"(","name":"平陆县示例宾馆有限公司","region_code":"140829",)"
                    R"("scope":["住宿服务","日用百货销售","月球采矿"]})");
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_FALSE(r.json->getValue<bool>("operate_now"));
  EXPECT_EQ(r.json->getArray("required_items")->size(), 2u);
  EXPECT_EQ(r.json->getArray("unknown_terms")->getElement<std::string>(0), "月球采矿");
  EXPECT_NE(r.json->getValue<std::string>("message_zh").find("公共场所卫生许可"),
            std::string::npos);

  r = Call("GET", "/api/v1/departments/health/notices?claimed=false", "health-handler");
  ASSERT_EQ(r.status, 200);
  auto notices = r.json->getArray("notices");
  ASSERT_EQ(notices->size(), 1u);
  const long long id = notices->getObject(0)->getValue<long long>("id");
  EXPECT_EQ(Call("GET", "/api/v1/departments/health/notices", "hrss-handler").status, 403);
  r = Call("GET", "/api/v1/departments/health/inbox", "health-supervisor");
  ASSERT_EQ(r.json->getArray("messages")->size(), 1u);
  EXPECT_EQ(r.json->getArray("messages")->getObject(0)->getValue<std::string>("kind"),
            "registration_notice");

  r = Call("POST", "/api/v1/notices/" + std::to_string(id) + "/claim", "health-supervisor");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_TRUE(r.json->getValue<bool>("claimed"));
  EXPECT_EQ(
      Call("POST", "/api/v1/notices/" + std::to_string(id) + "/claim", "health-handler").status,
      409);
  EXPECT_EQ(Call("GET", "/api/v1/departments/health/notices?claimed=false", "health-handler")
                .json->getArray("notices")
                ->size(),
            0u);

  r = Call("GET", "/api/v1/statistics/claims?from=2026-03-01&to=2026-03-31", "auditor");
  ASSERT_EQ(r.status, 200) << r.text;
  auto county = r.json->getObject("county");
  EXPECT_EQ(county->getValue<int>("notices"), 2);
  EXPECT_EQ(county->getValue<int>("claimed"), 1);
  EXPECT_EQ(county->getValue<int>("points"), 1);  // 50%
  r = Call("GET", "/api/v1/statistics/claims?from=2026-04-01&to=2026-04-30", "auditor");
  EXPECT_EQ(r.json->getObject("county")->getValue<int>("notices"), 0);
}

TEST_F(LinkageApi, OnlyGeneralTermsMeanOperateNow) {
  auto r = Call("POST", "/api/v1/registrations", "admin",
                std::string(R"({"uscc":")") + kUscc +
                    R"(","name":"某商店","region_code":"140829","scope":["日用百货销售"]})");
  ASSERT_EQ(r.status, 201);
  EXPECT_TRUE(r.json->getValue<bool>("operate_now"));
  EXPECT_NE(r.json->getValue<std::string>("message_zh").find("准入即营"), std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/registrations", "admin",
                 R"({"uscc":"bad","name":"x","region_code":"140829","scope":["a"]})")
                .Code(),
            "invalid_identifier");
}

TEST_F(LinkageApi, SupervisionDecisionsShowUnderTheEnterpriseWithPublicity) {
  const long long id = Id(CreateHygiene());
  Event(id, "issue_notice", 1);
  Event(id, "commit", 2, R"({"signer":"王五","materials":["application_form","floor_plan"]})");
  h_.clock().Advance(5LL * 24 * 3600 * 1000);  // to Saturday 03-07
  auto r = Call(
      "POST", "/api/v1/applications/" + std::to_string(id) + "/supervision-decisions",
      "health-supervisor",
      R"({"kind":"penalty","decided_on":"2026-03-02","summary":"未按承诺配备消毒设施，罚款"})");
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_TRUE(r.json->getValue<bool>("late"));  // Saturday 03-07 is past Thursday 03-05
  EXPECT_EQ(Call("POST", "/api/v1/applications/" + std::to_string(id) + "/supervision-decisions",
                 "health-handler", R"({"kind":"penalty","decided_on":"2026-03-02","summary":"x"})")
                .status,
            403);
  r = Call("GET", std::string("/api/v1/enterprises/") + kUscc, "auditor");
  ASSERT_EQ(r.status, 200);
  auto decisions = r.json->getArray("supervision_decisions");
  ASSERT_EQ(decisions->size(), 1u);
  EXPECT_TRUE(decisions->getObject(0)->getValue<bool>("late"));
  auto publicity = r.json->getArray("publicity");
  ASSERT_EQ(publicity->size(), 2u);  // the permit and the penalty
  EXPECT_FALSE(publicity->getObject(0)->getValue<bool>("published"));
  r = Call("GET", "/api/v1/statistics/supervision", "admin");
  EXPECT_EQ(r.json->getArray("departments")->getObject(0)->getValue<int>("late"), 1);
  // Nobody publishes (no publicity endpoint here): after 20 working days both are overdue.
  EXPECT_EQ(
      Call("GET", "/api/v1/publicity/overdue", "health-handler").json->getArray("overdue")->size(),
      0u);
  h_.clock().Advance(40LL * 24 * 3600 * 1000);
  r = Call("GET", "/api/v1/publicity/overdue", "health-handler");
  EXPECT_EQ(r.json->getArray("overdue")->size(), 2u);
}

TEST_F(LinkageApi, TheOutboxListsMessagesAndReplaysDeadOnes) {
  const long long id = Id(CreateHygiene());
  Event(id, "issue_notice", 1);
  Event(id, "commit", 2, R"({"signer":"王五","materials":["application_form","floor_plan"]})");
  auto r = Call("GET", "/api/v1/outbox?recipient=health", "auditor");
  ASSERT_EQ(r.status, 200);
  auto messages = r.json->getArray("messages");
  ASSERT_EQ(messages->size(), 1u);
  auto m = messages->getObject(0);
  EXPECT_EQ(m->getValue<std::string>("kind"), "decision");
  EXPECT_EQ(m->getValue<std::string>("state"), "pending");
  EXPECT_EQ(m->getObject("payload")->getValue<std::string>("decision"), "approved");
  EXPECT_FALSE(m->getValue<std::string>("sent_at").empty());
  const long long message = m->getValue<long long>("id");
  h_.store().MarkFailed(message, "receiver down", 0, true);
  r = Call("GET", "/api/v1/outbox?state=dead", "admin");
  ASSERT_EQ(r.json->getArray("messages")->size(), 1u);
  EXPECT_EQ(
      Call("POST", "/api/v1/outbox", "auditor", R"({"replay":[)" + std::to_string(message) + "]}")
          .status,
      403);
  r = Call("POST", "/api/v1/outbox", "admin", R"({"replay":[)" + std::to_string(message) + "]}");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.json->getValue<int>("replayed"), 1);
  EXPECT_EQ(Call("GET", "/api/v1/outbox?state=dead", "admin").json->getArray("messages")->size(),
            0u);
  EXPECT_NE(Send("GET", "/metrics", {}, "").text.find("permitflow_outbox_backlog 2"),
            std::string::npos);
}

}  // namespace
}  // namespace permitflow
