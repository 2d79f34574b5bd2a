#include "admin/json_mapping.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "engine/identifiers.hpp"

namespace permitflow {

namespace {

JsonObject NewObject() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Status WrongType(const std::string& path, const std::string& type, const std::string& type_zh) {
  return InvalidArgument(path, "must be " + type, "应为" + type_zh);
}

Poco::JSON::Array::Ptr StringArray(const std::vector<std::string>& v) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array();
  for (const auto& s : v) a->add(s);
  return a;
}

Poco::Dynamic::Var ParseStoredJson(const std::string& text) {
  try {
    return Poco::JSON::Parser().parse(text);
  } catch (const Poco::Exception&) {
    return text;  // never fails a read over a stored payload
  }
}

}  // namespace

Result<JsonObject> ParseObject(const std::string& body) {
  Poco::Dynamic::Var v;
  try {
    v = Poco::JSON::Parser().parse(body);
  } catch (const Poco::Exception& e) {
    return Status::Error(Code::kMalformedJson, "the body is not valid JSON: " + e.displayText(),
                         "请求体不是有效的 JSON");
  }
  if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
    return Status::Error(Code::kMalformedJson, "the body must be a JSON object",
                         "请求体应为 JSON 对象");
  }
  return v.extract<Poco::JSON::Object::Ptr>();
}

std::string ToJson(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(value, out);
  return out.str();
}

Status ReadString(const JsonObject& o, const std::string& key, const std::string& path,
                  bool required, std::string* out) {
  if (!o || !o->has(key) || o->isNull(key)) {
    return required ? InvalidArgument(path, "is required", "为必填项") : Status::Ok();
  }
  const auto v = o->get(key);
  if (!v.isString()) return WrongType(path, "a string", "字符串");
  *out = v.extract<std::string>();
  if (required && out->empty()) return InvalidArgument(path, "must not be empty", "不能为空");
  return Status::Ok();
}

Status ReadStringList(const JsonObject& o, const std::string& key, const std::string& path,
                      bool required, std::vector<std::string>* out) {
  if (!o || !o->has(key) || o->isNull(key)) {
    return required ? InvalidArgument(path, "is required", "为必填项") : Status::Ok();
  }
  auto a = o->getArray(key);
  if (!a) return WrongType(path, "a list of strings", "字符串列表");
  out->clear();
  for (size_t i = 0; i < a->size(); ++i) {
    const auto v = a->get(static_cast<unsigned>(i));
    if (!v.isString()) {
      return WrongType(path + "[" + std::to_string(i) + "]", "a string", "字符串");
    }
    out->push_back(v.extract<std::string>());
  }
  return Status::Ok();
}

Status ReadInt(const JsonObject& o, const std::string& key, const std::string& path, bool required,
               long long* out) {
  if (!o || !o->has(key) || o->isNull(key)) {
    return required ? InvalidArgument(path, "is required", "为必填项") : Status::Ok();
  }
  const auto v = o->get(key);
  if (!v.isInteger()) return WrongType(path, "an integer", "整数");
  *out = v.convert<long long>();
  return Status::Ok();
}

Result<NewApplication> ParseNewApplication(const JsonObject& body) {
  NewApplication a;
  Status s = ReadString(body, "item_code", "item_code", true, &a.item_code);
  if (!s.ok()) return s;
  if (!body->has("applicant") || !body->isObject("applicant")) {
    return InvalidArgument("applicant", "is required and must be an object", "为必填对象");
  }
  auto ap = body->getObject("applicant");
  s = ReadString(ap, "kind", "applicant.kind", true, &a.applicant.kind);
  if (!s.ok()) return s;
  if (a.applicant.kind == "enterprise") {
    s = ReadString(ap, "uscc", "applicant.uscc", true, &a.applicant.id);
  } else if (a.applicant.kind == "person") {
    s = ReadString(ap, "id_number", "applicant.id_number", true, &a.applicant.id);
  } else {
    s = InvalidArgument("applicant.kind", "must be enterprise or person",
                        "应为 enterprise（市场主体）或 person（自然人）");
  }
  if (!s.ok()) return s;
  s = ReadString(ap, "name", "applicant.name", true, &a.applicant.name);
  if (!s.ok()) return s;
  if (body->has("form") && !body->isNull("form")) {
    if (!body->isObject("form")) return WrongType("form", "an object", "对象");
    a.form_json = ToJson(body->getObject("form"));
  }
  s = ReadStringList(body, "materials", "materials", false, &a.materials);
  if (!s.ok()) return s;
  return a;
}

