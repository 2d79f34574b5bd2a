#include "engine/engine.hpp"

#include <algorithm>

#include "engine/identifiers.hpp"
#include "engine/json_text.hpp"

namespace permitflow {

Engine::Engine(Store& store, const Catalogue& catalogue, const Clock& clock,
               std::vector<const Workflow*> workflows)
    : store_(store),
      catalogue_(catalogue),
      clock_(clock),
      calendar_(std::make_shared<WorkingCalendar>()) {
  for (const Workflow* w : workflows) workflows_[w->Method()] = w;
}

void Engine::SetCalendar(std::shared_ptr<const WorkingCalendar> calendar) {
  std::lock_guard<std::mutex> lock(calendar_mu_);
  calendar_ = std::move(calendar);
}

Result<int> Engine::ReloadCalendar(std::shared_ptr<const WorkingCalendar> calendar) {
  SetCalendar(calendar);
  auto timers = store_.ListProvisionalTimers();
  if (!timers.ok()) return timers.status();
  int moved = 0;
  for (TimerRow t : timers.value()) {
    if (t.duration.value == 0 && t.basis_at == 0) continue;  // nothing to recompute from
    const Deadline d = calendar->DeadlineAfter(t.basis_at, t.duration);
    if (d.due_at == t.due_at && d.provisional == t.provisional) continue;
    auto app = store_.Load(t.application_id);
    if (!app.ok()) continue;
    const std::string was = FormatInstant(t.due_at);
    t.due_at = d.due_at;
    t.provisional = d.provisional;
    HistoryEntry h{0,
                   "deadline_recomputed",
                   app->state,
                   app->state,
                   "system",
                   clock_.Now(),
                   "{}",
                   t.kind + " recomputed with the calendar now loaded: " + was + " -> " +
                       FormatInstant(t.due_at) + (t.provisional ? " (still provisional)" : "")};
    Status s = store_.RescheduleTimer(t, h);
    if (!s.ok()) return s;
    ++moved;
  }
  if (moved > 0 && timer_listener_) timer_listener_();
  return moved;
}

std::shared_ptr<const WorkingCalendar> Engine::Calendar() const {
  std::lock_guard<std::mutex> lock(calendar_mu_);
  return calendar_;
}

const Workflow* Engine::WorkflowFor(const std::string& method) const {
  auto it = workflows_.find(method);
  return it == workflows_.end() ? nullptr : it->second;
}

Status ValidateApplicant(const Applicant& applicant) {
  // The identifier fields are named as the request names them.
  Status s;
  if (applicant.kind == "enterprise") {
    s = ValidateUscc(applicant.id);
    if (!s.ok())
      return Status::Error(s.code(), "applicant." + s.message(), "applicant." + s.message_zh(),
                           {{"field", {"applicant.uscc"}}});
    return s;
  }
  if (applicant.kind == "person") {
    s = ValidateIdNumber(applicant.id);
    if (!s.ok())
      return Status::Error(s.code(), "applicant." + s.message(), "applicant." + s.message_zh(),
                           {{"field", {"applicant.id_number"}}});
    return s;
  }
  return InvalidArgument("applicant.kind", "must be enterprise or person",
                         "应为 enterprise（市场主体）或 person（自然人）");
}

std::string Engine::IneligibleReason(const Standing& standing, const std::string& item_code) {
  for (const auto& f : standing.flags) {
    if (f.kind == "serious_dishonesty") return "serious_dishonesty";
    if (f.kind == "abnormal_operation") return "abnormal_operation";
  }
  for (const auto& c : standing.active_credit)
    if (c.scope == "method") return "credit_record";
  for (const auto& c : standing.active_credit)
    if (c.scope == "item" && c.item_code == item_code) return "broken_promise_for_item";
  return "";
}

Result<Application> Engine::Create(const NewApplication& input, const Actor& actor,
                                   const Authorize& authorize) {
  Status s = ValidateApplicant(input.applicant);
  if (!s.ok()) return s;
  if (input.applicant.name.empty()) {
    return InvalidArgument("applicant.name", "is required", "不能为空");
  }
  auto item = catalogue_.Find(input.item_code);
  if (!item) {
    return Status::Error(Code::kUnknownItem, "item " + input.item_code + " is not in the catalogue",
                         "事项清单中没有事项 " + input.item_code,
                         {{"item_code", {input.item_code}}});
  }
  if (item->retired) {
    return Status::Error(Code::kItemRetired, "item " + item->code + " is retired",
                         "事项 " + item->code + " 已停用，不再受理", {{"item_code", {item->code}}});
  }
  if (item->reform_method == "cancel") {
    // 直接取消审批: registration alone suffices; the supervising departments are informed.
    return Status::Error(Code::kNoPermitRequired,
                         item->name + " needs no permit since " + FormatDate(item->effective_from),
                         "自 " + FormatDate(item->effective_from) + " 起“" + item->name +
                             "”已直接取消审批，无需申请，取得营业执照即可经营",
                         {{"item_code", {item->code}},
                          {"since", {FormatDate(item->effective_from)}},
                          {"informed_departments", item->supervising_departments}});
  }
  const Workflow* workflow = WorkflowFor(item->reform_method);
  if (!workflow) return NotFound("workflow", "流程", item->reform_method);
  std::vector<std::string> unknown;
  for (const auto& m : input.materials)
    if (!item->FindMaterial(m)) unknown.push_back(m);
  if (!unknown.empty()) {
    return Status::Error(Code::kInvalidArgument,
                         "materials: item " + item->code + " has no such material",
                         "materials：事项 " + item->code + " 不包含所列材料",
                         {{"field", {"materials"}}, {"unknown", unknown}});
  }
  const Instant now = clock_.Now();
  Application app;
  app.item_code = item->code;
  app.item_version = item->version;
  app.reform_method = item->reform_method;
  app.department = item->approving_department;
  app.applicant = input.applicant;
  app.form_json = input.form_json;
  app.materials = input.materials;
  app.state = workflow->InitialState();
  app.created_at = app.updated_at = now;
  if (authorize) {
    s = authorize(app);
    if (!s.ok()) return s;
  }
  auto calendar = Calendar();
  const StepContext ctx{*item, *calendar, now, actor, ""};
  auto started = workflow->Start(app, ctx);
  if (!started.ok()) return started.status();

  ChangeSet changes;
  changes.insert = true;
  changes.app = std::move(started->app);
  changes.app.updated_at = now;
  HistoryEntry h;
  h.event = "create";
  h.to_state = app.state;
  h.actor = actor.name;
  h.at = now;
  h.payload_json = input.form_json;
  changes.history.push_back(std::move(h));
  for (auto& row : started->history) changes.history.push_back(std::move(row));
  changes.effects = std::move(started->effects);
  AddLinkage("", *item, now, changes);
  auto committed = store_.Commit(changes);
  if (committed.ok()) NotifyCommitted(changes);
  return committed;
}

Result<Application> Engine::Handle(std::int64_t id, const Event& event,
                                   std::int64_t expected_version, const Actor& actor,
                                   const Authorize& authorize) {
  auto loaded = store_.Load(id);
  if (!loaded.ok()) return loaded.status();
  const Application& app = loaded.value();
  if (authorize) {
    Status s = authorize(app);
    if (!s.ok()) return s;
  }
  if (app.version != expected_version) {
    return Status::Error(Code::kConflict,
                         "application " + std::to_string(id) + " is at version " +
                             std::to_string(app.version) + ", not " +
                             std::to_string(expected_version) + "; reload it and try again",
                         "办件 " + std::to_string(id) + " 已被更新（当前版本 " +
                             std::to_string(app.version) + "），请刷新后重试",
                         {{"current_version", {std::to_string(app.version)}}});
  }
  const Workflow* workflow = WorkflowFor(app.reform_method);
  if (workflow && workflow->IsTimerEvent(event.name)) {
    return Status::Error(Code::kForbidden, event.name + " is fired by the engine's timers only",
                         event.name + " 只能由系统计时器触发", {{"event", {event.name}}});
  }
  return Run(app, event, actor, clock_.Now(), {}, "");
}

// 审管联动 and 归集公示: a decision is pushed to every supervising department and to the
// publicity system, and a credit record to the credit platform, all in the decision's transaction.
void Engine::AddLinkage(const std::string& from_state, const ItemDefinition& item, Instant now,
                        ChangeSet& changes) const {
  const Application& app = changes.app;
  std::vector<Effect> extra;
  const Deadline publish_by = Calendar()->DeadlineAfter(now, kPublicationWindow);
  // An approval may pass through `approved` to materials_due in one command: the permit number it
  // issues marks it. Revocations and rejections end in their state.
  std::string decision;
  for (const auto& e : changes.effects) {
    if (const auto* n = std::get_if<IssueNumber>(&e)) {
      if (n->kind == IssueNumber::Kind::kPermit) decision = "approved";
      if (n->kind == IssueNumber::Kind::kFiling) decision = "filed";
    }
  }
  if ((app.state == "revoked" || app.state == "rejected") && app.state != from_state)
    decision = app.state;
  if (!decision.empty()) {
    const std::string payload =
        "{\"application_id\":" + std::to_string(app.id) +
        ",\"item_code\":" + JsonString(item.code) + ",\"item_name\":" + JsonString(item.name) +
        ",\"reform_method\":" + JsonString(item.reform_method) +
        ",\"approving_department\":" + JsonString(app.department) +
        ",\"applicant\":{\"kind\":" + JsonString(app.applicant.kind) +
        ",\"id\":" + JsonString(app.applicant.id) + ",\"name\":" + JsonString(app.applicant.name) +
        "},\"decision\":" + JsonString(decision) + ",\"state\":" + JsonString(app.state) +
        ",\"permit_number\":\"{{permit_number}}\",\"decided_at\":" +
        JsonString(FormatInstant(now)) + "}";
    for (const auto& dept : item.supervising_departments)
      extra.push_back(PushMessage{dept, "decision", payload});
    if (decision != "rejected") {
      extra.push_back(PushMessage{"publicity", "decision", payload});
      const std::string kind = decision == "approved" ? "permit"
                               : decision == "filed"  ? "filing"
                                                      : "revocation";
      extra.push_back(PublishRecord{kind, publish_by.due_at});
    }
  }
  for (const auto& e : changes.effects) {
    if (const auto* esc = std::get_if<WriteEscalation>(&e)) {
      // The authority's own deadline passed: its department is told.
      extra.push_back(PushMessage{
          app.department, "escalation",
          "{\"application_id\":" + std::to_string(app.id) + ",\"kind\":" + JsonString(esc->kind) +
              ",\"state\":" + JsonString(app.state) + ",\"note\":" + JsonString(esc->note) +
              ",\"at\":" + JsonString(FormatInstant(now)) + "}"});
    }
    if (const auto* credit = std::get_if<WriteCredit>(&e)) {
      const std::string payload = "{\"application_id\":" + std::to_string(app.id) +
                                  ",\"subject\":" + JsonString(app.applicant.id) +
                                  ",\"subject_name\":" + JsonString(app.applicant.name) +
                                  ",\"item_code\":" + JsonString(item.code) +
                                  ",\"kind\":" + JsonString(credit->kind) +
                                  ",\"legal_basis\":" + JsonString(credit->legal_basis) +
                                  ",\"date\":" + JsonString(FormatDate(LocalDate(now))) + "}";
      extra.push_back(PushMessage{"credit_platform", "credit_record", payload});
      extra.push_back(PushMessage{"publicity", "credit_record", payload});
      extra.push_back(PublishRecord{"credit_record", publish_by.due_at});
    }
  }
  changes.effects.insert(changes.effects.end(), extra.begin(), extra.end());
}

Result<Application> Engine::Run(const Application& app, const Event& event, const Actor& actor,
                                Instant now, const std::vector<Effect>& extra,
                                const std::string& note) {
  auto item = catalogue_.Find(app.item_code, app.item_version);
  if (!item) return NotFound("item", "事项", app.item_code);
  const Workflow* workflow = WorkflowFor(app.reform_method);
  if (!workflow) return NotFound("workflow", "流程", app.reform_method);

  auto calendar = Calendar();
  StepContext ctx{*item, *calendar, now, actor, ""};
  if (event.name == "issue_notice") {
    auto standing = store_.LoadStanding(app.applicant.id);
    if (!standing.ok()) return standing.status();
    ctx.ineligible_reason = IneligibleReason(standing.value(), app.item_code);
  }
  auto step = workflow->Handle(app, event, ctx);
  if (!step.ok()) return step.status();

  ChangeSet changes;
  changes.expected_version = app.version;
  changes.app = std::move(step->app);
  changes.app.updated_at = now;
  changes.history = std::move(step->history);
  changes.effects = extra;
  changes.effects.insert(changes.effects.end(), step->effects.begin(), step->effects.end());
  std::string notes = note;
  for (const auto& e : changes.effects) {
    if (const auto* arm = std::get_if<ArmTimer>(&e); arm && arm->provisional) {
      notes += std::string(notes.empty() ? "" : "; ") + arm->kind + " due " +
               FormatInstant(arm->due_at) +
               " is provisional: a year it reaches has no working-day calendar yet";
    }
  }
  if (!notes.empty() && !changes.history.empty()) {
    std::string& n = changes.history.back().note;
    n = n.empty() ? notes : n + "; " + notes;
  }
  AddLinkage(app.state, *item, now, changes);
  auto committed = store_.Commit(changes);
  if (committed.ok()) NotifyCommitted(changes);
  return committed;
}

void Engine::SetTimerListener(std::function<void()> listener) {
  timer_listener_ = std::move(listener);
}

int Engine::AddCommitObserver(std::function<void(const ChangeSet&)> observer) {
  std::lock_guard<std::mutex> lock(observers_mu_);
  commit_observers_[++next_observer_] = std::move(observer);
  return next_observer_;
}

void Engine::RemoveCommitObserver(int handle) {
  std::lock_guard<std::mutex> lock(observers_mu_);
  commit_observers_.erase(handle);
}

void Engine::NotifyCommitted(const ChangeSet& changes) {
  {
    std::lock_guard<std::mutex> lock(observers_mu_);
    for (const auto& [handle, observer] : commit_observers_) observer(changes);
  }
  if (!timer_listener_) return;
  for (const auto& e : changes.effects) {
    if (std::holds_alternative<ArmTimer>(e)) {
      timer_listener_();
      return;
    }
  }
}

Result<Engine::TimerOutcome> Engine::FireTimer(const TimerRow& timer, Instant claimed_at) {
  // The firing instant is the clock's when the command runs (later than the claim for the last
  // timers of a large batch), so the recorded lateness is the true one.
  const Instant now = std::max(claimed_at, clock_.Now());
  const long long late_s = (now - timer.due_at) / 1000;
  const std::string payload = "{\"timer_id\":" + std::to_string(timer.id) + ",\"due_at\":\"" +
                              FormatInstant(timer.due_at) +
                              "\",\"late_seconds\":" + std::to_string(late_s) + "}";
  const std::string lateness = "timer " + timer.kind + " due " + FormatInstant(timer.due_at) +
                               " fired " + std::to_string(late_s) + " s late";
  // A handler may move the application between our read and our write: read again and retry.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto loaded = store_.Load(timer.application_id);
    if (!loaded.ok()) return loaded.status();
    const Application& app = loaded.value();
    const Event event{timer.kind, {}, payload};
    auto done = Run(app, event, Actor::System(), now,
                    {CompleteTimer{timer.id, "fired", timer.kind}}, lateness);
    TimerOutcome outcome = TimerOutcome::kFired;
    if (!done.ok() && done.status().code() == Code::kInvalidTransition) {
      // The application has moved on: complete the timer as a recorded no-op.
      ChangeSet noop;
      noop.update_app = false;
      noop.app = app;
      noop.history.push_back(HistoryEntry{
          0, timer.kind, app.state, app.state, "system", now, payload,
          "no-op: state " + app.state + " does not take " + timer.kind + "; " + lateness});
      noop.effects.push_back(CompleteTimer{timer.id, "noop", timer.kind});
      done = store_.Commit(noop);
      outcome = TimerOutcome::kNoop;
    }
    if (done.ok()) return outcome;
    if (done.status().code() == Code::kConflict) continue;
    if (done.status().code() == Code::kNotFound && done.status().details().count("timer_id")) {
      return TimerOutcome::kGone;
    }
    return done.status();
  }
  return Conflict("the application kept changing while its timer fired",
                  "计时器触发时办件持续变更");
}

}  // namespace permitflow
