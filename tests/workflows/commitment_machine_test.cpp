// The commitment machine alone: restoring by name, entry actions, the transition matrix.
#include "workflows/commitment_machine.hpp"

#include <gtest/gtest.h>

#include <set>

#include "tests/support/harness.hpp"

namespace permitflow {
namespace commitment {
namespace {

// The canonical rows in reverse order: MSM numbers states by their first appearance in the table,
// so this machine gives most states other ids than the canonical one.
using Reordered =
    mpl::vector<Row<Committed, Withdraw, Withdrawn, none, none>,
                Row<AwaitingCommitment, Withdraw, Withdrawn, none, none>,
                Row<Received, Withdraw, Withdrawn, none, none>,
                Row<OrdinaryReview, Decide, Rejected, none, DecisionReject>,
                Row<OrdinaryReview, Decide, Approved, IssuePermit, DecisionApprove>,
                Row<RectificationDue, Verify, Revoked, CreditFalseCommitment, ResultFalse>,
                Row<RectificationDue, Verify, Verified, none, ResultConfirmed>,
                Row<UnderVerification, Verify, RectificationDue, none, ResultRectify>,
                Row<UnderVerification, Verify, Revoked, CreditFalseCommitment, ResultFalse>,
                Row<UnderVerification, Verify, Verified, none, ResultConfirmed>,
                Row<CorrectionDue, SubmitMaterials, MaterialsReview, RecordMaterials, none>,
                Row<MaterialsReview, RejectMaterials, Revoked, CreditNoncompliant, none>,
                Row<MaterialsReview, RequestCorrection, CorrectionDue, none, none>,
                Row<MaterialsReview, AcceptMaterials, Approved, none, none>,
                Row<MaterialsDue, SubmitMaterials, MaterialsReview, RecordMaterials, none>,
                Row<Approved, none, UnderVerification, none, NeedsVerification>,
                Row<Approved, none, MaterialsDue, none, NeedsMaterials>,
                Row<Committed, Approve, Approved, IssuePermit, none>,
                Row<AwaitingCommitment, CommitEv, Committed, RecordCommitment, none>,
                Row<AwaitingCommitment, ChooseOrdinary, OrdinaryReview, none, none>,
                Row<Received, ChooseOrdinary, OrdinaryReview, none, none>,
                Row<Received, IssueNotice, OrdinaryReview, RecordIneligible, NotEligible>,
                Row<Received, IssueNotice, AwaitingCommitment, TakeCommitmentRoute, Eligible>>;

const std::vector<std::string> kStates = {"received",          "awaiting_commitment",
                                          "committed",         "approved",
                                          "materials_due",     "materials_review",
                                          "correction_due",    "under_verification",
                                          "rectification_due", "verified",
                                          "revoked",           "ordinary_review",
                                          "rejected",          "withdrawn"};

const std::vector<std::string> kEvents = {"issue_notice",
                                          "choose_ordinary_procedure",
                                          "commit",
                                          "approve",
                                          "submit_materials",
                                          "accept_materials",
                                          "request_correction",
                                          "reject_materials",
                                          "verify",
                                          "decide",
                                          "withdraw"};

// (state, event) pairs the table accepts, with data that satisfies the guards.
const std::set<std::pair<std::string, std::string>> kAccepted = {
    {"received", "issue_notice"},
    {"received", "choose_ordinary_procedure"},
    {"awaiting_commitment", "choose_ordinary_procedure"},
    {"awaiting_commitment", "commit"},
    {"committed", "approve"},
    {"materials_due", "submit_materials"},
    {"materials_review", "accept_materials"},
    {"materials_review", "request_correction"},
    {"materials_review", "reject_materials"},
    {"correction_due", "submit_materials"},
    {"under_verification", "verify"},
    {"rectification_due", "verify"},
    {"ordinary_review", "decide"},
    {"received", "withdraw"},
    {"awaiting_commitment", "withdraw"},
    {"committed", "withdraw"}};

class Machine : public ::testing::Test {
 protected:
  Machine() {
    auto loaded = LoadCalendarFolder(SourcePath("config/calendar"));
    calendar = loaded.value();
    item = harness.catalogue().Find("public_place_hygiene", 0);
  }
  Application InState(const std::string& state) {
    Application a;
    a.id = 7;
    a.item_code = item->code;
    a.department = item->approving_department;
    a.state = state;
    a.route = "commitment";
    a.materials = {"application_form", "floor_plan"};
    a.decided_at = At("2026-03-02T02:00:00Z");
    return a;
  }
  Event E(const std::string& name) {
    Event e{name, {}, "{}"};
    e.data.signer = "张三";
    e.data.materials = {"hygiene_report"};
    e.data.defects = {"缺页"};
    e.data.result = "confirmed";
    e.data.decision = "approve";
    e.data.reason = "符合条件";
    return e;
  }
  template <class Table>
  Result<StepResult> Run(const Runner<Front<Table>, Events>& r, const std::string& state,
                         const std::string& ev) {
    StepContext ctx{*item, calendar, At("2026-03-04T02:00:00Z"), Actor{"t", "handler", "health"},
                    ""};
    return r.Run(InState(state), E(ev), ctx);
  }