Result<Event> ParseEvent(const JsonObject& body, long long* expected_version) {
  Event e;
  Status s = ReadString(body, "event", "event", true, &e.name);
  if (!s.ok()) return s;
  s = ReadInt(body, "expected_version", "expected_version", true, expected_version);
  if (!s.ok()) return s;
  JsonObject data;
  if (body->has("data") && !body->isNull("data")) {
    if (!body->isObject("data")) return WrongType("data", "an object", "对象");
    data = body->getObject("data");
    e.payload_json = ToJson(data);
  }
  EventData& d = e.data;
  for (auto [key, out] : {std::pair<const char*, std::string*>{"signer", &d.signer},
                          {"stage", &d.stage},
                          {"notes", &d.notes},
                          {"result", &d.result},
                          {"findings", &d.findings},
                          {"decision", &d.decision},
                          {"reason", &d.reason}}) {
    s = ReadString(data, key, std::string("data.") + key, false, out);
    if (!s.ok()) return s;
  }
  s = ReadStringList(data, "materials", "data.materials", false, &d.materials);
  if (!s.ok()) return s;
  s = ReadStringList(data, "defects", "data.defects", false, &d.defects);
  if (!s.ok()) return s;
  return e;
}

Result<std::vector<ListFlag>> ParseFlags(const JsonObject& body) {
  if (!body->has("flags")) return InvalidArgument("flags", "is required", "为必填项");
  auto a = body->getArray("flags");
  if (!a) return WrongType("flags", "a list", "列表");
  std::vector<ListFlag> out;
  for (size_t i = 0; i < a->size(); ++i) {
    const std::string path = "flags[" + std::to_string(i) + "]";
    auto o = a->getObject(static_cast<unsigned>(i));
    if (!o) return WrongType(path, "an object", "对象");
    ListFlag f;
    Status s = ReadString(o, "kind", path + ".kind", true, &f.kind);
    if (s.ok()) s = ReadString(o, "date", path + ".date", true, &f.date);
    if (s.ok()) s = ReadString(o, "source", path + ".source", true, &f.source);
    if (!s.ok()) return s;
    if (f.kind != "abnormal_operation" && f.kind != "serious_dishonesty") {
      return InvalidArgument(
          path + ".kind", "must be abnormal_operation or serious_dishonesty",
          "应为 abnormal_operation（经营异常名录）或 serious_dishonesty（严重违法失信名单）");
    }
    if (!ParseDate(f.date)) {
      return InvalidArgument(path + ".date", "must be a date YYYY-MM-DD", "应为日期 YYYY-MM-DD");
    }
    for (const auto& seen : out) {
      if (seen.kind == f.kind) {
        return InvalidArgument(path + ".kind", "is listed twice", "重复");
      }
    }
    out.push_back(f);
  }
  return out;
}

JsonObject RenderStatusBody(const Status& status) {
  JsonObject error = NewObject();
  error->set("code", CodeName(status.code()));
  error->set("message", status.message());
  error->set("message_zh", status.message_zh());
  JsonObject details = NewObject();
  for (const auto& [key, values] : status.details()) {
    if (values.size() == 1 && key != "missing" && key != "unknown")
      details->set(key, values.front());
    else
      details->set(key, StringArray(values));
  }
  error->set("details", details);
  JsonObject body = NewObject();
  body->set("error", error);
  return body;
}

JsonObject RenderDuration(const Duration& d) {
  JsonObject o = NewObject();
  o->set("value", d.value);
  o->set("unit", UnitName(d.unit));
  return o;
}

static JsonObject RenderApplicant(const Applicant& a, bool mask) {
  JsonObject o = NewObject();
  o->set("kind", a.kind);
  if (a.kind == "person")
    o->set("id_number", mask ? MaskIdNumber(a.id) : a.id);
  else
    o->set("uscc", a.id);
  o->set("name", a.name);
  return o;
}

