// 审批改为备案: a complete filing is recorded at once. The machine has two states and no review
// state at all, so no event sequence can turn a filing into a disguised approval.
#include "workflows/machine_support.hpp"
#include "workflows/workflows.hpp"

namespace permitflow {
namespace filing {

using namespace machine;  // NOLINT: the machine vocabulary
using machine::msmf::none;
using machine::msmf::Row;

PF_EVENT(File, "file");
PF_STATE(Received, "received");
PF_STATE(Filed, "filed");
PF_ACTION(IssueFilingNumber);

void IssueFilingNumber::Do(Step& s) {
  s.app.decided_at = s.ctx->now;
  IssueNumber number;
  number.kind = IssueNumber::Kind::kFiling;
  number.year = LocalDate(s.ctx->now).year;
  s.effects.emplace_back(number);
}

using Table = mpl::vector<Row<Received, File, Filed, IssueFilingNumber, none>>;

struct Front : FrontBase<Front> {
  using initial_state = Received;
  using transition_table = Table;
};

using FilingRunner = Runner<Front, mpl::vector<File>>;

class FilingWorkflow : public Workflow {
 public:
  std::string Method() const override { return "filing"; }
  std::string InitialState() const override { return Received::kName; }
  std::vector<std::string> StateNames() const override { return runner_.StateNames(); }
  bool IsTimerEvent(const std::string&) const override { return false; }

  // 一次告知: every missing material in one answer, or the filing is recorded in this transaction.
  Result<StepResult> Start(const Application& app, const StepContext& ctx) const override {
    Step probe;
    probe.ctx = &ctx;
    probe.app = app;
    const auto missing = MissingUpfront(probe);
    if (!missing.empty()) {
      return Status::Error(
          Code::kIncomplete,
          "the filing is incomplete: " + std::to_string(missing.size()) + " material(s) missing",
          "备案材料不齐全，请一次补齐所列材料", {{"missing", missing}});
    }
    return runner_.Run(app, Event{File::kName, {}, "{}"}, ctx);
  }

  // Nothing a person sends changes a filing.
  Result<StepResult> Handle(const Application& app, const Event& event,
                            const StepContext& ctx) const override {
    return runner_.Run(app, event, ctx);
  }

 private:
  FilingRunner runner_;
};

}  // namespace filing

std::unique_ptr<Workflow> MakeFilingWorkflow() {
  return std::make_unique<filing::FilingWorkflow>();
}

}  // namespace permitflow
