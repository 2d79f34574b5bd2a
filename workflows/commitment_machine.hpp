// The 告知承诺 (commitment) lifecycle as a Boost.MSM machine, and the runner that rebuilds it in a
// stored state, processes one event and collects what changed. The transition table is a template
// parameter so that a test can reorder it and prove stored states still load by name.
// Include this header first in a translation unit: it sets MPL limits before Boost is included.
// Only commitment_workflow.cpp and its test include it (MSM is slow to compile).
// A Runner is stateless; every Run() builds its own machine, so it is safe from any thread.
#pragma once

#ifndef BOOST_MPL_CFG_NO_PREPROCESSED_HEADERS
#define BOOST_MPL_CFG_NO_PREPROCESSED_HEADERS
#endif
#ifndef BOOST_MPL_LIMIT_VECTOR_SIZE
#define BOOST_MPL_LIMIT_VECTOR_SIZE 40
#endif
#ifndef BOOST_MPL_LIMIT_MAP_SIZE
#define BOOST_MPL_LIMIT_MAP_SIZE 40
#endif

#include <algorithm>
#include <boost/mpl/for_each.hpp>
#include <boost/mpl/vector.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>
#include <map>
#include <string>
#include <vector>

#include "engine/workflow.hpp"

namespace permitflow {
namespace commitment {

namespace msmf = boost::msm::front;
namespace mpl = boost::mpl;

// What one step works on: the context in, the working copy of the row and the effects out.
struct Step {
  const StepContext* ctx = nullptr;
  const EventData* data = nullptr;
  Application app;
  std::vector<Effect> effects;
  std::vector<std::string> follow_ups;  // events the system processes next, as its own rows
  std::string note;                     // for the history row of the event being processed
  Status error;                         // set by an action that refuses: the step is discarded
};

void Arm(Step& s, const char* kind, const Duration& d, Instant from);
void Cancel(Step& s, const char* kind);
bool VerificationSelected(const Step& s);
std::vector<std::string> OutstandingDeferred(const Step& s);
// Adds the named materials to the row; refuses ids the item does not list.
bool AddMaterials(Step& s, const std::vector<std::string>& ids);

// ---- events ----
#define PF_EVENT(Type, name)                   \
  struct Type {                                \
    static constexpr const char* kName = name; \
  }
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
#undef PF_EVENT

// ---- states ----
#define PF_STATE(Type, name)                   \
  struct Type : msmf::state<> {                \
    static constexpr const char* kName = name; \
  }
PF_STATE(Received, "received");
PF_STATE(MaterialsReview, "materials_review");
PF_STATE(Approved, "approved");
PF_STATE(Verified, "verified");
PF_STATE(Revoked, "revoked");
PF_STATE(Rejected, "rejected");
PF_STATE(Withdrawn, "withdrawn");
#undef PF_STATE

// A state that arms its deadline on entry and cancels it on exit. Derived supplies kName, kTimer
// and Enter(Step&), which arms the timer and does whatever else entering means.
template <class Derived>
struct TimedState : msmf::state<> {
  template <class E, class Fsm>
  void on_entry(const E&, Fsm& fsm) {
    Derived::Enter(*fsm.step);
  }
  template <class E, class Fsm>
  void on_exit(const E&, Fsm& fsm) {
    Cancel(*fsm.step, Derived::kTimer);
  }
};

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
#define PF_ACTION(Type)                                 \
  struct Type {                                         \
    template <class E, class Fsm, class S, class T>     \
    void operator()(const E&, Fsm& fsm, S&, T&) const { \
      Do(*fsm.step);                                    \
    }                                                   \
    static void Do(Step& s);                            \
  }
#define PF_GUARD(Type)                                  \
  struct Type {                                         \
    template <class E, class Fsm, class S, class T>     \
    bool operator()(const E&, Fsm& fsm, S&, T&) const { \
      return Test(*fsm.step);                           \
    }                                                   \
    static bool Test(const Step& s);                    \
  }
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
#undef PF_ACTION
#undef PF_GUARD

// The authority missed its own deadline: an escalation record, and the state stays.
struct Escalate {
  template <class E, class Fsm, class S, class T>
  void operator()(const E&, Fsm& fsm, S&, T&) const {
    Do(*fsm.step, E::kName);
  }
  static void Do(Step& s, const char* kind);
};

using msmf::none;
using msmf::Row;

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
struct Front : msmf::state_machine_def<Front<TransitionTable>> {
  using initial_state = Received;
  using transition_table = TransitionTable;
  Step* step = nullptr;

  // An event the state does not accept: reported by Run() from the HandledEnum, never asserted.
  template <class Fsm, class E>
  void no_transition(const E&, Fsm&, int) {}
  template <class Fsm, class E>
  void exception_caught(const E&, Fsm& fsm, std::exception& e) {
    fsm.step->error = Status::Error(
        Code::kInternal, std::string("workflow action failed: ") + e.what(), "流程处理出错");
  }
};

// MSM's own serialize() reads and writes the active state ids through an archive; this one moves
// only the state id in or out, so a restore runs no entry action.
class StateIdArchive {
 public:
  StateIdArchive(bool loading, int id) : loading_(loading), id_(id) {}
  template <class T>
  StateIdArchive& operator&(T&) {
    return *this;
  }
  StateIdArchive& operator&(int (&states)[1]) {
    if (loading_)
      states[0] = id_;
    else
      id_ = states[0];
    return *this;
  }
  int id() const { return id_; }