JsonObject RenderApplicationSummary(const Application& app, const ItemDefinition* item, bool mask) {
  JsonObject o = NewObject();
  o->set("id", static_cast<Poco::Int64>(app.id));
  o->set("item_code", app.item_code);
  o->set("item_version", app.item_version);
  if (item) o->set("item_name", item->name);
  o->set("reform_method", app.reform_method);
  o->set("department", app.department);
  o->set("applicant", RenderApplicant(app.applicant, mask));
  o->set("state", app.state);
  o->set("version", static_cast<Poco::Int64>(app.version));
  o->set("route", app.route.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(app.route));
  auto optional = [&](const char* key, const std::string& v) {
    o->set(key, v.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(v));
  };
  optional("notice_number", app.notice_number);
  // A filing's number stands where a permit's would; it is shown under its own name.
  const bool filing = app.reform_method == "filing";
  optional("permit_number", filing ? "" : app.permit_number);
  if (filing) optional("filing_number", app.permit_number);
  optional("signer", app.signer);
  optional("ineligible_reason", app.note);
  o->set("created_at", FormatInstant(app.created_at));
  o->set("updated_at", FormatInstant(app.updated_at));
  o->set("decided_at",
         app.decided_at ? Poco::Dynamic::Var(FormatInstant(app.decided_at)) : Poco::Dynamic::Var());
  return o;
}

JsonObject RenderApplication(const ApplicationDetail& detail, const ItemDefinition* item,
                             bool mask) {
  const Application& app = detail.app;
  JsonObject o = RenderApplicationSummary(app, item, mask);
  o->set("form", ParseStoredJson(app.form_json));
  Poco::JSON::Array::Ptr materials = new Poco::JSON::Array();
  if (item) {
    for (const auto& m : item->materials) {
      JsonObject mo = NewObject();
      mo->set("id", m.id);
      mo->set("name", m.name);
      mo->set("when", WhenName(m.when));
      mo->set("received",
              std::find(app.materials.begin(), app.materials.end(), m.id) != app.materials.end());
      materials->add(mo);
    }
  }
  o->set("materials", materials);
  Poco::JSON::Array::Ptr deadlines = new Poco::JSON::Array();
  for (const auto& t : detail.deadlines) {
    JsonObject d = NewObject();
    d->set("kind", t.kind);
    d->set("due_at", FormatInstant(t.due_at));
    d->set("provisional", t.provisional);
    if (t.attempts > 0) d->set("attempts", t.attempts);
    deadlines->add(d);
  }
  o->set("deadlines", deadlines);
  if (item && app.reform_method == "optimize") {
    const auto& stages = item->review_stages;
    if (app.state == "under_review" && static_cast<size_t>(app.stage) < stages.size()) {
      JsonObject st = NewObject();
      st->set("index", app.stage);
      st->set("name", stages[static_cast<size_t>(app.stage)].name);
      st->set("department", stages[static_cast<size_t>(app.stage)].department);
      for (const auto& t : detail.deadlines)
        if (t.kind == "stage_deadline") st->set("due_at", FormatInstant(t.due_at));
      o->set("current_stage", st);
    }
    JsonObject clock = NewObject();
    clock->set("running", app.clock_due != 0);
    if (app.clock_due != 0) clock->set("due_at", FormatInstant(app.clock_due));
    if (app.clock_remaining >= 0) clock->set("paused_with_working_days_left", app.clock_remaining);
    o->set("statutory_clock", clock);
  }
  Poco::JSON::Array::Ptr history = new Poco::JSON::Array();
  for (const auto& h : detail.history) {
    JsonObject r = NewObject();
    r->set("seq", h.seq);
    r->set("event", h.event);
    r->set("from", h.from_state.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(h.from_state));
    r->set("to", h.to_state);
    r->set("actor", h.actor);
    r->set("at", FormatInstant(h.at));
    r->set("data", ParseStoredJson(h.payload_json));
    if (!h.note.empty()) r->set("note", h.note);
    history->add(r);
  }
  o->set("history", history);
  return o;
}

