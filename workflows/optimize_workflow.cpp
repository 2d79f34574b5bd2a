// 优化审批服务: ordinary approval that walks the review stages admins define per item, each with
// its own working-day time limit, under the statutory time limit. A correction (补正) lists every
// defect at once and pauses the statutory clock until the materials come back.
#include "workflows/machine_support.hpp"
#include "workflows/workflows.hpp"

namespace permitflow {
namespace optimize {

using namespace machine;  // NOLINT: the machine vocabulary
using machine::msmf::none;
using machine::msmf::Row;

PF_EVENT(Accept, "accept");
PF_EVENT(CompleteStage, "complete_stage");
PF_EVENT(RequestCorrection, "request_correction");
PF_EVENT(SubmitMaterials, "submit_materials");
PF_EVENT(Decide, "decide");
PF_EVENT(Withdraw, "withdraw");
PF_EVENT(StageDeadline, "stage_deadline");
PF_EVENT(ReviewDeadline, "review_deadline");

PF_STATE(Received, "received");
PF_STATE(AwaitingDecision, "awaiting_decision");
PF_STATE(CorrectionDue, "correction_due");
PF_STATE(Approved, "approved");
PF_STATE(Rejected, "rejected");
PF_STATE(Withdrawn, "withdrawn");

constexpr const char* kClock = "review_deadline";  // the statutory time limit

// The current stage's deadline is armed on entry and cancelled on exit; completing a stage is an
// external self-transition, so the next stage gets its own deadline.
struct UnderReview : TimedState<UnderReview> {
  static constexpr const char* kName = "under_review";
  static constexpr const char* kTimer = "stage_deadline";
  static void Enter(Step& s) {
    Arm(s, kTimer, s.ctx->item.review_stages.at(static_cast<size_t>(s.app.stage)).time_limit,
        s.ctx->now);
  }
};

PF_ACTION(StartClock);
PF_ACTION(NextStage);
PF_ACTION(PauseClock);
PF_ACTION(ResumeClock);
PF_ACTION(StopClock);
PF_ACTION(IssuePermit);
PF_ACTION(RecordMaterials);
PF_GUARD(HasStages);
PF_GUARD(NoStages);
PF_GUARD(MoreStages);
PF_GUARD(LastStage);
PF_GUARD(ClockRunning);
PF_GUARD(ClockNotStarted);
PF_GUARD(DecisionApprove);
PF_GUARD(DecisionReject);

struct Escalate {
  template <class E, class Fsm, class S, class T>
  void operator()(const E&, Fsm& fsm, S&, T&) const {
    Step& s = *fsm.step;
    s.note = std::string(E::kName) + " passed in state " + s.app.state;
    s.effects.push_back(WriteEscalation{E::kName, s.note});
  }
};

void StartClock::Do(Step& s) {
  s.app.stage = 0;
  const Deadline d = s.ctx->calendar.DeadlineAfter(s.ctx->now, s.ctx->item.statutory_time_limit);
  s.app.clock_due = d.due_at;
  s.effects.push_back(
      ArmTimer{kClock, d.due_at, d.provisional, s.ctx->now, s.ctx->item.statutory_time_limit});
}
void NextStage::Do(Step& s) { ++s.app.stage; }
void PauseClock::Do(Step& s) {
  if (s.app.clock_due == 0) return;  // a correction before acceptance: no clock yet
  s.app.clock_remaining =
      s.ctx->calendar.WorkingDaysBetween(LocalDate(s.ctx->now), LocalDate(s.app.clock_due));
  s.app.clock_due = 0;
  Cancel(s, kClock);
  s.note = "statutory clock paused with " + std::to_string(s.app.clock_remaining) +
           " working day(s) left";
}
void ResumeClock::Do(Step& s) {
  RecordMaterials::Do(s);
  const Duration left{s.app.clock_remaining, Duration::Unit::kWorkingDays};
  const Deadline d = s.ctx->calendar.DeadlineAfter(s.ctx->now, left);
  s.app.clock_due = d.due_at;
  s.app.clock_remaining = -1;
  s.effects.push_back(ArmTimer{kClock, d.due_at, d.provisional, s.ctx->now, left});
  s.note = "statutory clock resumed: due " + FormatInstant(d.due_at);
}
void StopClock::Do(Step& s) {
  s.app.clock_due = 0;
  Cancel(s, kClock);
}
void IssuePermit::Do(Step& s) {
  StopClock::Do(s);
  s.app.decided_at = s.ctx->now;
  s.effects.push_back(IssueNumber{IssueNumber::Kind::kPermit, LocalDate(s.ctx->now).year});
}
void RecordMaterials::Do(Step& s) { AddMaterials(s, s.data->materials); }
bool HasStages::Test(const Step& s) { return !s.ctx->item.review_stages.empty(); }
bool NoStages::Test(const Step& s) { return s.ctx->item.review_stages.empty(); }
bool MoreStages::Test(const Step& s) {
  return static_cast<size_t>(s.app.stage) + 1 < s.ctx->item.review_stages.size();
}
bool LastStage::Test(const Step& s) {
  return static_cast<size_t>(s.app.stage) + 1 == s.ctx->item.review_stages.size();
}
bool ClockRunning::Test(const Step& s) { return s.app.clock_remaining >= 0; }
bool ClockNotStarted::Test(const Step& s) { return s.app.clock_remaining < 0; }
bool DecisionApprove::Test(const Step& s) { return s.data->decision == "approve"; }
bool DecisionReject::Test(const Step& s) { return s.data->decision == "reject"; }

using Table =
    mpl::vector<Row<Received, Accept, UnderReview, StartClock, HasStages>,
                Row<Received, Accept, AwaitingDecision, StartClock, NoStages>,
                Row<Received, RequestCorrection, CorrectionDue, none, none>,
                Row<UnderReview, CompleteStage, UnderReview, NextStage, MoreStages>,
                Row<UnderReview, CompleteStage, AwaitingDecision, none, LastStage>,
                Row<UnderReview, RequestCorrection, CorrectionDue, PauseClock, none>,
                Row<CorrectionDue, SubmitMaterials, UnderReview, ResumeClock, ClockRunning>,
                Row<CorrectionDue, SubmitMaterials, Received, RecordMaterials, ClockNotStarted>,
                Row<AwaitingDecision, Decide, Approved, IssuePermit, DecisionApprove>,
                Row<AwaitingDecision, Decide, Rejected, StopClock, DecisionReject>,
                Row<Received, Withdraw, Withdrawn, none, none>,
                Row<UnderReview, Withdraw, Withdrawn, StopClock, none>,
                Row<AwaitingDecision, Withdraw, Withdrawn, StopClock, none>,
                Row<CorrectionDue, Withdraw, Withdrawn, none, none>,
                Row<UnderReview, StageDeadline, none, Escalate, none>,
                Row<UnderReview, ReviewDeadline, none, Escalate, none>,
                Row<AwaitingDecision, ReviewDeadline, none, Escalate, none>>;

struct Front : FrontBase<Front> {
  using initial_state = Received;
  using transition_table = Table;
};

using Events = mpl::vector<Accept, CompleteStage, RequestCorrection, SubmitMaterials, Decide,
                           Withdraw, StageDeadline, ReviewDeadline>;
using OptimizeRunner = Runner<Front, Events>;

Status Missing(const std::string& field) {
  return InvalidArgument(field, "is required for this event", "此操作必须提供该字段");
}

class OptimizeWorkflow : public Workflow {
 public:
  std::string Method() const override { return "optimize"; }
  std::string InitialState() const override { return Received::kName; }
  std::vector<std::string> StateNames() const override { return runner_.StateNames(); }
  bool IsTimerEvent(const std::string& name) const override {
    return name == StageDeadline::kName || name == ReviewDeadline::kName;
  }
  Result<StepResult> Handle(const Application& app, const Event& event,
                            const StepContext& ctx) const override {
    const EventData& d = event.data;
    if (event.name == CompleteStage::kName) {
      if (d.stage.empty()) return Missing("data.stage");
      // Stages complete in order: name the one under way rather than a bare refusal.
      const auto& stages = ctx.item.review_stages;
      if (app.state == UnderReview::kName && static_cast<size_t>(app.stage) < stages.size() &&
          stages[static_cast<size_t>(app.stage)].name != d.stage) {
        const std::string current = stages[static_cast<size_t>(app.stage)].name;
        return Status::Error(
            Code::kInvalidTransition, "stage " + d.stage + " is not the current stage " + current,
            "当前审查环节为“" + current + "”，不能完成“" + d.stage + "”",
            {{"state", {app.state}}, {"event", {event.name}}, {"current_stage", {current}}});
      }
    }
    if (event.name == RequestCorrection::kName && d.defects.empty()) return Missing("data.defects");
    if (event.name == SubmitMaterials::kName && d.materials.empty())
      return Missing("data.materials");
    if (event.name == Decide::kName) {
      if (d.decision != "approve" && d.decision != "reject") {
        return InvalidArgument("data.decision", "must be approve or reject",
                               "应为 approve 或 reject");
      }
      if (d.decision == "reject" && d.reason.empty()) return Missing("data.reason");
    }
    return runner_.Run(app, event, ctx);
  }

 private:
  OptimizeRunner runner_;
};

}  // namespace optimize

std::unique_ptr<Workflow> MakeOptimizeWorkflow() {
  return std::make_unique<optimize::OptimizeWorkflow>();
}

std::vector<std::unique_ptr<Workflow>> MakeAllWorkflows() {
  std::vector<std::unique_ptr<Workflow>> all;
  all.push_back(MakeCommitmentWorkflow());
  all.push_back(MakeFilingWorkflow());
  all.push_back(MakeOptimizeWorkflow());
  return all;
}

}  // namespace permitflow