 private:
  bool loading_;
  int id_;
};

template <class TransitionTable>
class Runner {
 public:
  using Machine = boost::msm::back::state_machine<Front<TransitionTable>>;

  Runner() {
    using States = typename boost::msm::back::generate_state_set<typename Machine::stt>::type;
    mpl::for_each<States, boost::msm::wrap<mpl::placeholders::_1>>(Collect{this});
  }

  int IdOf(const std::string& name) const {
    auto it = ids_.find(name);
    return it == ids_.end() ? -1 : it->second;
  }
  std::string NameOf(int id) const {
    auto it = names_.find(id);
    return it == names_.end() ? "" : it->second;
  }
  std::vector<std::string> StateNames() const {
    std::vector<std::string> out;
    for (const auto& [name, id] : ids_) out.push_back(name);
    return out;
  }

  // Rebuilds the machine in the stored state (no entry action runs) and processes one event.
  Result<StepResult> Run(const Application& app, const Event& event, const StepContext& ctx) const {
    const int id = IdOf(app.state);
    if (id < 0) {
      return Status::Error(Code::kInternal, "stored state " + app.state + " is unknown",
                           "办件状态 " + app.state + " 无法识别");
    }
    Step step;
    step.ctx = &ctx;
    step.data = &event.data;
    step.app = app;
    Machine sm;
    sm.step = &step;
    StateIdArchive in(true, id);
    sm.serialize(in, 0);

    StepResult out;
    Status s = Dispatch(sm, step, event.name, ctx.actor.name, event.payload_json, &out);
    if (!s.ok()) return s;
    // System follow-ups (approve on the spot) are events of their own, with their own rows.
    while (!step.follow_ups.empty()) {
      const std::string next = step.follow_ups.front();
      step.follow_ups.erase(step.follow_ups.begin());
      s = Dispatch(sm, step, next, Actor::System().name, "{}", &out);
      if (!s.ok()) return s;
    }
    out.app = std::move(step.app);
    out.effects = std::move(step.effects);
    return out;
  }

 private:
  struct Collect {
    Runner* self;
    template <class S>
    void operator()(const boost::msm::wrap<S>&) const {
      const int id = boost::msm::back::get_state_id<typename Machine::stt, S>::value;
      self->ids_[S::kName] = id;
      self->names_[id] = S::kName;
    }
  };

  int CurrentId(Machine& sm) const {
    StateIdArchive outv(false, -1);
    sm.serialize(outv, 0);
    return outv.id();
  }

  template <class E>
  static boost::msm::back::HandledEnum Fire(Machine& sm) {
    return sm.process_event(E());
  }

  Status Dispatch(Machine& sm, Step& step, const std::string& name, const std::string& actor,
                  const std::string& payload, StepResult* out) const {
    using Fn = boost::msm::back::HandledEnum (*)(Machine&);
    static const std::map<std::string, Fn> kEvents = {
        {IssueNotice::kName, &Fire<IssueNotice>},
        {ChooseOrdinary::kName, &Fire<ChooseOrdinary>},
        {CommitEv::kName, &Fire<CommitEv>},
        {Approve::kName, &Fire<Approve>},
        {SubmitMaterials::kName, &Fire<SubmitMaterials>},
        {AcceptMaterials::kName, &Fire<AcceptMaterials>},
        {RequestCorrection::kName, &Fire<RequestCorrection>},
        {RejectMaterials::kName, &Fire<RejectMaterials>},
        {Verify::kName, &Fire<Verify>},
        {Decide::kName, &Fire<Decide>},
        {Withdraw::kName, &Fire<Withdraw>},
        {CommitmentDeadline::kName, &Fire<CommitmentDeadline>},
        {MaterialsDeadline::kName, &Fire<MaterialsDeadline>},
        {CorrectionDeadline::kName, &Fire<CorrectionDeadline>},
        {VerificationDeadline::kName, &Fire<VerificationDeadline>},
        {RectificationDeadline::kName, &Fire<RectificationDeadline>},
        {ReviewDeadline::kName, &Fire<ReviewDeadline>},
    };
    const std::string from = NameOf(CurrentId(sm));
    auto it = kEvents.find(name);
    const auto handled = it == kEvents.end() ? boost::msm::back::HANDLED_FALSE : it->second(sm);
    if (!step.error.ok()) return step.error;
    if (handled != boost::msm::back::HANDLED_TRUE) {
      return Status::Error(
          Code::kInvalidTransition, "state " + from + " does not accept event " + name,
          "当前状态 " + from + " 不能执行操作 " + name, {{"state", {from}}, {"event", {name}}});
    }
    HistoryEntry h;
    h.event = name;
    h.from_state = from;
    step.app.state = h.to_state = NameOf(CurrentId(sm));
    h.actor = actor;
    h.at = step.ctx->now;
    h.payload_json = payload;
    h.note = std::move(step.note);
    out->history.push_back(std::move(h));
    step.note.clear();
    return Status::Ok();
  }

  std::map<std::string, int> ids_;
  std::map<int, std::string> names_;
};

}  // namespace commitment
}  // namespace permitflow