JsonObject RenderItemVersion(const ItemVersionInfo& v) {
  JsonObject o = NewObject();
  o->set("version", v.version);
  o->set("status", v.status);
  o->set("saved_at", FormatInstant(v.saved_at));
  o->set("published_at",
         v.published_at ? Poco::Dynamic::Var(FormatInstant(v.published_at)) : Poco::Dynamic::Var());
  o->set("definition", ParseStoredJson(v.json));
  return o;
}

JsonObject RenderTimer(const TimerRow& t) {
  JsonObject o = NewObject();
  o->set("timer_id", static_cast<Poco::Int64>(t.id));
  o->set("application_id", static_cast<Poco::Int64>(t.application_id));
  o->set("kind", t.kind);
  o->set("due_at", FormatInstant(t.due_at));
  o->set("state", t.state);
  o->set("attempts", t.attempts);
  o->set("last_error", t.last_error);
  return o;
}

JsonObject RenderEscalation(const Escalation& e) {
  JsonObject o = NewObject();
  o->set("id", static_cast<Poco::Int64>(e.id));
  o->set("application_id", static_cast<Poco::Int64>(e.application_id));
  o->set("kind", e.kind);
  o->set("department", e.department);
  o->set("state", e.state);
  o->set("at", FormatInstant(e.at));
  o->set("note", e.note);
  return o;
}

JsonObject RenderNotice(const Notice& n) {
  JsonObject o = NewObject();
  o->set("id", static_cast<Poco::Int64>(n.id));
  o->set("registration_id", static_cast<Poco::Int64>(n.registration_id));
  o->set("uscc", n.uscc);
  o->set("enterprise_name", n.enterprise_name);
  o->set("item_code", n.item_code);
  o->set("department", n.department);
  o->set("sent_at", FormatInstant(n.created_at));
  o->set("claim_by", FormatInstant(n.claim_due_at));
  o->set("claimed", n.claimed_at != 0);
  if (n.claimed_at) {
    o->set("claimed_at", FormatInstant(n.claimed_at));
    o->set("claimed_by", n.claimed_by);
  }
  return o;
}

JsonObject RenderMessage(const OutboxMessage& m) {
  JsonObject o = NewObject();
  o->set("message_id", "pf-" + std::to_string(m.id));
  o->set("id", static_cast<Poco::Int64>(m.id));
  o->set("recipient", m.recipient);
  o->set("application_id", static_cast<Poco::Int64>(m.application_id));
  o->set("kind", m.kind);
  o->set("sent_at", FormatInstant(m.created_at));
  o->set("state", m.state);
  o->set("attempts", m.attempts);
  if (m.delivered_at) o->set("delivered_at", FormatInstant(m.delivered_at));
  if (!m.last_error.empty()) o->set("last_error", m.last_error);
  o->set("payload", ParseStoredJson(m.payload_json));
  return o;
}

JsonObject RenderPublicity(const PublicityRecord& p, Instant now) {
  JsonObject o = NewObject();
  o->set("id", static_cast<Poco::Int64>(p.id));
  o->set("uscc", p.uscc);
  o->set("kind", p.kind);
  o->set("application_id", static_cast<Poco::Int64>(p.application_id));
  o->set("produced_at", FormatInstant(p.produced_at));
  o->set("publish_by", FormatInstant(p.due_at));
  o->set("published", p.published_at != 0);
  if (p.published_at) o->set("published_at", FormatInstant(p.published_at));
  o->set("overdue", p.published_at == 0 && now > p.due_at);
  return o;
}

JsonObject RenderSupervisionDecision(const SupervisionDecision& d) {
  JsonObject o = NewObject();
  o->set("id", static_cast<Poco::Int64>(d.id));
  o->set("application_id", static_cast<Poco::Int64>(d.application_id));
  o->set("department", d.department);
  o->set("kind", d.kind);
  o->set("summary", d.summary);
  o->set("decided_on", FormatDate(d.decided_on));
  o->set("recorded_at", FormatInstant(d.recorded_at));
  o->set("late", d.late);
  return o;
}

