// The commitment lifecycle through the real engine and the real SQLite store.
#include "engine/engine.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "tests/support/harness.hpp"

namespace permitflow {
namespace {

constexpr const char* kHygiene = "public_place_hygiene";  // deferred materials, verification
constexpr const char* kHr = "hr_service";                 // no deferred materials, verification
constexpr const char* kDispatch = "labour_dispatch";      // decided by hand, no verification

EventData Commit(std::vector<std::string> materials) {
  EventData d;
  d.signer = "张三";
  d.materials = std::move(materials);
  return d;
}
EventData Materials(std::vector<std::string> ids) {
  EventData d;
  d.materials = std::move(ids);
  return d;
}
EventData Verify(const std::string& result) {
  EventData d;
  d.result = result;
  d.findings = "现场核查";
  return d;
}
EventData Decision(const std::string& decision, const std::string& reason = "") {
  EventData d;
  d.decision = decision;
  d.reason = reason;
  return d;
}

std::vector<std::string> Kinds(const ApplicationDetail& d) {
  std::vector<std::string> out;
  for (const auto& t : d.deadlines) out.push_back(t.kind);
  return out;
}

class Lifecycle : public ::testing::Test {
 protected:
  // Runs an event that must succeed and returns the new row.
  Application Ok(const Application& app, const std::string& event, EventData data = {}) {
    return h.Ok(app, event, std::move(data));
  }
  // Runs an event that must fail with `code` and checks that nothing changed.
  Status Refused(const Application& app, const std::string& event, Code code, EventData data = {}) {
    const auto before = h.Detail(app.id);
    auto r = h.Fire(app, event, std::move(data));
    EXPECT_FALSE(r.ok()) << event;
    EXPECT_EQ(r.status().code(), code) << r.status().message();
    const auto after = h.Detail(app.id);
    EXPECT_EQ(after.app.version, before.app.version);
    EXPECT_EQ(after.app.state, before.app.state);
    EXPECT_EQ(after.history.size(), before.history.size());
    EXPECT_EQ(Kinds(after), Kinds(before));
    return r.status();
  }
  Application ToApproved(const char* item) {
    auto app = Ok(h.Create(item), "issue_notice");
    return Ok(app, "commit",
              Commit({"application_form", item == std::string(kHygiene) ? "floor_plan"
                                          : item == std::string(kHr)    ? "staff_qualifications"
                                                                        : "capital_proof"}));
  }
  Harness h;
};

TEST_F(Lifecycle, IssueNoticeNumbersTheNoticeAndArmsTheCommitmentDeadline) {
  auto app = Ok(h.Create(kHygiene), "issue_notice");
  EXPECT_EQ(app.state, "awaiting_commitment");
  EXPECT_EQ(app.route, "commitment");
  EXPECT_EQ(app.notice_number, "〔2026〕第 1 号");
  const auto d = h.Detail(app.id);
  ASSERT_EQ(d.deadlines.size(), 1u);
  EXPECT_EQ(d.deadlines[0].kind, "commitment_deadline");
  EXPECT_EQ(FormatInstant(d.deadlines[0].due_at), "2026-03-09T15:59:59.999Z");  // 5 working days
  EXPECT_EQ(Ok(h.Create(kHygiene), "issue_notice").notice_number, "〔2026〕第 2 号");
}

TEST_F(Lifecycle, NoticeNumbersArePerDepartmentAndGapFree) {
  auto a = h.Create(kHygiene);
  // A refused event (stale version) must not consume a number.
  Application stale = a;
  stale.version = 7;
  EXPECT_EQ(h.Fire(stale, "issue_notice").status().code(), Code::kConflict);
  EXPECT_EQ(Ok(a, "issue_notice").notice_number, "〔2026〕第 1 号");
  h.handler.department = "hrss";
  EXPECT_EQ(Ok(h.Create(kHr), "issue_notice").notice_number, "〔2026〕第 1 号");
  h.handler.department = "health";
  EXPECT_EQ(Ok(h.Create(kHygiene), "issue_notice").notice_number, "〔2026〕第 2 号");
}

TEST_F(Lifecycle, CommitApprovesOnTheSpotAndAsksForDeferredMaterials) {
  auto app = ToApproved(kHygiene);
  EXPECT_EQ(app.state, "materials_due");
  EXPECT_EQ(app.signer, "张三");
  EXPECT_EQ(app.permit_number, "〔2026〕许字第 1 号");
  const auto d = h.Detail(app.id);
  ASSERT_EQ(d.history.size(), 4u);
  EXPECT_EQ(d.history[2].event, "commit");
  EXPECT_EQ(d.history[2].to_state, "committed");
  EXPECT_EQ(d.history[3].event, "approve");
  EXPECT_EQ(d.history[3].from_state, "committed");
  EXPECT_EQ(d.history[3].to_state, "materials_due");
  EXPECT_EQ(d.history[3].actor, "system");
  // The commitment deadline is gone; the materials deadline is 20 working days after approval.
  ASSERT_EQ(Kinds(d), std::vector<std::string>{"materials_deadline"});
  EXPECT_EQ(FormatInstant(d.deadlines[0].due_at), "2026-03-30T15:59:59.999Z");
}

TEST_F(Lifecycle, CommitWithoutEveryUpfrontMaterialIsRefusedWithTheMissingList) {
  auto app = Ok(h.Create(kHygiene), "issue_notice");
  Status s = Refused(app, "commit", Code::kIncomplete, Commit({"application_form"}));
  ASSERT_EQ(s.details().at("missing"), std::vector<std::string>{"floor_plan"});
  Refused(app, "commit", Code::kInvalidArgument, Commit({"application_form", "no_such_thing"}));
  EventData unsigned_commit = Commit({"application_form", "floor_plan"});
  unsigned_commit.signer.clear();
  Refused(app, "commit", Code::kInvalidArgument, unsigned_commit);
}

TEST_F(Lifecycle, WithoutDeferredMaterialsTheApprovalGoesStraightToVerification) {
  h.handler.department = "hrss";
  auto app = ToApproved(kHr);
  EXPECT_EQ(app.state, "under_verification");
  EXPECT_EQ(Kinds(h.Detail(app.id)), std::vector<std::string>{"verification_deadline"});
}

TEST_F(Lifecycle, AHandlerDecidesByHandAndWithoutVerificationTheApprovalStays) {
  h.handler.department = "hrss";
  auto app = ToApproved(kDispatch);
  EXPECT_EQ(app.state, "committed");
  EXPECT_TRUE(app.permit_number.empty());
  app = Ok(app, "approve");
  EXPECT_EQ(app.state, "approved");
  EXPECT_FALSE(app.permit_number.empty());
  EXPECT_TRUE(h.Detail(app.id).deadlines.empty());
  Refused(app, "approve", Code::kInvalidTransition);
}

TEST_F(Lifecycle, MaterialsAcceptedThenVerifiedConfirmed) {
  auto app = Ok(ToApproved(kHygiene), "submit_materials", Materials({"hygiene_report"}));
  EXPECT_EQ(app.state, "materials_review");
  EXPECT_TRUE(h.Detail(app.id).deadlines.empty());
  app = Ok(app, "accept_materials");
  EXPECT_EQ(app.state, "under_verification");
  EXPECT_EQ(Kinds(h.Detail(app.id)), std::vector<std::string>{"verification_deadline"});
  app = Ok(app, "verify", Verify("confirmed"));
  EXPECT_EQ(app.state, "verified");
  EXPECT_TRUE(h.Detail(app.id).deadlines.empty());
  auto subject = h.store().Subject(kUscc);
  ASSERT_TRUE(subject.ok());
  EXPECT_TRUE(subject->credit_records.empty());
  ASSERT_EQ(subject->permits.size(), 1u);
}

TEST_F(Lifecycle, CorrectionRoundTripThenAcceptance) {
  auto app = Ok(ToApproved(kHygiene), "submit_materials", Materials({"hygiene_report"}));
  EventData defects;
  defects.defects = {"检测报告缺少盖章", "检测日期早于开业日期"};
  app = Ok(app, "request_correction", defects);
  EXPECT_EQ(app.state, "correction_due");
  EXPECT_EQ(Kinds(h.Detail(app.id)), std::vector<std::string>{"correction_deadline"});
  app = Ok(app, "submit_materials", Materials({"hygiene_report"}));
  EXPECT_EQ(app.state, "materials_review");
  EXPECT_TRUE(h.Detail(app.id).deadlines.empty());
  Refused(app, "request_correction", Code::kInvalidArgument);  // no defects listed
}

TEST_F(Lifecycle, RejectedMaterialsRevokeAndWriteCreditThatBarsThisItemOnly) {
  auto app = Ok(ToApproved(kHygiene), "submit_materials", Materials({"hygiene_report"}));
  app = Ok(app, "reject_materials");
  EXPECT_EQ(app.state, "revoked");
  auto subject = h.store().Subject(kUscc);
  ASSERT_TRUE(subject.ok());
  ASSERT_EQ(subject->credit_records.size(), 1u);
  EXPECT_EQ(subject->credit_records[0].kind, "materials_noncompliant");
  EXPECT_EQ(subject->credit_records[0].item_code, kHygiene);
  EXPECT_EQ(subject->credit_records[0].application_id, app.id);
  EXPECT_EQ(subject->credit_records[0].legal_basis, "《公共场所卫生管理条例》第八条");

  auto again = Ok(h.Create(kHygiene), "issue_notice");
  EXPECT_EQ(again.state, "ordinary_review");
  EXPECT_EQ(again.note, "broken_promise_for_item");
  EXPECT_TRUE(again.notice_number.empty());
  EXPECT_EQ(Kinds(h.Detail(again.id)), std::vector<std::string>{"review_deadline"});

  h.handler.department = "hrss";
  EXPECT_EQ(Ok(h.Create(kHr), "issue_notice").state, "awaiting_commitment");
}

TEST_F(Lifecycle, FalseCommitmentRevokesAndBarsTheWholeMethod) {
  auto app = Ok(Ok(ToApproved(kHygiene), "submit_materials", Materials({"hygiene_report"})),
                "accept_materials");
  app = Ok(app, "verify", Verify("false_commitment"));
  EXPECT_EQ(app.state, "revoked");
  auto subject = h.store().Subject(kUscc);
  ASSERT_EQ(subject->credit_records.size(), 1u);
  EXPECT_EQ(subject->credit_records[0].kind, "false_commitment");
  EXPECT_EQ(subject->credit_records[0].scope, "method");
  h.handler.department = "hrss";
  auto other = Ok(h.Create(kHr), "issue_notice");
  EXPECT_EQ(other.state, "ordinary_review");
  EXPECT_EQ(other.note, "credit_record");
}

TEST_F(Lifecycle, RectificationThenConfirmedOrFalse) {
  h.handler.department = "hrss";
  auto app = Ok(ToApproved(kHr), "verify", Verify("rectify"));
  EXPECT_EQ(app.state, "rectification_due");
  EXPECT_EQ(Kinds(h.Detail(app.id)), std::vector<std::string>{"rectification_deadline"});
  Refused(app, "verify", Code::kInvalidTransition, Verify("rectify"));
  EXPECT_EQ(Ok(app, "verify", Verify("confirmed")).state, "verified");

  auto second = Ok(ToApproved(kHr), "verify", Verify("rectify"));
  second = Ok(second, "verify", Verify("false_commitment"));
  EXPECT_EQ(second.state, "revoked");
  EXPECT_EQ(h.store().Subject(kUscc)->credit_records.back().kind, "false_commitment");
}

TEST_F(Lifecycle, VerifyNeedsAKnownResult) {
  h.handler.department = "hrss";
  auto app = ToApproved(kHr);
  Refused(app, "verify", Code::kInvalidArgument, Verify("maybe"));
}

TEST_F(Lifecycle, OrdinaryProcedureFromReceivedAndFromAwaitingCommitment) {
  auto a = Ok(h.Create(kHygiene), "choose_ordinary_procedure");
  EXPECT_EQ(a.state, "ordinary_review");
  EXPECT_EQ(a.route, "ordinary");
  auto d = h.Detail(a.id);
  ASSERT_EQ(Kinds(d), std::vector<std::string>{"review_deadline"});
  EXPECT_EQ(FormatInstant(d.deadlines[0].due_at), "2026-03-30T15:59:59.999Z");  // 20 working days

  auto b = Ok(Ok(h.Create(kHygiene), "issue_notice"), "choose_ordinary_procedure");
  EXPECT_EQ(b.state, "ordinary_review");
  EXPECT_EQ(Kinds(h.Detail(b.id)), std::vector<std::string>{"review_deadline"});

  // After the ordinary procedure an approval simply stays approved: no deferred materials asked.
  a = Ok(a, "decide", Decision("approve"));
  EXPECT_EQ(a.state, "approved");
  EXPECT_FALSE(a.permit_number.empty());
  EXPECT_TRUE(h.Detail(a.id).deadlines.empty());

  Refused(b, "decide", Code::kInvalidArgument, Decision("reject"));  // a rejection needs a reason
  b = Ok(b, "decide", Decision("reject", "场所不符合卫生要求"));
  EXPECT_EQ(b.state, "rejected");
  EXPECT_TRUE(b.permit_number.empty());
}

TEST_F(Lifecycle, ListedEnterprisesGoToTheOrdinaryProcedure) {
  ASSERT_TRUE(h.store().PutFlags(kUscc, {{"abnormal_operation", "2026-01-05", "市场监管局"}}).ok());
  auto app = Ok(h.Create(kHygiene), "issue_notice");
  EXPECT_EQ(app.state, "ordinary_review");
  EXPECT_EQ(app.note, "abnormal_operation");
  EXPECT_EQ(h.Detail(app.id).history.back().note, "commitment method closed: abnormal_operation");
  ASSERT_TRUE(h.store().PutFlags(kUscc, {}).ok());
  EXPECT_EQ(Ok(h.Create(kHygiene), "issue_notice").state, "awaiting_commitment");
}

TEST_F(Lifecycle, WithdrawIsOpenUntilTheDecision) {
  EXPECT_EQ(Ok(h.Create(kHygiene), "withdraw").state, "withdrawn");
  auto waiting = Ok(h.Create(kHygiene), "issue_notice");
  waiting = Ok(waiting, "withdraw");
  EXPECT_EQ(waiting.state, "withdrawn");
  EXPECT_TRUE(h.Detail(waiting.id).deadlines.empty());
  h.handler.department = "hrss";
  auto committed = ToApproved(kDispatch);
  EXPECT_EQ(Ok(committed, "withdraw").state, "withdrawn");
  Refused(ToApproved(kHr), "withdraw", Code::kInvalidTransition);
}

TEST_F(Lifecycle, AnEventTheStateDoesNotAcceptNamesStateAndEvent) {
  auto app = h.Create(kHygiene);
  Status s = Refused(app, "accept_materials", Code::kInvalidTransition);
  EXPECT_EQ(s.details().at("state"), std::vector<std::string>{"received"});
  EXPECT_EQ(s.details().at("event"), std::vector<std::string>{"accept_materials"});
  EXPECT_NE(s.message().find("received"), std::string::npos);
  Refused(app, "fly_to_the_moon", Code::kInvalidTransition);
  Refused(app, "commit", Code::kInvalidTransition, Commit({"application_form", "floor_plan"}));
}

TEST_F(Lifecycle, UnknownIdentifiersAndItemsAreRefused) {
  Application ghost;
  ghost.id = 4242;
  EXPECT_EQ(h.Fire(ghost, "issue_notice").status().code(), Code::kNotFound);
  NewApplication bad{"no_such_item", {"enterprise", kUscc, "x"}, "{}", {}};
  EXPECT_EQ(h.engine().Create(bad, h.handler, nullptr).status().code(), Code::kUnknownItem);
  NewApplication bad_uscc{kHygiene, {"enterprise", "91350100M000100Y44", "x"}, "{}", {}};
  EXPECT_EQ(h.engine().Create(bad_uscc, h.handler, nullptr).status().code(),
            Code::kInvalidIdentifier);
  NewApplication person{kHygiene, {"person", "11010519491231002X", "李四"}, "{}", {}};
  EXPECT_TRUE(h.engine().Create(person, h.handler, nullptr).ok());
  auto list = h.store().List(ApplicationQuery{});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

TEST_F(Lifecycle, AStaleVersionIsAConflictAndChangesNothing) {
  auto app = h.Create(kHygiene);
  Application stale = app;
  stale.version = app.version + 1;
  Refused(stale, "issue_notice", Code::kConflict);
}

TEST_F(Lifecycle, TwoHandlersOnOneApplicationExactlyOneWins) {
  for (int round = 0; round < 20; ++round) {
    auto app = Ok(h.Create(kHygiene), "issue_notice");
    std::atomic<int> wins{0}, conflicts{0};
    auto attempt = [&](const std::string& event) {
      auto r = h.Fire(app, event,
                      event == "commit" ? Commit({"application_form", "floor_plan"}) : EventData{});
      if (r.ok())
        ++wins;
      else if (r.status().code() == Code::kConflict)
        ++conflicts;
    };
    std::thread a(attempt, "commit"), b(attempt, "withdraw");
    a.join();
    b.join();
    EXPECT_EQ(wins.load(), 1);
    EXPECT_EQ(conflicts.load(), 1);
    const auto d = h.Detail(app.id);
    EXPECT_EQ(d.app.version, app.version + 1);
    EXPECT_TRUE(d.app.state == "withdrawn" || d.app.state == "materials_due") << d.app.state;
  }
}

TEST_F(Lifecycle, SurvivesARestartInTheMiddle) {
  auto app = ToApproved(kHygiene);
  h.Reopen();
  auto loaded = h.store().Load(app.id);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->state, "materials_due");
  EXPECT_EQ(loaded->materials, (std::vector<std::string>{"application_form", "floor_plan"}));
  app = Ok(loaded.value(), "submit_materials", Materials({"hygiene_report"}));
  h.Reopen();
  app = Ok(h.store().Load(app.id).value(), "accept_materials");
  h.Reopen();
  app = Ok(h.store().Load(app.id).value(), "verify", Verify("confirmed"));
  EXPECT_EQ(app.state, "verified");
  const auto d = h.Detail(app.id);
  std::vector<std::string> events;
  for (const auto& row : d.history) events.push_back(row.event);
  EXPECT_EQ(events, (std::vector<std::string>{"create", "issue_notice", "commit", "approve",
                                              "submit_materials", "accept_materials", "verify"}));
  for (size_t i = 0; i < d.history.size(); ++i)
    EXPECT_EQ(d.history[i].seq, static_cast<int>(i) + 1);
}

}  // namespace
}  // namespace permitflow
