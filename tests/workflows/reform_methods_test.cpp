// The four reform methods through the real engine: each keeps the guarantee DOMAIN.md gives it.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <deque>
#include <set>
#include <sstream>

#include "engine/timer_service.hpp"
#include "tests/support/harness.hpp"

namespace permitflow {
namespace {

class Methods : public ::testing::Test {
 protected:
  Result<Application> New(const std::string& item, std::vector<std::string> materials = {}) {
    NewApplication input{
        item, {"enterprise", kUscc, "平陆县示例有限公司"}, "{}", std::move(materials)};
    return h.engine().Create(input, h.handler, nullptr);
  }
  EventData Stage(const std::string& name) {
    EventData d;
    d.stage = name;
    d.notes = "符合要求";
    return d;
  }
  Harness h;
};

TEST_F(Methods, ACancelledApprovalTakesNoApplication) {
  auto r = New("grain_purchase");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNoPermitRequired);
  EXPECT_EQ(r.status().details().at("since"), std::vector<std::string>{"2021-03-01"});
  EXPECT_EQ(r.status().details().at("informed_departments"),
            (std::vector<std::string>{"drc", "samr"}));
  EXPECT_EQ(h.store().List(ApplicationQuery{})->size(), 0u);
}

TEST_F(Methods, ACompleteFilingIsFiledAtOnce) {
  h.handler.department = "samr";
  auto r = New("prepackaged_food_filing", {"filing_form", "licence_copy"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->state, "filed");
  EXPECT_EQ(r->version, 1);  // one transaction
  EXPECT_EQ(r->permit_number, "〔2026〕备字第 1 号");
  const auto d = h.Detail(r->id);
  ASSERT_EQ(d.history.size(), 2u);
  EXPECT_EQ(d.history[0].event, "create");
  EXPECT_EQ(d.history[1].event, "file");
  EXPECT_EQ(d.history[1].to_state, "filed");
  EXPECT_TRUE(d.deadlines.empty());
}

TEST_F(Methods, AnIncompleteFilingIsRefusedWithEveryMissingMaterial) {
  auto r = New("travel_agency_branch", {"filing_form"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kIncomplete);
  EXPECT_EQ(r.status().details().at("missing"),
            (std::vector<std::string>{"branch_licence", "deposit_proof"}));
  EXPECT_EQ(h.store().List(ApplicationQuery{})->size(), 0u);
  EXPECT_EQ(New("travel_agency_branch", {"no_such"}).status().code(), Code::kInvalidArgument);
}

TEST_F(Methods, NoEventSequenceTakesAFilingToADecisionStep) {
  // Every event any workflow knows, tried in every state a filing can reach.
  const std::vector<std::string> events = {"issue_notice",
                                           "choose_ordinary_procedure",
                                           "commit",
                                           "approve",
                                           "submit_materials",
                                           "accept_materials",
                                           "request_correction",
                                           "reject_materials",
                                           "verify",
                                           "decide",
                                           "withdraw",
                                           "accept",
                                           "complete_stage",
                                           "file"};
  auto filed = New("prepackaged_food_filing", {"filing_form", "licence_copy"});
  ASSERT_TRUE(filed.ok());
  std::set<std::string> reached = {filed->state};
  std::deque<Application> frontier = {filed.value()};
  while (!frontier.empty()) {
    Application app = frontier.front();
    frontier.pop_front();
    for (const auto& e : events) {
      EventData d;
      d.decision = "approve";
      d.result = "confirmed";
      d.signer = "x";
      d.materials = {"filing_form"};
      d.defects = {"x"};
      d.stage = "x";
      auto r = h.engine().Handle(app.id, Event{e, d, "{}"}, app.version, Actor{"a", "admin", ""},
                                 nullptr);
      if (r.ok() && reached.insert(r->state).second) frontier.push_back(r.value());
    }
  }
  EXPECT_EQ(reached, std::set<std::string>{"filed"});
  auto* workflow = h.engine().WorkflowFor("filing");
  auto states = workflow->StateNames();
  std::sort(states.begin(), states.end());
  EXPECT_EQ(states, (std::vector<std::string>{"filed", "received"}));
}

TEST_F(Methods, OptimizeWalksTheStagesInOrderThenDecides) {
  h.handler.department = "culture";
  auto app = New("entertainment_venue", {"application_form", "venue_proof"}).value();
  EXPECT_EQ(app.state, "received");
  app = h.Ok(app, "accept");
  EXPECT_EQ(app.state, "under_review");
  EXPECT_EQ(app.stage, 0);
  auto d = h.Detail(app.id);
  std::set<std::string> kinds;
  for (const auto& t : d.deadlines) kinds.insert(t.kind);
  EXPECT_EQ(kinds, (std::set<std::string>{"stage_deadline", "review_deadline"}));
  // Out of order, and deciding early, are refused.
  auto wrong = h.Fire(app, "complete_stage", Stage("公示"));
  EXPECT_EQ(wrong.status().code(), Code::kInvalidTransition);
  EXPECT_EQ(wrong.status().details().at("current_stage"), std::vector<std::string>{"材料审查"});
  EventData approve;
  approve.decision = "approve";
  EXPECT_EQ(h.Fire(app, "decide", approve).status().code(), Code::kInvalidTransition);
  app = h.Ok(app, "complete_stage", Stage("材料审查"));
  EXPECT_EQ(app.stage, 1);
  app = h.Ok(app, "complete_stage", Stage("现场核查"));
  app = h.Ok(app, "complete_stage", Stage("公示"));
  EXPECT_EQ(app.state, "awaiting_decision");
  d = h.Detail(app.id);
  ASSERT_EQ(d.deadlines.size(), 1u);
  EXPECT_EQ(d.deadlines[0].kind, "review_deadline");
  app = h.Ok(app, "decide", approve);
  EXPECT_EQ(app.state, "approved");
  EXPECT_EQ(app.permit_number, "〔2026〕许字第 1 号");
  EXPECT_TRUE(h.Detail(app.id).deadlines.empty());
}

TEST_F(Methods, ACorrectionPausesTheStatutoryClockUntilResubmission) {
  h.handler.department = "samr";
  auto app =
      h.Ok(New("food_business", {"application_form", "layout", "safety_rules"}).value(), "accept");
  const Instant first_due = app.clock_due;
  ASSERT_GT(first_due, 0);
  h.clock().Advance(2LL * 24 * 3600 * 1000);  // Monday -> Wednesday: two working days used
  EventData defects;
  defects.defects = {"布局图缺少比例尺", "管理制度未盖章"};
  app = h.Ok(app, "request_correction", defects);
  EXPECT_EQ(app.state, "correction_due");
  EXPECT_EQ(app.clock_remaining, 8);  // 10 working days, 2 used
  EXPECT_TRUE(h.Detail(app.id).deadlines.empty());
  h.clock().Advance(14LL * 24 * 3600 * 1000);  // the applicant takes two weeks
  EventData materials;
  materials.materials = {"layout", "safety_rules"};
  app = h.Ok(app, "submit_materials", materials);
  EXPECT_EQ(app.state, "under_review");
  EXPECT_EQ(app.clock_remaining, -1);
  // Eight working days after Wednesday 2026-03-18: Monday 2026-03-30.
  EXPECT_EQ(FormatInstant(app.clock_due), "2026-03-30T15:59:59.999Z");
  EXPECT_GT(app.clock_due, first_due);
}

TEST_F(Methods, ALateStageEscalates) {
  h.handler.department = "samr";
  auto app =
      h.Ok(New("food_business", {"application_form", "layout", "safety_rules"}).value(), "accept");
  TimerService timers(h.engine(), TimerOptions{});
  h.clock().Advance(5LL * 24 * 3600 * 1000);  // past the 3 working days of 材料审查
  EXPECT_EQ(timers.FireDue(h.clock().Now()).fired, 1);
  EXPECT_EQ(h.Detail(app.id).app.state, "under_review");
  auto escalations = h.store().ListEscalations("samr", 0, 10);
  ASSERT_EQ(escalations->size(), 1u);
  EXPECT_EQ(escalations->at(0).kind, "stage_deadline");
}

TEST_F(Methods, AnApplicationKeepsTheVersionItStartedWith) {
  auto old_app = h.Ok(h.Create("public_place_hygiene"), "issue_notice");
  EXPECT_EQ(old_app.item_version, 1);
  // Version 2 drops the deferred test report: approval goes straight to verification.
  auto v1 = Poco::JSON::Parser()
                .parse(h.catalogue().Versions("public_place_hygiene")->at(0).json)
                .extract<Poco::JSON::Object::Ptr>();
  v1->getArray("materials")->remove(2);  // hygiene_report, the deferred one
  std::ostringstream v2;
  v1->stringify(v2);
  auto saved = h.catalogue().SaveDraft(v2.str(), "public_place_hygiene", h.clock().Now());
  ASSERT_TRUE(saved.ok()) << saved.status().message();
  ASSERT_TRUE(h.catalogue().Publish("public_place_hygiene", h.clock().Now()).ok());
  auto new_app = h.Ok(h.Create("public_place_hygiene"), "issue_notice");
  EXPECT_EQ(new_app.item_version, 2);
  EventData commit;
  commit.signer = "张三";
  commit.materials = {"application_form", "floor_plan"};
  old_app = h.Ok(old_app, "commit", commit);
  new_app = h.Ok(new_app, "commit", commit);
  EXPECT_EQ(old_app.state, "materials_due");       // v1: the report is still owed
  EXPECT_EQ(new_app.state, "under_verification");  // v2: nothing deferred
  EventData report;
  report.materials = {"hygiene_report"};
  old_app = h.Ok(h.Ok(old_app, "submit_materials", report), "accept_materials");
  EventData confirmed;
  confirmed.result = "confirmed";
  EXPECT_EQ(h.Ok(old_app, "verify", confirmed).state, "verified");
  EXPECT_EQ(h.Ok(new_app, "verify", confirmed).state, "verified");
}

}  // namespace
}  // namespace permitflow
