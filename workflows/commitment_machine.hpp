// The 告知承诺 (commitment) lifecycle as a Boost.MSM machine. The transition table is a template
// parameter of the front-end so that a test can reorder it and prove stored states load by name.
// Only commitment_workflow.cpp and its test include this header (MSM is slow to compile).
#pragma once

#include "workflows/machine_support.hpp"

namespace permitflow {
namespace commitment {

using namespace machine;  // NOLINT: the machine vocabulary (Step, TimedState, Row, ...)
using machine::msmf::none;
using machine::msmf::Row;

bool VerificationSelected(const Step& s);
std::vector<std::string> OutstandingDeferred(const Step& s);

// ---- events ----
PF_EVENT(IssueNotice, "issue_notice");
PF_EVENT(ChooseOrdinary, "choose_ordinary_procedure");
PF_EVENT(CommitEv, "commit");
PF_EVENT(Approve, "approve");
PF_EVENT(SubmitMaterials, "submit_materials");
PF_EVENT(AcceptMaterials, "accept_materials");
PF_EVENT(RequestCorrection, "request_correction");
PF_EVENT(RejectMaterials, "reject_materials");
PF_EVENT(Verify, "verify");
PF_EVENT(Decide, "decide");
PF_EVENT(Withdraw, "withdraw");
// Deadlines: fired by the engine's timer service only, never by a person.
PF_EVENT(CommitmentDeadline, "commitment_deadline");
PF_EVENT(MaterialsDeadline, "materials_deadline");
PF_EVENT(CorrectionDeadline, "correction_deadline");
PF_EVENT(VerificationDeadline, "verification_deadline");
PF_EVENT(RectificationDeadline, "rectification_deadline");
PF_EVENT(ReviewDeadline, "review_deadline");

// ---- states ----
PF_STATE(Received, "received");
PF_STATE(MaterialsReview, "materials_review");
PF_STATE(Approved, "approved");
PF_STATE(Verified, "verified");
PF_STATE(Revoked, "revoked");
PF_STATE(Rejected, "rejected");
PF_STATE(Withdrawn, "withdrawn");

struct AwaitingCommitment : TimedState<AwaitingCommitment> {
  static constexpr const char* kName = "awaiting_commitment";
  static constexpr const char* kTimer = "commitment_deadline";
  static void Enter(Step& s) {
    s.effects.push_back(IssueNumber{IssueNumber::Kind::kNotice, LocalDate(s.ctx->now).year});
    Arm(s, kTimer, s.ctx->item.commitment_window, s.ctx->now);
  }
};

struct Committed : msmf::state<> {
  static constexpr const char* kName = "committed";
  template <class E, class Fsm>
  void on_entry(const E&, Fsm& fsm) {
    if (fsm.step->ctx->item.decide_on_commit) fsm.step->follow_ups.push_back(Approve::kName);
  }
};

struct MaterialsDue : TimedState<MaterialsDue> {
  static constexpr const char* kName = "materials_due";
  static constexpr const char* kTimer = "materials_deadline";
  static void Enter(Step& s);
};

struct CorrectionDue : TimedState<CorrectionDue> {
  static constexpr const char* kName = "correction_due";
  static constexpr const char* kTimer = "correction_deadline";
  static void Enter(Step& s) { Arm(s, kTimer, s.ctx->item.correction_window, s.ctx->now); }
};

struct UnderVerification : TimedState<UnderVerification> {
  static constexpr const char* kName = "under_verification";
  static constexpr const char* kTimer = "verification_deadline";
  static void Enter(Step& s) { Arm(s, kTimer, s.ctx->item.verification.within, s.ctx->now); }
};

struct RectificationDue : TimedState<RectificationDue> {
  static constexpr const char* kName = "rectification_due";
  static constexpr const char* kTimer = "rectification_deadline";
  static void Enter(Step& s) { Arm(s, kTimer, s.ctx->item.rectification_window, s.ctx->now); }
};

struct OrdinaryReview : TimedState<OrdinaryReview> {
  static constexpr const char* kName = "ordinary_review";
  static constexpr const char* kTimer = "review_deadline";
  static void Enter(Step& s) {
    s.app.route = "ordinary";
    Arm(s, kTimer, s.ctx->item.statutory_time_limit, s.ctx->now);
  }
};

// ---- actions and guards: (event, fsm, source, target) ----
PF_ACTION(TakeCommitmentRoute);
PF_ACTION(RecordIneligible);
PF_ACTION(RecordCommitment);
PF_ACTION(IssuePermit);
PF_ACTION(RecordMaterials);
PF_ACTION(CreditNoncompliant);
PF_ACTION(CreditFalseCommitment);
PF_ACTION(NoteNoCommitment);
PF_ACTION(CreditMaterialsOverdue);
PF_ACTION(CreditRectificationFailed);
PF_GUARD(Eligible);
PF_GUARD(NotEligible);
PF_GUARD(NeedsMaterials);
PF_GUARD(NeedsVerification);
PF_GUARD(ResultConfirmed);
PF_GUARD(ResultFalse);
PF_GUARD(ResultRectify);
PF_GUARD(DecisionApprove);
PF_GUARD(DecisionReject);

// The authority missed its own deadline: an escalation record, and the state stays.
struct Escalate {
  template <class E, class Fsm, class S, class T>
  void operator()(const E&, Fsm& fsm, S&, T&) const {
    Do(*fsm.step, E::kName);
  }
  static void Do(Step& s, const char* kind);
};

// The canonical table. Each row: source, event, target, action, guard.
using Table = mpl::vector<
    Row<Received, IssueNotice, AwaitingCommitment, TakeCommitmentRoute, Eligible>,
    Row<Received, IssueNotice, OrdinaryReview, RecordIneligible, NotEligible>,
    Row<Received, ChooseOrdinary, OrdinaryReview, none, none>,
    Row<AwaitingCommitment, ChooseOrdinary, OrdinaryReview, none, none>,
    Row<AwaitingCommitment, CommitEv, Committed, RecordCommitment, none>,
    Row<Committed, Approve, Approved, IssuePermit, none>,
    Row<Approved, none, MaterialsDue, none, NeedsMaterials>,
    Row<Approved, none, UnderVerification, none, NeedsVerification>,
    Row<MaterialsDue, SubmitMaterials, MaterialsReview, RecordMaterials, none>,
    Row<MaterialsReview, AcceptMaterials, Approved, none, none>,
    Row<MaterialsReview, RequestCorrection, CorrectionDue, none, none>,
    Row<MaterialsReview, RejectMaterials, Revoked, CreditNoncompliant, none>,
    Row<CorrectionDue, SubmitMaterials, MaterialsReview, RecordMaterials, none>,
    Row<UnderVerification, Verify, Verified, none, ResultConfirmed>,
    Row<UnderVerification, Verify, Revoked, CreditFalseCommitment, ResultFalse>,
    Row<UnderVerification, Verify, RectificationDue, none, ResultRectify>,
    Row<RectificationDue, Verify, Verified, none, ResultConfirmed>,
    Row<RectificationDue, Verify, Revoked, CreditFalseCommitment, ResultFalse>,
    Row<OrdinaryReview, Decide, Approved, IssuePermit, DecisionApprove>,
    Row<OrdinaryReview, Decide, Rejected, none, DecisionReject>,
    Row<Received, Withdraw, Withdrawn, none, none>,
    Row<AwaitingCommitment, Withdraw, Withdrawn, none, none>,
    Row<Committed, Withdraw, Withdrawn, none, none>,
    Row<AwaitingCommitment, CommitmentDeadline, OrdinaryReview, NoteNoCommitment, none>,
    Row<MaterialsDue, MaterialsDeadline, Revoked, CreditMaterialsOverdue, none>,
    Row<CorrectionDue, CorrectionDeadline, Revoked, CreditNoncompliant, none>,
    Row<UnderVerification, VerificationDeadline, none, Escalate, none>,
    Row<RectificationDue, RectificationDeadline, Revoked, CreditRectificationFailed, none>,
    Row<OrdinaryReview, ReviewDeadline, none, Escalate, none>>;

// The timer kinds, which are also the events they fire.
inline const std::vector<std::string>& TimerKinds() {
  static const std::vector<std::string> kKinds = {
      CommitmentDeadline::kName,   MaterialsDeadline::kName,     CorrectionDeadline::kName,
      VerificationDeadline::kName, RectificationDeadline::kName, ReviewDeadline::kName};
  return kKinds;
}

template <class TransitionTable>
struct Front : FrontBase<Front<TransitionTable>> {
  using initial_state = Received;
  using transition_table = TransitionTable;
};

using Events = mpl::vector<IssueNotice, ChooseOrdinary, CommitEv, Approve, SubmitMaterials,
                           AcceptMaterials, RequestCorrection, RejectMaterials, Verify, Decide,
                           Withdraw, CommitmentDeadline, MaterialsDeadline, CorrectionDeadline,
                           VerificationDeadline, RectificationDeadline, ReviewDeadline>;

template <class TransitionTable>
using CommitmentRunner = Runner<Front<TransitionTable>, Events>;

}  // namespace commitment
}  // namespace permitflow
