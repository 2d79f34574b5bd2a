#include "admin/api_server.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <functional>
#include <map>
#include <sstream>

#include "admin/access.hpp"
#include "admin/json_mapping.hpp"

namespace permitflow {

int HttpStatusFor(Code code) {
  switch (code) {
    case Code::kOk:
      return 200;
    case Code::kNotFound:
    case Code::kUnknownItem:
      return 404;
    case Code::kInvalidArgument:
    case Code::kInvalidIdentifier:
    case Code::kMalformedJson:
      return 400;
    case Code::kInvalidTransition:
    case Code::kIncomplete:
    case Code::kInvalidItem:
      return 422;
    case Code::kConflict:
    case Code::kNoPermitRequired:
    case Code::kItemRetired:
      return 409;
    case Code::kUnauthorized:
      return 401;
    case Code::kForbidden:
      return 403;
    case Code::kUnavailable:
      return 503;
    case Code::kInternal:
      return 500;
  }
  return 500;
}

namespace {

struct Request {
  std::string method;
  std::vector<std::string> segments;
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> params;  // {name} segments of the route
  std::string body;
  Principal principal;
};

struct Response {
  int status = 200;
  std::string body;
};

Response Json(int status, const Poco::Dynamic::Var& body) { return {status, ToJson(body)}; }
Response Error(const Status& s) { return Json(HttpStatusFor(s.code()), RenderStatusBody(s)); }

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(path);
  while (std::getline(in, part, '/'))
    if (!part.empty()) out.push_back(part);
  return out;
}

Result<std::int64_t> ParseId(const std::string& text, const std::string& field) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
    return InvalidArgument(field, "must be a positive integer", "应为正整数");
  return static_cast<std::int64_t>(std::stoll(text));
}

}  // namespace

class ApiServer::Router {
 public:
  using Handler = std::function<Response(Request&)>;

  Router(Engine& engine, ItemRegistry& items, const Principals& principals, ServerHooks hooks)
      : engine_(engine), items_(items), principals_(principals), hooks_(std::move(hooks)) {
    Add("GET", "/healthz", false, [](Request&) {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
      o->set("status", "ok");
      return Json(200, o);
    });
    Add("GET", "/api/v1/items", true, [this](Request& r) { return ListItems(r); });
    Add("POST", "/api/v1/items", true, [this](Request& r) { return CreateItem(r); });
    Add("POST", "/api/v1/items:import", true, [this](Request& r) { return ImportItems(r); });
    Add("GET", "/api/v1/items/{code}", true, [this](Request& r) { return GetItem(r); });
    Add("PUT", "/api/v1/items/{code}/draft", true, [this](Request& r) { return PutDraft(r); });
    Add("POST", "/api/v1/items/{code}/publish", true, [this](Request& r) { return Publish(r); });
    Add("POST", "/api/v1/items/{code}/retire", true, [this](Request& r) { return Retire(r); });
    Add("GET", "/api/v1/departments", true, [this](Request& r) { return Departments(r); });
    Add("POST", "/api/v1/departments", true, [this](Request& r) { return SaveDepartment(r); });
    Add("PUT", "/api/v1/departments/{id}", true, [this](Request& r) { return SaveDepartment(r); });
    Add("POST", "/api/v1/applications", true, [this](Request& r) { return Create(r); });
    Add("GET", "/api/v1/applications", true, [this](Request& r) { return List(r); });
    Add("GET", "/api/v1/applications/{id}", true, [this](Request& r) { return Get(r); });
    Add("POST", "/api/v1/applications/{id}/events", true, [this](Request& r) { return Act(r); });
    Add("GET", "/api/v1/enterprises/{uscc}", true, [this](Request& r) { return Enterprise(r); });
    Add("PUT", "/api/v1/enterprises/{uscc}/flags", true, [this](Request& r) { return Flags(r); });
    Add("POST", "/api/v1/enterprises/{uscc}/credit-repairs", true,
        [this](Request& r) { return CreditRepair(r); });
    Add("GET", "/api/v1/escalations", true, [this](Request& r) { return Escalations(r); });
    Add("GET", "/api/v1/incidents", true, [this](Request& r) { return Incidents(r); });
    Add("GET", "/api/v1/calendar/working-days", true,
        [this](Request& r) { return WorkingDays(r); });
    Add("POST", "/api/v1/admin/calendar/reload", true, [this](Request& r) { return Reload(r); });
    Add("GET", "/api/v1/admin/clock", true, [this](Request& r) { return GetClock(r); });
    Add("PUT", "/api/v1/admin/clock", true, [this](Request& r) { return SetClock(r); });
  }