JsonObject RenderItem(const ItemDefinition& item) {
  JsonObject o = NewObject();
  o->set("code", item.code);
  o->set("version", item.version);
  o->set("name", item.name);
  o->set("reform_method", item.reform_method);
  o->set("approving_department", item.approving_department);
  o->set("supervising_departments", StringArray(item.supervising_departments));
  o->set("legal_basis", StringArray(item.legal_basis));
  o->set("conditions", StringArray(item.conditions));
  Poco::JSON::Array::Ptr materials = new Poco::JSON::Array();
  for (const auto& m : item.materials) {
    JsonObject mo = NewObject();
    mo->set("id", m.id);
    mo->set("name", m.name);
    mo->set("when", WhenName(m.when));
    if (m.when == MaterialSpec::When::kDeferred && m.due_date)
      mo->set("due_date", FormatDate(*m.due_date));
    else if (m.when == MaterialSpec::When::kDeferred)
      mo->set("due", RenderDuration(m.due_within));
    materials->add(mo);
  }
  o->set("materials", materials);
  o->set("commitment_window", RenderDuration(item.commitment_window));
  o->set("correction_window", RenderDuration(item.correction_window));
  o->set("rectification_window", RenderDuration(item.rectification_window));
  o->set("statutory_time_limit", RenderDuration(item.statutory_time_limit));
  JsonObject v = NewObject();
  const auto mode = item.verification.mode;
  v->set("mode", mode == VerificationSpec::Mode::kAll      ? "all"
                 : mode == VerificationSpec::Mode::kSample ? "sample"
                                                           : "none");
  if (mode == VerificationSpec::Mode::kSample) v->set("ratio", item.verification.ratio);
  v->set("within", RenderDuration(item.verification.within));
  o->set("verification", v);
  o->set("decide_on_commit", item.decide_on_commit);
  o->set("level", item.level);
  o->set("reform_measures", item.reform_measures);
  o->set("supervision_measures", item.supervision_measures);
  Poco::JSON::Array::Ptr stages = new Poco::JSON::Array();
  for (const auto& st : item.review_stages) {
    JsonObject so = NewObject();
    so->set("name", st.name);
    so->set("department", st.department);
    so->set("time_limit", RenderDuration(st.time_limit));
    stages->add(so);
  }
  o->set("review_stages", stages);
  o->set("scope_terms", StringArray(item.scope_terms));
  o->set("effective_from", FormatDate(item.effective_from));
  o->set("retired", item.retired);
  return o;
}

JsonObject RenderSubject(const SubjectView& subject, const std::string& closed_reason) {
  JsonObject o = NewObject();
  o->set("uscc", subject.id);
  o->set("name", subject.name);
  Poco::JSON::Array::Ptr flags = new Poco::JSON::Array();
  for (const auto& f : subject.flags) {
    JsonObject fo = NewObject();
    fo->set("kind", f.kind);
    fo->set("date", f.date);
    fo->set("source", f.source);
    flags->add(fo);
  }
  o->set("flags", flags);
  Poco::JSON::Array::Ptr credit = new Poco::JSON::Array();
  for (const auto& c : subject.credit_records) {
    JsonObject co = NewObject();
    co->set("id", static_cast<Poco::Int64>(c.id));
    co->set("kind", c.kind);
    co->set("application_id", static_cast<Poco::Int64>(c.application_id));
    co->set("item_code", c.item_code);
    co->set("legal_basis", c.legal_basis);
    co->set("bars", c.scope == "method" ? "commitment_method" : "commitment_method_for_item");
    co->set("date", FormatDate(LocalDate(c.at)));
    co->set("at", FormatInstant(c.at));
    co->set("repaired", c.repaired);
    if (c.repaired) co->set("repair_reason", c.repair_reason);
    credit->add(co);
  }
  o->set("credit_records", credit);
  Poco::JSON::Array::Ptr permits = new Poco::JSON::Array();
  for (const auto& a : subject.permits) {
    JsonObject po = NewObject();
    po->set("application_id", static_cast<Poco::Int64>(a.id));
    po->set("item_code", a.item_code);
    po->set("permit_number", a.permit_number);
    po->set("state", a.state);
    po->set("decided_at", FormatInstant(a.decided_at));
    permits->add(po);
  }
  o->set("permits", permits);
  o->set("commitment_method_open", closed_reason.empty());
  o->set("commitment_closed_reason",
         closed_reason.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(closed_reason));
  return o;
}

}  // namespace permitflow
