// Registration and supervision linkage through the real engine and store.
#include "engine/linkage.hpp"

#include <gtest/gtest.h>

#include "engine/timer_service.hpp"
#include "tests/support/harness.hpp"

namespace permitflow {
namespace {

constexpr Instant kDay = 24LL * 3600 * 1000;

class LinkageTest : public ::testing::Test {
 protected:
  LinkageTest()
      : linkage(h.engine(), h.store(), {"日用百货销售", "软件开发"},
                Duration{5, Duration::Unit::kWorkingDays}) {}
  RegistrationResult Register(std::vector<std::string> scope) {
    auto r = linkage.Register({kUscc, "平陆县示例宾馆有限公司", "140829", std::move(scope)});
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? r.value() : RegistrationResult{};
  }
  std::vector<OutboxMessage> Messages(const std::string& recipient) {
    return h.store().ListMessages(recipient, "", 0, 100).value();
  }
  Harness h;
  Linkage linkage;
};

TEST_F(LinkageTest, GeneralTermsAloneMeanOperateNow) {
  auto r = Register({"日用百货销售", "软件开发"});
  EXPECT_TRUE(r.operate_now);
  EXPECT_TRUE(r.required.empty());
  EXPECT_TRUE(r.notices.empty());
}

TEST_F(LinkageTest, PermitTermsListTheItemsAndNotifyEveryDepartmentOnce) {
  auto r = Register({"住宿服务", "日用百货销售", "星际旅行"});
  EXPECT_FALSE(r.operate_now);
  std::set<std::string> codes;
  for (const auto& item : r.required) codes.insert(item->code);
  EXPECT_EQ(codes, (std::set<std::string>{"public_place_hygiene", "hotel_special_trade"}));
  EXPECT_EQ(r.unknown_terms, std::vector<std::string>{"星际旅行"});
  std::set<std::pair<std::string, std::string>> told;
  for (const auto& n : r.notices) told.insert({n.item_code, n.department});
  EXPECT_EQ(told, (std::set<std::pair<std::string, std::string>>{
                      {"public_place_hygiene", "health"}, {"hotel_special_trade", "police"}}));
  EXPECT_EQ(Messages("health").size(), 1u);
  EXPECT_EQ(Messages("health")[0].kind, "registration_notice");
  // Five working days from Monday 2026-03-02 to claim.
  EXPECT_EQ(FormatInstant(r.notices[0].claim_due_at), "2026-03-09T15:59:59.999Z");
}

TEST_F(LinkageTest, ACancelledApprovalStillTellsTheSupervisors) {
  auto r = Register({"粮食收购"});
  EXPECT_TRUE(r.operate_now);
  ASSERT_EQ(r.cancelled.size(), 1u);
  std::set<std::string> departments;
  for (const auto& n : r.notices) departments.insert(n.department);
  EXPECT_EQ(departments, (std::set<std::string>{"drc", "samr"}));
}

TEST_F(LinkageTest, ClaimsAreByTheDepartmentOnceAndUnclaimedOnesEscalate) {
  auto r = Register({"住宿服务"});
  const Notice health = r.notices[0].department == "health" ? r.notices[0] : r.notices[1];
  const Notice police = r.notices[0].department == "police" ? r.notices[0] : r.notices[1];
  EXPECT_EQ(linkage.Claim(health.id, Actor{"p", "handler", "hrss"}).status().code(),
            Code::kNotFound);
  auto claimed = linkage.Claim(health.id, Actor{"wang", "supervisor", "health"});
  ASSERT_TRUE(claimed.ok());
  EXPECT_EQ(claimed->claimed_by, "wang");
  EXPECT_EQ(linkage.Claim(health.id, Actor{"li", "handler", "health"}).status().code(),
            Code::kConflict);
  EXPECT_EQ(h.store().ListNotices("police", 0, 0, 10)->size(), 1u);
  EXPECT_EQ(h.store().ListNotices("health", 0, 0, 10)->size(), 0u);

  TimerService timers(h.engine(), TimerOptions{});
  timers.SetNotices(&h.store());
  h.clock().Advance(6 * kDay);  // Monday + 6 days: still within the 5 working days
  EXPECT_EQ(timers.FireDue(h.clock().Now()).unclaimed_notices, 0);
  h.clock().Advance(2 * kDay);
  EXPECT_EQ(timers.FireDue(h.clock().Now()).unclaimed_notices, 1);
  EXPECT_EQ(timers.FireDue(h.clock().Now()).unclaimed_notices, 0);  // once
  auto escalations = h.store().ListEscalations("police", 0, 10);
  ASSERT_EQ(escalations->size(), 1u);
  EXPECT_EQ(escalations->at(0).kind, "claim_deadline");
  EXPECT_NE(escalations->at(0).note.find(std::to_string(police.id)), std::string::npos);
  EXPECT_EQ(Messages("police").back().kind, "escalation");  // pushed on to the department

  auto tallies = h.store().ClaimTallies(0, h.clock().Now() + kDay);
  ASSERT_EQ(tallies->size(), 2u);
  EXPECT_EQ(tallies->at(0).department, "health");
  EXPECT_EQ(tallies->at(0).done, 1);
  EXPECT_EQ(tallies->at(1).done, 0);
}

TEST_F(LinkageTest, TheScorecardsClaimRateBands) {
  EXPECT_EQ(ScoreClaims(1000, 990).points, 5);
  EXPECT_EQ(ScoreClaims(1000, 985).points, 3);
  EXPECT_EQ(ScoreClaims(1000, 975).points, 2);
  EXPECT_EQ(ScoreClaims(1000, 969).points, 1);
  EXPECT_EQ(ScoreClaims(0, 0).points, 5);
}

TEST_F(LinkageTest, ADecisionIsPushedToTheSupervisorsAndDueForPublication) {
  auto app = h.InMaterialsDue();  // approved on commitment
  const auto health = Messages("health");
  ASSERT_EQ(health.size(), 1u);
  EXPECT_EQ(health[0].kind, "decision");
  EXPECT_EQ(health[0].application_id, app.id);
  EXPECT_NE(health[0].payload_json.find("\"permit_number\":\"〔2026〕许字第 1 号\""),
            std::string::npos)
      << health[0].payload_json;
  EXPECT_EQ(Messages("publicity").size(), 1u);
  auto records = h.store().ListPublicity(kUscc, 0);
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ(records->at(0).kind, "permit");
  EXPECT_EQ(FormatInstant(records->at(0).due_at), "2026-03-30T15:59:59.999Z");  // 20 working days
  EXPECT_TRUE(h.store().ListPublicity("", records->at(0).due_at)->empty());
  EXPECT_EQ(h.store().ListPublicity("", records->at(0).due_at + 1)->size(), 1u);  // overdue

  // The missing materials revoke it: a credit record for the credit platform too.
  TimerService timers(h.engine(), TimerOptions{});
  h.clock().Advance(40 * kDay);
  timers.FireDue(h.clock().Now());
  EXPECT_EQ(Messages("credit_platform").size(), 1u);
  EXPECT_EQ(Messages("health").size(), 2u);
  EXPECT_EQ(
      Messages("health")[1].payload_json.find("\"decision\":\"revoked\"") != std::string::npos,
      true);
}

TEST_F(LinkageTest, SupervisionDecisionsPushBackAndAreFlaggedLateAfterThreeWorkingDays) {
  auto app = h.InMaterialsDue();
  SupervisionDecision d;
  d.kind = "rectification_order";
  d.summary = "责令限期整改";
  d.decided_on = *ParseDate("2026-03-02");
  auto on_time = linkage.RecordSupervisionDecision(app.id, d, Actor{"s", "supervisor", "health"});
  ASSERT_TRUE(on_time.ok()) << on_time.status().message();
  EXPECT_FALSE(on_time->late);
  EXPECT_EQ(linkage.RecordSupervisionDecision(app.id, d, Actor{"s", "supervisor", "hrss"})
                .status()
                .code(),
            Code::kNotFound);
  h.clock().Set(At("2026-03-06T02:00:00Z"));  // Friday: 3 working days after Monday is Thursday
  d.kind = "penalty";
  auto late = linkage.RecordSupervisionDecision(app.id, d, Actor{"s", "supervisor", "health"});
  ASSERT_TRUE(late.ok());
  EXPECT_TRUE(late->late);
  // Both pushed back to the approving department (health approves and supervises here).
  size_t decisions = 0;
  for (const auto& m : Messages("health")) decisions += m.kind == "supervision_decision";
  EXPECT_EQ(decisions, 2u);
  auto records = h.store().ListPublicity(kUscc, 0);
  EXPECT_EQ(records->back().kind, "penalty");  // a penalty is published
  auto tallies = h.store().SupervisionTallies(0, h.clock().Now() + kDay);
  ASSERT_EQ(tallies->size(), 1u);
  EXPECT_EQ(tallies->at(0).total, 2);
  EXPECT_EQ(tallies->at(0).done, 1);
  d.decided_on = *ParseDate("2026-03-09");
  EXPECT_EQ(linkage.RecordSupervisionDecision(app.id, d, Actor{"s", "supervisor", "health"})
                .status()
                .code(),
            Code::kInvalidArgument);  // in the future
}

TEST_F(LinkageTest, BadRegistrationsAreRefused) {
  EXPECT_EQ(linkage.Register({"123", "x", "140829", {"a"}}).status().code(),
            Code::kInvalidIdentifier);
  EXPECT_EQ(linkage.Register({kUscc, "x", "1408", {"a"}}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(linkage.Register({kUscc, "x", "140829", {}}).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace permitflow