  Response Dispatch(Request& req, const std::string& authorization) {
    bool path_matched = false;
    for (const auto& route : routes_) {
      std::map<std::string, std::string> params;
      if (!Match(route.pattern, req.segments, &params)) continue;
      path_matched = true;
      if (route.method != req.method) continue;
      req.params = std::move(params);
      if (route.authenticated) {
        Status s = Authenticate(authorization, &req.principal);
        if (!s.ok()) return Error(s);
      }
      return route.handler(req);
    }
    if (path_matched) {
      return Error(Status::Error(Code::kInvalidArgument,
                                 "method " + req.method + " not allowed here", "不支持该请求方法"));
    }
    return Error(NotFound("route", "接口", req.method + " /" + JoinPath(req.segments)));
  }

 private:
  struct Route {
    std::string method;
    std::vector<std::string> pattern;
    bool authenticated;
    Handler handler;
  };

  void Add(const std::string& method, const std::string& path, bool authenticated, Handler h) {
    routes_.push_back({method, Split(path), authenticated, std::move(h)});
  }

  static std::string JoinPath(const std::vector<std::string>& segments) {
    std::string out;
    for (const auto& s : segments) out += (out.empty() ? "" : "/") + s;
    return out;
  }

  static bool Match(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                    std::map<std::string, std::string>* params) {
    if (pattern.size() != path.size()) return false;
    for (size_t i = 0; i < pattern.size(); ++i) {
      const auto& p = pattern[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}')
        (*params)[p.substr(1, p.size() - 2)] = path[i];
      else if (p != path[i])
        return false;
    }
    return true;
  }

  Status Authenticate(const std::string& header, Principal* out) const {
    const std::string prefix = "Bearer ";
    if (header.compare(0, prefix.size(), prefix) != 0) {
      return Status::Error(Code::kUnauthorized,
                           "an Authorization: Bearer <token> header is required",
                           "缺少身份令牌（Authorization: Bearer）");
    }
    auto p = principals_.ByToken(header.substr(prefix.size()));
    if (!p) {
      return Status::Error(Code::kUnauthorized, "the token is not known", "身份令牌无效");
    }
    *out = *p;
    return Status::Ok();
  }

