#include "engine/linkage.hpp"

#include <algorithm>
#include <set>

#include "engine/identifiers.hpp"
#include "engine/json_text.hpp"

namespace permitflow {

ClaimScore ScoreClaims(long long notices, long long claimed) {
  ClaimScore s;
  s.notices = notices;
  s.claimed = claimed;
  s.rate = notices == 0 ? 1.0 : static_cast<double>(claimed) / static_cast<double>(notices);
  s.points = s.rate >= 0.99 ? 5 : s.rate >= 0.98 ? 3 : s.rate >= 0.97 ? 2 : 1;
  return s;
}

Linkage::Linkage(Engine& engine, LinkageStore& store, std::vector<std::string> general_terms,
                 Duration claim_within)
    : engine_(engine),
      store_(store),
      general_terms_(std::move(general_terms)),
      claim_within_(claim_within) {}

Result<RegistrationResult> Linkage::Register(const RegistrationInput& in) {
  Status s = ValidateUscc(in.uscc);
  if (!s.ok()) return s;
  if (in.name.empty()) return InvalidArgument("name", "is required", "为必填项");
  if (in.region_code.size() != 6 ||
      in.region_code.find_first_not_of("0123456789") != std::string::npos)
    return InvalidArgument("region_code", "must be a 6-digit administrative division code",
                           "应为6位行政区划代码");
  if (in.scope.empty()) return InvalidArgument("scope", "must list at least one term", "至少一项");

  RegistrationResult out;
  std::set<std::string> seen;
  for (const auto& term : in.scope) {
    bool matched = false;
    for (const auto& item : engine_.catalogue().All()) {
      if (std::find(item->scope_terms.begin(), item->scope_terms.end(), term) ==
          item->scope_terms.end())
        continue;
      matched = true;
      if (!seen.insert(item->code).second) continue;
      (item->reform_method == "cancel" ? out.cancelled : out.required).push_back(item);
    }
    if (!matched &&
        std::find(general_terms_.begin(), general_terms_.end(), term) == general_terms_.end())
      out.unknown_terms.push_back(term);
  }
  out.operate_now = out.required.empty() && out.unknown_terms.empty();

  const Instant now = engine_.clock().Now();
  const Instant claim_due = engine_.Calendar()->DeadlineAfter(now, claim_within_).due_at;
  std::vector<Notice> notices;
  std::vector<PushMessage> messages;
  auto notify = [&](const ItemDefinition& item, const std::string& dept) {
    for (const auto& n : notices)
      if (n.item_code == item.code && n.department == dept) return;
    Notice n;
    n.uscc = in.uscc;
    n.enterprise_name = in.name;
    n.item_code = item.code;
    n.department = dept;
    n.claim_due_at = claim_due;
    notices.push_back(n);
    messages.push_back(PushMessage{
        dept, "registration_notice",
        "{\"uscc\":" + JsonString(in.uscc) + ",\"name\":" + JsonString(in.name) +
            ",\"region_code\":" + JsonString(in.region_code) +
            ",\"item_code\":" + JsonString(item.code) + ",\"item_name\":" + JsonString(item.name) +
            ",\"reform_method\":" + JsonString(item.reform_method) +
            ",\"claim_by\":" + JsonString(FormatInstant(claim_due)) + "}"});
  };
  for (const auto& item : out.required) {
    notify(*item, item->approving_department);
    for (const auto& d : item->supervising_departments) notify(*item, d);
  }
  for (const auto& item : out.cancelled)  // 准入即营, but the supervisors are still told
    for (const auto& d : item->supervising_departments) notify(*item, d);

  std::string scope = "[";
  for (const auto& t : in.scope) scope += (scope.size() > 1 ? "," : "") + JsonString(t);
  scope += "]";
  auto ids = store_.SaveRegistration(in.uscc, in.name, in.region_code, scope, now, notices,
                                     messages, &out.id);
  if (!ids.ok()) return ids.status();
  for (size_t i = 0; i < notices.size(); ++i) {
    notices[i].id = ids.value()[i];
    notices[i].registration_id = out.id;
    notices[i].created_at = now;
  }
  out.notices = std::move(notices);
  return out;
}

Result<Notice> Linkage::Claim(std::int64_t notice_id, const Actor& actor) {
  const std::string dept = actor.role == "admin" ? "" : actor.department;
  return store_.ClaimNotice(notice_id, dept, actor.name, engine_.clock().Now());
}

Result<SupervisionDecision> Linkage::RecordSupervisionDecision(std::int64_t application_id,
                                                               SupervisionDecision d,
                                                               const Actor& actor) {
  static const std::set<std::string> kKinds = {
      "rectification_order", "suspension", "penalty", "inspection", "revocation_advice", "other"};
  auto app = engine_.store().Load(application_id);
  if (!app.ok()) return app.status();
  auto item = engine_.catalogue().Find(app->item_code, app->item_version);
  if (!item) return NotFound("item", "事项", app->item_code);
  const auto& sup = item->supervising_departments;
  if (actor.role != "admin" && std::find(sup.begin(), sup.end(), actor.department) == sup.end()) {
    // Only the item's supervising departments see it here; others learn nothing.
    return NotFound("application", "办件", std::to_string(application_id));
  }
  if (!kKinds.count(d.kind)) {
    return InvalidArgument("kind",
                           "must be rectification_order, suspension, penalty, inspection, "
                           "revocation_advice or other",
                           "决定类型不正确");
  }
  if (d.summary.empty()) return InvalidArgument("summary", "is required", "为必填项");
  const Instant now = engine_.clock().Now();
  if (LocalDate(now) < d.decided_on)
    return InvalidArgument("decided_on", "lies in the future", "不能晚于今天");
  d.application_id = application_id;
  d.department = actor.role == "admin" && !sup.empty() ? sup.front() : actor.department;
  d.recorded_at = now;
  bool provisional = false;
  const Date last = engine_.Calendar()->AddWorkingDays(d.decided_on, 3, &provisional);
  d.late = now > EndOfLocalDay(last);
  const std::string payload =
      "{\"application_id\":" + std::to_string(application_id) +
      ",\"permit_number\":" + JsonString(app->permit_number) +
      ",\"uscc\":" + JsonString(app->applicant.id) + ",\"department\":" + JsonString(d.department) +
      ",\"kind\":" + JsonString(d.kind) +
      ",\"decided_on\":" + JsonString(FormatDate(d.decided_on)) +
      ",\"summary\":" + JsonString(d.summary) + ",\"late\":" + (d.late ? "true" : "false") + "}";
  std::vector<PushMessage> messages = {{app->department, "supervision_decision", payload}};
  std::vector<PublishRecord> publish;
  if (d.kind == "penalty" || d.kind == "inspection") {
    messages.push_back({"publicity", "supervision_decision", payload});
    publish.push_back({d.kind, engine_.Calendar()->DeadlineAfter(now, kPublicationWindow).due_at});
  }
  return store_.SaveSupervisionDecision(d, messages, publish, app->applicant.id);
}

}  // namespace permitflow