  Harness harness;  // for the bundled catalogue's items
  std::shared_ptr<const ItemDefinition> item;
  WorkingCalendar calendar;
  CommitmentRunner<Table> canonical;
  CommitmentRunner<Reordered> reordered;
};

TEST_F(Machine, EveryStateNameRoundTripsThroughTheMachine) {
  std::vector<std::string> names = canonical.StateNames();
  std::sort(names.begin(), names.end());
  std::vector<std::string> expected = kStates;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names, expected);
  for (const auto& s : kStates) {
    const int id = canonical.IdOf(s);
    ASSERT_GE(id, 0) << s;
    EXPECT_EQ(canonical.NameOf(id), s);
    // Restore into a machine with MSM's own serialize() and read the id back out.
    CommitmentRunner<Table>::Machine sm;
    StateIdArchive in(true, id);
    sm.serialize(in, 0);
    StateIdArchive out(false, -1);
    sm.serialize(out, 0);
    EXPECT_EQ(out.id(), id) << s;
    EXPECT_EQ(sm.current_state()[0], id) << s;
  }
}

TEST_F(Machine, ReorderingTheTableRenumbersStatesButStoredNamesStillLoad) {
  int renumbered = 0;
  for (const auto& s : kStates)
    if (canonical.IdOf(s) != reordered.IdOf(s)) ++renumbered;
  EXPECT_GT(renumbered, 5);  // the integer ids would have been wrong for these
  for (const auto& [state, event] : kAccepted) {
    auto a = Run(canonical, state, event);
    auto b = Run(reordered, state, event);
    ASSERT_TRUE(a.ok()) << state << " " << event << ": " << a.status().message();
    ASSERT_TRUE(b.ok()) << state << " " << event << ": " << b.status().message();
    EXPECT_EQ(a->app.state, b->app.state) << state << " " << event;
    EXPECT_EQ(a->history.size(), b->history.size());
    EXPECT_EQ(a->effects.size(), b->effects.size());
  }
}

TEST_F(Machine, RestoringRunsNoEntryAction) {
  // Restored in awaiting_commitment, a withdraw only exits: had the entry run again, a second
  // notice number and a second commitment deadline would appear among the effects.
  auto r = Run(canonical, "awaiting_commitment", "withdraw");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->effects.size(), 1u);
  const auto* cancel = std::get_if<CancelTimer>(&r->effects[0]);
  ASSERT_NE(cancel, nullptr);
  EXPECT_EQ(cancel->kind, "commitment_deadline");
  EXPECT_EQ(r->app.state, "withdrawn");
}

TEST_F(Machine, EveryStateRefusesEveryEventOutsideTheTable) {
  for (const auto& state : kStates) {
    for (const auto& event : kEvents) {
      if (kAccepted.count({state, event})) continue;
      auto r = Run(canonical, state, event);
      ASSERT_FALSE(r.ok()) << state << " accepted " << event;
      EXPECT_EQ(r.status().code(), Code::kInvalidTransition) << state << " " << event;
      EXPECT_EQ(r.status().details().at("state"), std::vector<std::string>{state});
      EXPECT_EQ(r.status().details().at("event"), std::vector<std::string>{event});
    }
  }
}

TEST_F(Machine, IneligibleApplicantsTakeTheOrdinaryRouteWithTheReason) {
  StepContext ctx{*item, calendar, At("2026-03-04T02:00:00Z"), Actor{"t", "handler", "health"},
                  "serious_dishonesty"};
  auto app = InState("received");
  app.route.clear();
  auto r = canonical.Run(app, E("issue_notice"), ctx);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->app.state, "ordinary_review");
  EXPECT_EQ(r->app.route, "ordinary");
  EXPECT_EQ(r->app.note, "serious_dishonesty");
  for (const auto& e : r->effects) EXPECT_EQ(std::get_if<IssueNumber>(&e), nullptr);
}

TEST_F(Machine, PartlySubmittedDeferredMaterialsReturnToMaterialsDue) {
  ItemDefinition two = *item;
  two.materials.push_back({"staff_health",
                           "从业人员健康证明",
                           MaterialSpec::When::kDeferred,
                           {10, Duration::Unit::kWorkingDays},
                           std::nullopt});
  StepContext ctx{two, calendar, At("2026-03-04T02:00:00Z"), Actor{"t", "handler", "health"}, ""};
  auto app = InState("materials_review");
  app.materials.push_back("hygiene_report");
  auto r = canonical.Run(app, E("accept_materials"), ctx);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->app.state, "materials_due");
  // The deadline is the outstanding material's own: 10 working days after the decision.
  bool armed = false;
  for (const auto& e : r->effects) {
    if (const auto* arm = std::get_if<ArmTimer>(&e)) {
      armed = true;
      EXPECT_EQ(FormatInstant(arm->due_at), "2026-03-16T15:59:59.999Z");
    }
  }
  EXPECT_TRUE(armed);
}

}  // namespace
}  // namespace commitment
}  // namespace permitflow