  Response ListItems(Request& r) {
    const std::string method = r.query["method"], department = r.query["department"],
                      text = r.query["text"];
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    for (const auto& item : items_.All()) {
      if (!method.empty() && item->reform_method != method) continue;
      if (!department.empty() && item->approving_department != department &&
          std::find(item->supervising_departments.begin(), item->supervising_departments.end(),
                    department) == item->supervising_departments.end())
        continue;
      if (!text.empty() && item->name.find(text) == std::string::npos &&
          item->code.find(text) == std::string::npos)
        continue;
      items->add(RenderItem(*item));
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
    o->set("items", items);
    return Json(200, o);
  }

  Response ItemBody(const std::string& code, int status) {
    auto versions = items_.Versions(code);
    if (!versions.ok()) return Error(versions.status());
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("code", code);
    auto current = items_.Find(code, 0);
    o->set("current", current ? Poco::Dynamic::Var(RenderItem(*current)) : Poco::Dynamic::Var());
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array();
    for (const auto& v : versions.value()) list->add(RenderItemVersion(v));
    o->set("versions", list);
    return Json(status, o);
  }

  Response GetItem(Request& r) { return ItemBody(r.params["code"], 200); }

  Response CreateItem(Request& r) {
    Status s = RequireRole(r.principal, "admin");
    if (!s.ok()) return Error(s);
    auto saved = items_.SaveDraft(r.body, "", engine_.clock().Now());
    if (!saved.ok()) return Error(saved.status());
    return ItemBody(saved->code, 201);
  }

  Response PutDraft(Request& r) {
    Status s = RequireRole(r.principal, "admin");
    if (!s.ok()) return Error(s);
    auto saved = items_.SaveDraft(r.body, r.params["code"], engine_.clock().Now());
    if (!saved.ok()) return Error(saved.status());
    return ItemBody(saved->code, 200);
  }

  Response Publish(Request& r) {
    Status s = RequireRole(r.principal, "admin");
    if (!s.ok()) return Error(s);
    auto published = items_.Publish(r.params["code"], engine_.clock().Now());
    if (!published.ok()) return Error(published.status());
    return ItemBody(published->code, 200);
  }

  Response Retire(Request& r) {
    Status s = RequireRole(r.principal, "admin");
    if (!s.ok()) return Error(s);
    auto retired = items_.Retire(r.params["code"], engine_.clock().Now());
    if (!retired.ok()) return Error(retired.status());
    return ItemBody(retired->code, 200);
  }

  Response ImportItems(Request& r) {
    Status s = RequireRole(r.principal, "admin");
    if (!s.ok()) return Error(s);
    const bool all_or_nothing = r.query["all_or_nothing"] == "true";
    auto report = items_.Import(r.body, all_or_nothing, engine_.clock().Now());
    if (!report.ok()) return Error(report.status());
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("applied", report->applied);
    Poco::JSON::Array::Ptr imported = new Poco::JSON::Array();
    for (const auto& c : report->imported) imported->add(c);
    o->set("imported", imported);
    Poco::JSON::Array::Ptr rejected = new Poco::JSON::Array();
    for (const auto& p : report->rejected) {
      Poco::JSON::Object::Ptr po = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      po->set("row", p.row);
      po->set("reason", p.reason);
      rejected->add(po);
    }
    o->set("rejected", rejected);
    return Json(report->applied ? 200 : 422, o);
  }

  Response Departments(Request&) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array();
    for (const auto& d : items_.Departments()) {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      o->set("id", d.id);
      o->set("name", d.name);
      list->add(o);
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
    o->set("departments", list);
    return Json(200, o);
  }

  Response SaveDepartment(Request& r) {
    Status s = RequireRole(r.principal, "admin");
    if (!s.ok()) return Error(s);
    auto body = ParseObject(r.body);
    if (!body.ok()) return Error(body.status());
    Department d;
    d.id = r.params.count("id") ? r.params["id"] : "";
    if (d.id.empty()) {
      s = ReadString(body.value(), "id", "id", true, &d.id);
      if (!s.ok()) return Error(s);
    }
    s = ReadString(body.value(), "name", "name", true, &d.name);
    if (!s.ok()) return Error(s);
    s = items_.SaveDepartment(d);
    if (!s.ok()) return Error(s);
    Response out = Departments(r);
    out.status = r.method == "POST" ? 201 : 200;
    return out;
  }

  Response RenderById(std::int64_t id, int status) {
    auto detail = engine_.store().Detail(id);
    if (!detail.ok()) return Error(detail.status());
    auto item = engine_.catalogue().Find(detail->app.item_code, detail->app.item_version);
    return Json(status, RenderApplication(detail.value(), item.get()));
  }

  Response Create(Request& r) {
    auto body = ParseObject(r.body);
    if (!body.ok()) return Error(body.status());
    auto input = ParseNewApplication(body.value());
    if (!input.ok()) return Error(input.status());
    const Principal p = r.principal;
    auto app = engine_.Create(input.value(), Actor{p.name, p.role, p.department},
                              [&p](const Application& a) { return MayCreate(p, a); });
    if (!app.ok()) return Error(app.status());
    return RenderById(app->id, 201);
  }

  Response Get(Request& r) {
    auto id = ParseId(r.params["id"], "id");
    if (!id.ok()) return Error(id.status());
    auto detail = engine_.store().Detail(id.value());
    if (!detail.ok()) return Error(detail.status());
    auto item = engine_.catalogue().Find(detail->app.item_code, detail->app.item_version);
    Status s = MayRead(r.principal, detail->app, item.get());
    if (!s.ok()) return Error(s);
    return Json(200, RenderApplication(detail.value(), item.get()));
  }

  Response Act(Request& r) {
    auto id = ParseId(r.params["id"], "id");
    if (!id.ok()) return Error(id.status());
    auto body = ParseObject(r.body);
    if (!body.ok()) return Error(body.status());
    long long expected = 0;
    auto event = ParseEvent(body.value(), &expected);
    if (!event.ok()) return Error(event.status());
    const Principal p = r.principal;
    const std::string name = event->name;
    auto app =
        engine_.Handle(id.value(), event.value(), expected, Actor{p.name, p.role, p.department},
                       [&p, &name](const Application& a) { return MayAct(p, a, name); });
    if (!app.ok()) return Error(app.status());
    return RenderById(app->id, 200);
  }

  Response List(Request& r) {
    ApplicationQuery q;
    q.state = r.query["state"];
    q.item_code = r.query["item_code"];
    q.applicant = r.query["applicant"];
    if (!SeesEverything(r.principal)) q.department = r.principal.department;
    if (r.query.count("limit")) {
      auto limit = ParseId(r.query["limit"], "limit");
      if (!limit.ok() || limit.value() < 1 || limit.value() > 500)
        return Error(
            InvalidArgument("limit", "must be an integer from 1 to 500", "应为1至500的整数"));
      q.limit = static_cast<int>(limit.value());
    }
    if (r.query.count("after")) {
      auto after = ParseId(r.query["after"], "after");
      if (!after.ok()) return Error(after.status());
      q.after = after.value();
    }
    auto apps = engine_.store().List(q);
    if (!apps.ok()) return Error(apps.status());
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array();
    for (const auto& a : apps.value()) {
      auto item = engine_.catalogue().Find(a.item_code, a.item_version);
      list->add(RenderApplicationSummary(a, item.get()));
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("applications", list);
    const bool more = static_cast<int>(apps->size()) == q.limit;
    o->set("next_after", more ? Poco::Dynamic::Var(static_cast<Poco::Int64>(apps->back().id))
                              : Poco::Dynamic::Var());
    return Json(200, o);
  }

  Response Enterprise(Request& r) {
    const std::string uscc = r.params["uscc"];
    Status s = ValidateApplicant(Applicant{"enterprise", uscc, "-"});
    if (!s.ok()) return Error(s);
    auto subject = engine_.store().Subject(uscc);
    if (!subject.ok()) return Error(subject.status());
    Standing standing;
    standing.flags = subject->flags;
    for (const auto& c : subject->credit_records)
      if (!c.repaired) standing.active_credit.push_back(c);
    auto body = RenderSubject(subject.value(), Engine::IneligibleReason(standing, ""));
    Poco::JSON::Array::Ptr barred = new Poco::JSON::Array();
    for (const auto& c : standing.active_credit)
      if (c.scope == "item") barred->add(c.item_code);
    body->set("commitment_barred_items", barred);
    return Json(200, body);
  }

  Response Flags(Request& r) {
    Status s = RequireRole(r.principal, "admin");
    if (!s.ok()) return Error(s);
    const std::string uscc = r.params["uscc"];
    s = ValidateApplicant(Applicant{"enterprise", uscc, "-"});
    if (!s.ok()) return Error(s);
    auto body = ParseObject(r.body);
    if (!body.ok()) return Error(body.status());
    auto flags = ParseFlags(body.value());
    if (!flags.ok()) return Error(flags.status());
    s = engine_.store().PutFlags(uscc, flags.value());
    if (!s.ok()) return Error(s);
    return Enterprise(r);
  }

  Response CreditRepair(Request& r) {
    Status s = RequireRole(r.principal, "admin");
    if (!s.ok()) return Error(s);
    const std::string uscc = r.params["uscc"];
    s = ValidateApplicant(Applicant{"enterprise", uscc, "-"});
    if (!s.ok()) return Error(s);
    auto body = ParseObject(r.body);
    if (!body.ok()) return Error(body.status());
    std::string reason;
    s = ReadString(body.value(), "reason", "reason", true, &reason);
    if (!s.ok()) return Error(s);
    std::vector<std::int64_t> ids;
    if (body.value()->has("credit_record_ids")) {
      auto a = body.value()->getArray("credit_record_ids");
      if (!a)
        return Error(InvalidArgument("credit_record_ids", "must be a list of ids", "应为编号列表"));
      for (size_t i = 0; i < a->size(); ++i) {
        const auto v = a->get(static_cast<unsigned>(i));
        if (!v.isInteger()) {
          return Error(InvalidArgument("credit_record_ids[" + std::to_string(i) + "]",
                                       "must be an integer", "应为整数"));
        }
        ids.push_back(v.convert<std::int64_t>());
      }
    }
    auto repaired =
        engine_.store().RepairCredit(uscc, ids, reason, r.principal.name, engine_.clock().Now());
    if (!repaired.ok()) return Error(repaired.status());
    if (repaired->empty()) {
      return Error(Status::Error(Code::kNotFound, uscc + " has no unrepaired credit record",
                                 uscc + " 没有待修复的信用记录"));
    }
    Response out = Enterprise(r);
    out.status = 201;
    return out;
  }

  Result<std::pair<std::int64_t, int>> Page(Request& r) {
    std::int64_t after = 0;
    int limit = 100;
    if (r.query.count("after")) {
      auto a = ParseId(r.query["after"], "after");
      if (!a.ok()) return a.status();
      after = a.value();
    }
    if (r.query.count("limit")) {
      auto l = ParseId(r.query["limit"], "limit");
      if (!l.ok() || l.value() < 1 || l.value() > 500)
        return InvalidArgument("limit", "must be an integer from 1 to 500", "应为1至500的整数");
      limit = static_cast<int>(l.value());
    }
    return std::make_pair(after, limit);
  }

  Response Escalations(Request& r) {
    auto page = Page(r);
    if (!page.ok()) return Error(page.status());
    const std::string dept = SeesEverything(r.principal) ? "" : r.principal.department;
    auto list = engine_.store().ListEscalations(dept, page->first, page->second);
    if (!list.ok()) return Error(list.status());
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    for (const auto& e : list.value()) items->add(RenderEscalation(e));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
    o->set("escalations", items);
    return Json(200, o);
  }

  Response Incidents(Request& r) {
    if (!SeesEverything(r.principal)) return Error(RequireRole(r.principal, "admin"));
    auto list = engine_.store().ListTimers("incident", 500);
    if (!list.ok()) return Error(list.status());
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    for (const auto& t : list.value()) items->add(RenderTimer(t));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
    o->set("incidents", items);
    return Json(200, o);
  }

  Response WorkingDays(Request& r) {
    auto from = ParseDate(r.query["from"]);
    if (!from)
      return Error(InvalidArgument("from", "must be a date YYYY-MM-DD", "应为日期 YYYY-MM-DD"));
    auto add = ParseId(r.query["add"], "add");
    if (!add.ok() || add.value() > 3650) {
      return Error(InvalidArgument("add", "must be a whole number of working days up to 3650",
                                   "应为不超过3650的工作日数"));
    }
    bool provisional = false;
    const Date date =
        engine_.Calendar()->AddWorkingDays(*from, static_cast<int>(add.value()), &provisional);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("from", FormatDate(*from));
    o->set("add", static_cast<Poco::Int64>(add.value()));
    o->set("date", FormatDate(date));
    o->set("provisional", provisional);
    return Json(200, o);
  }

  Response Reload(Request& r) {
    Status s = RequireRole(r.principal, "admin");
    if (!s.ok()) return Error(s);
    if (!hooks_.load_calendar) return Error(Unavailable("no calendar folder is configured"));
    auto calendar = hooks_.load_calendar();
    if (!calendar.ok()) return Error(calendar.status());  // the calendar in force stays
    auto shared = std::make_shared<WorkingCalendar>(std::move(calendar.value()));
    auto moved = engine_.ReloadCalendar(shared);
    if (!moved.ok()) return Error(moved.status());
    Poco::JSON::Array::Ptr years = new Poco::JSON::Array();
    for (int y : shared->Years()) years->add(y);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("years", years);
    o->set("recomputed_deadlines", moved.value());
    return Json(200, o);
  }

  Response ClockBody() {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("clock", "controlled");
    o->set("now", FormatInstant(engine_.clock().Now()));
    return Json(200, o);
  }

  Response GetClock(Request& r) {
    if (!hooks_.set_clock) return Error(NotFound("route", "接口", "GET /api/v1/admin/clock"));
    Status s = RequireRole(r.principal, "admin");
    if (!s.ok()) return Error(s);
    return ClockBody();
  }

  Response SetClock(Request& r) {
    if (!hooks_.set_clock) return Error(NotFound("route", "接口", "PUT /api/v1/admin/clock"));
    Status s = RequireRole(r.principal, "admin");
    if (!s.ok()) return Error(s);
    auto body = ParseObject(r.body);
    if (!body.ok()) return Error(body.status());
    std::string now;
    s = ReadString(body.value(), "now", "now", true, &now);
    if (!s.ok()) return Error(s);
    auto t = ParseInstant(now);
    if (!t)
      return Error(InvalidArgument("now", "must be an ISO 8601 instant", "应为 ISO 8601 时间"));
    s = hooks_.set_clock(*t);
    if (!s.ok()) return Error(s);
    if (hooks_.wake_timers) hooks_.wake_timers();
    return ClockBody();
  }

  Engine& engine_;
  ItemRegistry& items_;
  const Principals& principals_;
  ServerHooks hooks_;
  std::vector<Route> routes_;
};

namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  Handler(ApiServer::Router* router, size_t max_body) : router_(router), max_body_(max_body) {}
  void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override;

 private:
  ApiServer::Router* router_;
  size_t max_body_;
};

}  // namespace

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  HandlerFactory(ApiServer::Router* router, size_t max_body)
      : router_(router), max_body_(max_body) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(router_, max_body_);
  }

 private:
  ApiServer::Router* router_;
  size_t max_body_;
};

