// The only translation unit that instantiates the commitment machine.
#include <functional>
#include <set>

#include "workflows/commitment_machine.hpp"
#include "workflows/workflows.hpp"

namespace permitflow {
namespace commitment {

bool VerificationSelected(const Step& s) {
  const auto& v = s.ctx->item.verification;
  switch (v.mode) {
    case VerificationSpec::Mode::kAll:
      return true;
    case VerificationSpec::Mode::kNone:
      return false;
    case VerificationSpec::Mode::kSample: {
      // Deterministic per application, so a replayed step selects the same way.
      const auto h = std::hash<std::string>()(std::to_string(s.app.id) + s.app.item_code);
      return static_cast<double>(h % 10000) < v.ratio * 10000.0;
    }
  }
  return false;
}

std::vector<std::string> OutstandingDeferred(const Step& s) {
  std::vector<std::string> out;
  for (const auto& m : s.ctx->item.materials) {
    if (m.when != MaterialSpec::When::kDeferred) continue;
    if (std::find(s.app.materials.begin(), s.app.materials.end(), m.id) == s.app.materials.end())
      out.push_back(m.id);
  }
  return out;
}

void MaterialsDue::Enter(Step& s) {
  // Each deferred material is due its own period after the decision; the deadline is the earliest
  // one still outstanding.
  const MaterialSpec* earliest = nullptr;
  Instant earliest_due = 0;
  auto due_of = [&](const MaterialSpec& m) {
    return m.due_date ? EndOfLocalDay(*m.due_date)
                      : s.ctx->calendar.DeadlineAfter(s.app.decided_at, m.due_within).due_at;
  };
  for (const auto& id : OutstandingDeferred(s)) {
    const MaterialSpec* m = s.ctx->item.FindMaterial(id);
    if (!earliest || due_of(*m) < earliest_due) {
      earliest = m;
      earliest_due = due_of(*m);
    }
  }
  if (!earliest) return;
  if (earliest->due_date) {
    // A fixed date: nothing to recompute when a calendar loads.
    s.effects.push_back(ArmTimer{kTimer, earliest_due, false, 0, {}});
  } else {
    Arm(s, kTimer, earliest->due_within, s.app.decided_at);
  }
}

void TakeCommitmentRoute::Do(Step& s) { s.app.route = "commitment"; }

void RecordIneligible::Do(Step& s) {
  s.app.note = s.ctx->ineligible_reason;
  s.note = "commitment method closed: " + s.ctx->ineligible_reason;
}

void RecordCommitment::Do(Step& s) {
  if (!AddMaterials(s, s.data->materials)) return;
  const std::vector<std::string> missing = MissingUpfront(s);
  if (!missing.empty()) {
    s.error =
        Status::Error(Code::kIncomplete, "the commitment must come with every upfront material",
                      "作出承诺时须一并提交全部要件材料", {{"missing", missing}});
    return;
  }
  s.app.signer = s.data->signer;
}

void IssuePermit::Do(Step& s) {
  s.app.decided_at = s.ctx->now;
  s.effects.push_back(IssueNumber{IssueNumber::Kind::kPermit, LocalDate(s.ctx->now).year});
}

void RecordMaterials::Do(Step& s) { AddMaterials(s, s.data->materials); }

static std::string LegalBasis(const Step& s) {
  return s.ctx->item.legal_basis.empty() ? "" : s.ctx->item.legal_basis.front();
}

void CreditNoncompliant::Do(Step& s) {
  s.effects.push_back(WriteCredit{"materials_noncompliant", LegalBasis(s), false});
}

void CreditFalseCommitment::Do(Step& s) {
  s.effects.push_back(WriteCredit{"false_commitment", LegalBasis(s), true});
}

void NoteNoCommitment::Do(Step& s) {
  s.note = "no commitment within the period: the ordinary procedure applies";
}

void CreditMaterialsOverdue::Do(Step& s) {
  s.effects.push_back(WriteCredit{"materials_overdue", LegalBasis(s), false});
}

void CreditRectificationFailed::Do(Step& s) {
  s.effects.push_back(WriteCredit{"rectification_failed", LegalBasis(s), true});
}

void Escalate::Do(Step& s, const char* kind) {
  s.note = std::string(kind) + " passed in state " + s.app.state;
  s.effects.push_back(WriteEscalation{kind, s.note});
}

bool Eligible::Test(const Step& s) { return s.ctx->ineligible_reason.empty(); }
bool NotEligible::Test(const Step& s) { return !s.ctx->ineligible_reason.empty(); }
bool NeedsMaterials::Test(const Step& s) {
  return s.app.route == "commitment" && !OutstandingDeferred(s).empty();
}
bool NeedsVerification::Test(const Step& s) {
  return s.app.route == "commitment" && OutstandingDeferred(s).empty() && VerificationSelected(s);
}
bool ResultConfirmed::Test(const Step& s) { return s.data->result == "confirmed"; }
bool ResultFalse::Test(const Step& s) { return s.data->result == "false_commitment"; }
bool ResultRectify::Test(const Step& s) { return s.data->result == "rectify"; }
bool DecisionApprove::Test(const Step& s) { return s.data->decision == "approve"; }
bool DecisionReject::Test(const Step& s) { return s.data->decision == "reject"; }

}  // namespace commitment

namespace {

Status Missing(const std::string& field) {
  return InvalidArgument(field, "is required for this event", "此操作必须提供该字段");
}

Status OneOf(const std::string& field, const std::string& value,
             const std::set<std::string>& allowed) {
  if (allowed.count(value)) return Status::Ok();
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  return InvalidArgument(field, "must be one of " + list + (value.empty() ? "" : ", not " + value),
                         "取值应为 " + list + " 之一");
}

// Checks the data an event needs, whatever the state; the machine then checks the state.
Status ValidateData(const Event& e) {
  const EventData& d = e.data;
  if (e.name == "commit" && d.signer.empty()) return Missing("data.signer");
  if (e.name == "submit_materials" && d.materials.empty()) return Missing("data.materials");
  if (e.name == "request_correction" && d.defects.empty()) return Missing("data.defects");
  if (e.name == "verify")
    return OneOf("data.result", d.result, {"confirmed", "false_commitment", "rectify"});
  if (e.name == "decide") {
    Status s = OneOf("data.decision", d.decision, {"approve", "reject"});
    if (!s.ok()) return s;
    if (d.decision == "reject" && d.reason.empty()) return Missing("data.reason");
  }
  return Status::Ok();
}

class CommitmentWorkflow : public Workflow {
 public:
  std::string Method() const override { return "commitment"; }
  std::string InitialState() const override { return commitment::Received::kName; }
  std::vector<std::string> StateNames() const override { return runner_.StateNames(); }
  bool IsTimerEvent(const std::string& name) const override {
    const auto& kinds = commitment::TimerKinds();
    return std::find(kinds.begin(), kinds.end(), name) != kinds.end();
  }
  Result<StepResult> Handle(const Application& app, const Event& event,
                            const StepContext& ctx) const override {
    Status s = ValidateData(event);
    if (!s.ok()) return s;
    return runner_.Run(app, event, ctx);
  }

 private:
  commitment::CommitmentRunner<commitment::Table> runner_;
};

}  // namespace

std::unique_ptr<Workflow> MakeCommitmentWorkflow() {
  return std::make_unique<CommitmentWorkflow>();
}

}  // namespace permitflow