void Handler::handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) {
  Response resp;
  try {
    Request req;
    req.method = in.getMethod();
    Poco::URI uri(in.getURI());
    req.segments = Split(uri.getPath());
    for (const auto& [k, v] : uri.getQueryParameters()) req.query[k] = v;
    if (in.hasContentLength() && static_cast<size_t>(in.getContentLength64()) > max_body_) {
      resp = Error(
          Status::Error(Code::kInvalidArgument, "the body is larger than the limit", "请求体过大"));
      resp.status = 413;
    } else {
      std::string body;
      Poco::StreamCopier::copyToString(in.stream(), body, 8192);
      if (body.size() > max_body_) {
        resp = Error(Status::Error(Code::kInvalidArgument, "the body is larger than the limit",
                                   "请求体过大"));
        resp.status = 413;
      } else {
        req.body = std::move(body);
        resp = router_->Dispatch(req, in.get("Authorization", ""));
      }
    }
  } catch (const Poco::Exception& e) {
    resp =
        Error(Status::Error(Code::kInvalidArgument, "bad request: " + e.displayText(), "请求无效"));
  } catch (const std::exception& e) {
    resp = Error(Status::Error(Code::kInternal, std::string("internal error: ") + e.what(),
                               "服务器内部错误"));
  }
  out.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(resp.status));
  out.setContentType("application/json; charset=utf-8");
  out.setContentLength(static_cast<std::streamsize>(resp.body.size()));
  out.send() << resp.body;
}

ApiServer::ApiServer(Engine& engine, ItemRegistry& items, const Principals& principals,
                     ServerOptions options, ServerHooks hooks)
    : router_(std::make_unique<Router>(engine, items, principals, std::move(hooks))),
      options_(std::move(options)) {}

ApiServer::~ApiServer() { Stop(); }

void ApiServer::Start() {
  Poco::Net::ServerSocket socket(
      Poco::Net::SocketAddress(options_.host, static_cast<Poco::UInt16>(options_.port)));
  auto* params = new Poco::Net::HTTPServerParams();
  params->setMaxThreads(options_.threads);
  params->setMaxQueued(options_.queue);
  server_ = std::make_unique<Poco::Net::HTTPServer>(
      new HandlerFactory(router_.get(), options_.max_body_bytes), socket, params);
  server_->start();
}

void ApiServer::Stop() {
  if (server_) {
    server_->stopAll(false);
    server_.reset();
  }
}

int ApiServer::port() const { return server_ ? server_->port() : 0; }

}  // namespace permitflow
