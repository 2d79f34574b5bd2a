#include "admin/api_server.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

#include "admin/access.hpp"
#include "admin/authenticator.hpp"
#include "admin/json_mapping.hpp"
#include "admin/metrics.hpp"
#include "admin/openapi.hpp"

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
    case Code::kIdempotencyMismatch:
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
  std::string content_type;
  std::string idempotency_key;
  std::string remote;
  std::string route;  // the matched pattern, "POST /api/v1/applications/{id}/events"
  bool authenticated = false;
  Principal principal;
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
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

  Router(Engine& engine, ItemRegistry& items, const Principals& principals, ApiRecords& records,
         const ServerOptions& options, ServerHooks hooks)
      : engine_(engine),
        items_(items),
        records_(records),
        options_(options),
        auth_(principals, &records, options.jwt_secret, engine.clock()),
        hooks_(std::move(hooks)) {
    observer_ = engine_.AddCommitObserver([this](const ChangeSet& c) { metrics_.Committed(c); });
    Add("GET", "/healthz", false, [](Request&) {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
      o->set("status", "ok");
      return Json(200, o);
    });
    Add("GET", "/metrics", false, [this](Request&) { return MetricsText(); });
    Add("GET", "/api/v1/openapi.json", false, [this](Request&) {
      return Response{200, OpenApi(), "application/json; charset=utf-8"};
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
    Add("POST", "/api/v1/registrations", true, [this](Request& r) { return Register(r); });
    Add("POST", "/api/v1/notices/{id}/claim", true, [this](Request& r) { return Claim(r); });
    Add("GET", "/api/v1/departments/{id}/notices", true,
        [this](Request& r) { return DepartmentNotices(r); });
    Add("GET", "/api/v1/departments/{id}/inbox", true, [this](Request& r) { return Inbox(r); });
    Add("POST", "/api/v1/applications/{id}/supervision-decisions", true,
        [this](Request& r) { return Supervise(r); });
    Add("GET", "/api/v1/outbox", true, [this](Request& r) { return Outbox(r); });
    Add("POST", "/api/v1/outbox", true, [this](Request& r) { return Replay(r); });
    Add("GET", "/api/v1/publicity/overdue", true,
        [this](Request& r) { return OverduePublicity(r); });
    Add("GET", "/api/v1/statistics/claims", true, [this](Request& r) { return ClaimStats(r); });
    Add("GET", "/api/v1/statistics/supervision", true,
        [this](Request& r) { return SupervisionStats(r); });
    Add("GET", "/api/v1/admin/clock", true, [this](Request& r) { return GetClock(r); });
    Add("PUT", "/api/v1/admin/clock", true, [this](Request& r) { return SetClock(r); });
  }

  ~Router() { engine_.RemoveCommitObserver(observer_); }

  Response Dispatch(Request& req, const std::string& authorization) {
    bool path_matched = false;
    for (const auto& route : routes_) {
      std::map<std::string, std::string> params;
      if (!Match(route.pattern, req.segments, &params)) continue;
      path_matched = true;
      if (route.method != req.method) continue;
      req.params = std::move(params);
      req.route = route.method + " " + route.path;
      if (route.authenticated) {
        Status s = auth_.Authenticate(authorization, &req.principal);
        if (!s.ok()) return Error(s);
        req.authenticated = true;
      }
      const bool command = req.method == "POST" || req.method == "PUT";
      if (!command) return route.handler(req);
      Response resp = Command(route, req);
      Audit(req, resp);
      return resp;
    }
    if (path_matched) {
      return Error(Status::Error(Code::kInvalidArgument,
                                 "method " + req.method + " not allowed here", "不支持该请求方法"));
    }
    return Error(NotFound("route", "接口", req.method + " /" + JoinPath(req.segments)));
  }

  std::vector<std::string> RouteList() const {
    std::vector<std::string> out;
    for (const auto& r : routes_) out.push_back(r.method + " " + r.path);
    return out;
  }

  std::string OpenApi() const {
    std::vector<RouteKey> keys;
    for (const auto& r : routes_) keys.push_back({r.method, r.path});
    return BuildOpenApi(keys);
  }

  Metrics metrics_;

 private:
  struct Route {
    std::string method;
    std::string path;
    std::vector<std::string> pattern;
    bool authenticated;
    Handler handler;
  };

  void Add(const std::string& method, const std::string& path, bool authenticated, Handler h) {
    routes_.push_back({method, path, Split(path), authenticated, std::move(h)});
  }

  // A POST or PUT: the body's media type, then the Idempotency-Key, then the handler.
  Response Command(const Route& route, Request& req) {
    if (!req.body.empty()) {
      const std::string type = req.content_type.substr(0, req.content_type.find(';'));
      const bool csv_ok = route.path == "/api/v1/items:import" && type == "text/csv";
      if (type != "application/json" && !csv_ok) {
        Response r =
            Error(Status::Error(Code::kInvalidArgument,
                                "the body must be application/json" +
                                    std::string(csv_ok ? "" : "") + ", not '" + type + "'",
                                "请求体须为 application/json", {{"content_type", {type}}}));
        r.status = 415;
        return r;
      }
    }
    if (req.method != "POST" || req.idempotency_key.empty()) return route.handler(req);
    const std::string who = req.principal.name;
    const std::string fingerprint =
        Sha256Hex(req.route + "\n" + JoinPath(req.segments) + "\n" + req.body);
    auto reserved = records_.ReserveKey(who, req.idempotency_key, fingerprint,
                                        engine_.clock().Now(), options_.idempotency_keep_ms);
    if (!reserved.ok()) return Error(reserved.status());
    using Kind = ApiRecords::Idempotency::Kind;
    switch (reserved->kind) {
      case Kind::kReplay:
        return Response{reserved->status, reserved->body};
      case Kind::kMismatch:
        return Error(Status::Error(
            Code::kIdempotencyMismatch,
            "Idempotency-Key " + req.idempotency_key + " was used with another request",
            "该幂等键已用于不同的请求"));
      case Kind::kInProgress:
        return Error(Status::Error(Code::kConflict,
                                   "a request with this Idempotency-Key is still being processed",
                                   "相同幂等键的请求正在处理中"));
      case Kind::kNew:
        break;
    }
    Response resp = route.handler(req);
    if (resp.status >= 500)
      records_.ReleaseKey(who, req.idempotency_key);  // a server failure may be retried
    else
      records_.CompleteKey(who, req.idempotency_key, resp.status, resp.body);
    return resp;
  }

  // One audit entry per command by a known principal, refused ones included.
  void Audit(const Request& req, const Response& resp) {
    if (!req.authenticated) return;
    AuditEntry e;
    e.principal = req.principal.name;
    e.role = req.principal.role;
    e.department = req.principal.department;
    e.route = req.route;
    auto id = req.params.find("id");
    if (id != req.params.end() && id->second.find_first_not_of("0123456789") == std::string::npos &&
        !id->second.empty() && id->second.size() < 18)
      e.application_id = std::stoll(id->second);
    std::string error_code;
    try {
      auto reply = Poco::JSON::Parser().parse(resp.body).extract<Poco::JSON::Object::Ptr>();
      if (reply->has("error"))
        error_code = reply->getObject("error")->optValue<std::string>("code", "");
      if (e.application_id == 0 && req.route == "POST /api/v1/applications" && reply->has("id"))
        e.application_id = reply->getValue<long long>("id");
    } catch (const Poco::Exception&) {
    }
    try {
      auto body = Poco::JSON::Parser().parse(req.body).extract<Poco::JSON::Object::Ptr>();
      e.event = body->optValue<std::string>("event", "");
    } catch (const Poco::Exception&) {
    }
    e.outcome = std::to_string(resp.status) + (error_code.empty() ? "" : " " + error_code);
    e.at = engine_.clock().Now();
    e.remote = req.remote;
    Status s = records_.AppendAudit(e);
    if (!s.ok()) std::cerr << "permitflow: audit append failed: " << s.message() << std::endl;
  }

  long long Backlog() {
    if (!hooks_.linkage_store) return 0;
    auto n = hooks_.linkage_store->OutboxBacklog();
    return n.ok() ? n.value() : 0;
  }

  Response MetricsText() {
    auto timers = records_.TimerCounts(engine_.clock().Now());
    Response r{200,
               metrics_.Render(timers.ok() ? timers.value() : std::map<std::string, long long>{},
                               Backlog()),
               "text/plain; version=0.0.4; charset=utf-8"};
    return r;
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

  static bool Masked(const Principal& p) { return p.role == "auditor"; }

  Response RenderById(std::int64_t id, int status, const Principal& p) {
    auto detail = engine_.store().Detail(id);
    if (!detail.ok()) return Error(detail.status());
    auto item = engine_.catalogue().Find(detail->app.item_code, detail->app.item_version);
    return Json(status, RenderApplication(detail.value(), item.get(), Masked(p)));
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
    return RenderById(app->id, 201, r.principal);
  }

  Response Get(Request& r) {
    auto id = ParseId(r.params["id"], "id");
    if (!id.ok()) return Error(id.status());
    auto detail = engine_.store().Detail(id.value());
    if (!detail.ok()) return Error(detail.status());
    auto item = engine_.catalogue().Find(detail->app.item_code, detail->app.item_version);
    Status s = MayRead(r.principal, detail->app, item.get());
    if (!s.ok()) return Error(s);
    return Json(200, RenderApplication(detail.value(), item.get(), Masked(r.principal)));
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
    return RenderById(app->id, 200, r.principal);
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
      list->add(RenderApplicationSummary(a, item.get(), Masked(r.principal)));
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
    if (hooks_.linkage_store) {
      const Instant now = engine_.clock().Now();
      Poco::JSON::Array::Ptr decisions = new Poco::JSON::Array();
      auto listed = hooks_.linkage_store->ListSupervisionDecisions(0, uscc);
      for (const auto& d : listed.ok() ? listed.value() : std::vector<SupervisionDecision>{}) {
        decisions->add(RenderSupervisionDecision(d));
      }
      body->set("supervision_decisions", decisions);
      Poco::JSON::Array::Ptr publicity = new Poco::JSON::Array();
      auto records = hooks_.linkage_store->ListPublicity(uscc, 0);
      for (const auto& p : records.ok() ? records.value() : std::vector<PublicityRecord>{})
        publicity->add(RenderPublicity(p, now));
      body->set("publicity", publicity);
    }
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

  Status NeedLinkage() const {
    return hooks_.linkage && hooks_.linkage_store
               ? Status::Ok()
               : Unavailable("registration and supervision linkage is not configured");
  }

  Response Register(Request& r) {
    Status s = NeedLinkage();
    if (!s.ok()) return Error(s);
    const Principal& p = r.principal;
    if (p.role != "admin" &&
        !(p.role == "handler" && p.department == hooks_.registration_department)) {
      return Error(Status::Error(Code::kForbidden,
                                 "registrations are recorded by the registration department (" +
                                     hooks_.registration_department + ")",
                                 "市场主体登记信息由登记机关录入"));
    }
    auto body = ParseObject(r.body);
    if (!body.ok()) return Error(body.status());
    RegistrationInput in;
    s = ReadString(body.value(), "uscc", "uscc", true, &in.uscc);
    if (s.ok()) s = ReadString(body.value(), "name", "name", true, &in.name);
    if (s.ok()) s = ReadString(body.value(), "region_code", "region_code", true, &in.region_code);
    if (s.ok()) s = ReadStringList(body.value(), "scope", "scope", true, &in.scope);
    if (!s.ok()) return Error(s);
    auto result = hooks_.linkage->Register(in);
    if (!result.ok()) return Error(result.status());
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("registration_id", static_cast<Poco::Int64>(result->id));
    o->set("operate_now", result->operate_now);
    std::string zh;
    if (result->operate_now) {
      zh = "经营范围不涉及许可事项，准入即营：取得营业执照即可开展经营。";
    } else if (!result->required.empty()) {
      zh = "经营范围涉及以下许可事项，请向审批部门申请：";
      for (const auto& item : result->required) zh += "“" + item->name + "”";
    } else {
      zh = "经营范围中有未能识别的规范用语，请核对。";
    }
    o->set("message_zh", zh);
    auto items = [](const std::vector<std::shared_ptr<const ItemDefinition>>& v) {
      Poco::JSON::Array::Ptr a = new Poco::JSON::Array();
      for (const auto& item : v) {
        Poco::JSON::Object::Ptr i = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        i->set("code", item->code);
        i->set("name", item->name);
        i->set("approving_department", item->approving_department);
        i->set("reform_method", item->reform_method);
        a->add(i);
      }
      return a;
    };
    o->set("required_items", items(result->required));
    o->set("approval_cancelled_items", items(result->cancelled));
    Poco::JSON::Array::Ptr unknown = new Poco::JSON::Array();
    for (const auto& t : result->unknown_terms) unknown->add(t);
    o->set("unknown_terms", unknown);
    Poco::JSON::Array::Ptr notices = new Poco::JSON::Array();
    for (const auto& n : result->notices) notices->add(RenderNotice(n));
    o->set("notices", notices);
    return Json(201, o);
  }

  Response Claim(Request& r) {
    Status s = NeedLinkage();
    if (!s.ok()) return Error(s);
    if (r.principal.role == "auditor") return Error(RequireRole(r.principal, "admin"));
    auto id = ParseId(r.params["id"], "id");
    if (!id.ok()) return Error(id.status());
    const Principal& p = r.principal;
    auto claimed = hooks_.linkage->Claim(id.value(), Actor{p.name, p.role, p.department});
    if (!claimed.ok()) return Error(claimed.status());
    return Json(200, RenderNotice(claimed.value()));
  }

  Status OwnDepartment(const Request& r) {
    const std::string dept = r.params.at("id");
    if (SeesEverything(r.principal) || r.principal.department == dept) return Status::Ok();
    return Status::Error(Code::kForbidden, "only department " + dept + " reads its own inbox",
                         "只能查看本部门的收件箱");
  }

  Response DepartmentNotices(Request& r) {
    Status s = NeedLinkage();
    if (s.ok()) s = OwnDepartment(r);
    if (!s.ok()) return Error(s);
    auto page = Page(r);
    if (!page.ok()) return Error(page.status());
    const int claimed = r.query.count("claimed") ? (r.query["claimed"] == "true" ? 1 : 0) : -1;
    auto list =
        hooks_.linkage_store->ListNotices(r.params["id"], claimed, page->first, page->second);
    if (!list.ok()) return Error(list.status());
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array();
    for (const auto& n : list.value()) a->add(RenderNotice(n));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
    o->set("notices", a);
    return Json(200, o);
  }

  Response Inbox(Request& r) {
    Status s = NeedLinkage();
    if (s.ok()) s = OwnDepartment(r);
    if (!s.ok()) return Error(s);
    auto page = Page(r);
    if (!page.ok()) return Error(page.status());
    auto list = hooks_.linkage_store->ListMessages(r.params["id"], "", page->first, page->second);
    if (!list.ok()) return Error(list.status());
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array();
    for (const auto& m : list.value()) a->add(RenderMessage(m));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
    o->set("messages", a);
    return Json(200, o);
  }

  Response Supervise(Request& r) {
    Status s = NeedLinkage();
    if (!s.ok()) return Error(s);
    const Principal& p = r.principal;
    if (p.role != "admin" && p.role != "supervisor") {
      return Error(Status::Error(Code::kForbidden, "supervision decisions are the supervisors'",
                                 "监管决定由监管部门录入"));
    }
    auto id = ParseId(r.params["id"], "id");
    if (!id.ok()) return Error(id.status());
    auto body = ParseObject(r.body);
    if (!body.ok()) return Error(body.status());
    SupervisionDecision d;
    std::string decided_on;
    s = ReadString(body.value(), "kind", "kind", true, &d.kind);
    if (s.ok()) s = ReadString(body.value(), "summary", "summary", true, &d.summary);
    if (s.ok()) s = ReadString(body.value(), "decided_on", "decided_on", true, &decided_on);
    if (!s.ok()) return Error(s);
    auto date = ParseDate(decided_on);
    if (!date) return Error(InvalidArgument("decided_on", "must be a date YYYY-MM-DD", "应为日期"));
    d.decided_on = *date;
    auto saved = hooks_.linkage->RecordSupervisionDecision(id.value(), d,
                                                           Actor{p.name, p.role, p.department});
    if (!saved.ok()) return Error(saved.status());
    return Json(201, RenderSupervisionDecision(saved.value()));
  }

  Response Outbox(Request& r) {
    Status s = NeedLinkage();
    if (!s.ok()) return Error(s);
    if (!SeesEverything(r.principal)) return Error(RequireRole(r.principal, "admin"));
    auto page = Page(r);
    if (!page.ok()) return Error(page.status());
    auto list = hooks_.linkage_store->ListMessages(r.query["recipient"], r.query["state"],
                                                   page->first, page->second);
    if (!list.ok()) return Error(list.status());
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array();
    for (const auto& m : list.value()) a->add(RenderMessage(m));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
    o->set("messages", a);
    return Json(200, o);
  }

  Response Replay(Request& r) {
    Status s = NeedLinkage();
    if (s.ok()) s = RequireRole(r.principal, "admin");
    if (!s.ok()) return Error(s);
    std::vector<std::int64_t> ids;
    if (!r.body.empty()) {
      auto body = ParseObject(r.body);
      if (!body.ok()) return Error(body.status());
      if (body.value()->has("replay")) {
        auto a = body.value()->getArray("replay");
        if (!a)
          return Error(InvalidArgument("replay", "must be a list of message ids", "应为编号列表"));
        for (unsigned i = 0; i < a->size(); ++i) {
          if (!a->get(i).isInteger())
            return Error(InvalidArgument("replay[" + std::to_string(i) + "]", "must be an integer",
                                         "应为整数"));
          ids.push_back(a->get(i).convert<std::int64_t>());
        }
      }
    }
    auto replayed = hooks_.linkage_store->ReplayMessages(ids);
    if (!replayed.ok()) return Error(replayed.status());
    if (hooks_.wake_timers) hooks_.wake_timers();
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
    o->set("replayed", replayed.value());
    return Json(200, o);
  }

  Response OverduePublicity(Request&) {
    Status s = NeedLinkage();
    if (!s.ok()) return Error(s);
    const Instant now = engine_.clock().Now();
    auto list = hooks_.linkage_store->ListPublicity("", now);
    if (!list.ok()) return Error(list.status());
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array();
    for (const auto& p : list.value()) a->add(RenderPublicity(p, now));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
    o->set("overdue", a);
    return Json(200, o);
  }

  Result<std::pair<Instant, Instant>> Period(Request& r) {
    auto from = ParseDate(r.query.count("from") ? r.query["from"] : "2021-03-01");
    auto to = ParseDate(r.query.count("to") ? r.query["to"]
                                            : FormatDate(LocalDate(engine_.clock().Now())));
    if (!from || !to) return InvalidArgument("from/to", "must be dates YYYY-MM-DD", "应为日期");
    return std::make_pair(EndOfLocalDay(AddDays(*from, -1)) + 1, EndOfLocalDay(*to) + 1);
  }

  Response ClaimStats(Request& r) {
    Status s = NeedLinkage();
    if (!s.ok()) return Error(s);
    if (!SeesEverything(r.principal)) return Error(RequireRole(r.principal, "admin"));
    auto period = Period(r);
    if (!period.ok()) return Error(period.status());
    auto tallies = hooks_.linkage_store->ClaimTallies(period->first, period->second);
    if (!tallies.ok()) return Error(tallies.status());
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array();
    long long total = 0, claimed = 0;
    auto score = [](const ClaimScore& c) {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      o->set("notices", c.notices);
      o->set("claimed", c.claimed);
      o->set("rate", c.rate);
      o->set("points", c.points);
      return o;
    };
    for (const auto& t : tallies.value()) {
      auto o = score(ScoreClaims(t.total, t.done));
      o->set("department", t.department);
      a->add(o);
      total += t.total;
      claimed += t.done;
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("departments", a);
    o->set("county", score(ScoreClaims(total, claimed)));
    return Json(200, o);
  }

  Response SupervisionStats(Request& r) {
    Status s = NeedLinkage();
    if (!s.ok()) return Error(s);
    if (!SeesEverything(r.principal)) return Error(RequireRole(r.principal, "admin"));
    auto period = Period(r);
    if (!period.ok()) return Error(period.status());
    auto tallies = hooks_.linkage_store->SupervisionTallies(period->first, period->second);
    if (!tallies.ok()) return Error(tallies.status());
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array();
    for (const auto& t : tallies.value()) {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      o->set("department", t.department);
      o->set("decisions", t.total);
      o->set("late", t.done);
      a->add(o);
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
    o->set("departments", a);
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
  int observer_ = 0;
  ItemRegistry& items_;
  ApiRecords& records_;
  const ServerOptions& options_;
  Authenticator auth_;
  ServerHooks hooks_;
  std::vector<Route> routes_;
};

namespace {

std::string RequestId(const std::string& given) {
  if (!given.empty() && given.size() <= 64 &&
      given.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
          std::string::npos)
    return given;
  static std::atomic<unsigned long long> counter{0};
  thread_local std::mt19937_64 random(std::random_device{}());
  std::ostringstream out;
  out << std::hex << std::setw(12) << std::setfill('0') << (random() & 0xffffffffffffULL)
      << std::setw(4) << (counter++ & 0xffff);
  return out.str();
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  Handler(ApiServer::Router* router, const ServerOptions& options, std::function<int()> queued)
      : router_(router), options_(options), queued_(std::move(queued)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override;

 private:
  ApiServer::Router* router_;
  const ServerOptions& options_;
  std::function<int()> queued_;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  HandlerFactory(ApiServer::Router* router, const ServerOptions& options,
                 std::function<int()> queued)
      : router_(router), options_(options), queued_(std::move(queued)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(router_, options_, queued_);
  }

 private:
  ApiServer::Router* router_;
  const ServerOptions& options_;
  std::function<int()> queued_;
};

Response TooLarge() {
  Response r = Error(
      Status::Error(Code::kInvalidArgument, "the body is larger than the limit", "请求体过大"));
  r.status = 413;
  return r;
}

void Handler::handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) {
  const auto started = std::chrono::steady_clock::now();
  const std::string request_id = RequestId(in.get("X-Request-Id", ""));
  Response resp;
  Request req;
  req.method = in.getMethod();
  try {
    Poco::URI uri(in.getURI());
    req.segments = Split(uri.getPath());
    for (const auto& [k, v] : uri.getQueryParameters()) req.query[k] = v;
    req.content_type = in.getContentType();
    req.idempotency_key = in.get("Idempotency-Key", "");
    req.remote = in.clientAddress().host().toString();
    if (queued_ && queued_() >= options_.queue) {
      // Overloaded: answer at once rather than let the queue grow.
      resp = Error(Unavailable("the server is overloaded; retry shortly"));
      out.set("Retry-After", "1");
    } else if (in.hasContentLength() &&
               static_cast<size_t>(in.getContentLength64()) > options_.max_body_bytes) {
      resp = TooLarge();
    } else {
      std::string body;
      Poco::StreamCopier::copyToString(in.stream(), body, 8192);
      if (body.size() > options_.max_body_bytes) {
        resp = TooLarge();
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
  out.setContentType(resp.content_type);
  out.set("X-Request-Id", request_id);
  out.setContentLength(static_cast<std::streamsize>(resp.body.size()));
  out.send() << resp.body;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string route = req.route.empty() ? "unmatched" : req.route;
  router_->metrics_.Request(route, resp.status, seconds);
  if (options_.log_requests) {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f", seconds * 1000);
    std::ostringstream line;
    line << FormatInstant(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count())
         << " request_id=" << request_id << " " << req.method << " " << in.getURI()
         << " status=" << resp.status << " ms=" << ms
         << " principal=" << (req.authenticated ? req.principal.name : "-")
         << " remote=" << req.remote << "\n";
    std::cout << line.str() << std::flush;
  }
}

}  // namespace

ApiServer::ApiServer(Engine& engine, ItemRegistry& items, const Principals& principals,
                     ApiRecords& records, ServerOptions options, ServerHooks hooks)
    : options_(std::move(options)) {
  router_ =
      std::make_unique<Router>(engine, items, principals, records, options_, std::move(hooks));
}

std::string ApiServer::OpenApi() const { return router_->OpenApi(); }
std::vector<std::string> ApiServer::RouteList() const { return router_->RouteList(); }

ApiServer::~ApiServer() { Stop(); }

void ApiServer::Start() {
  const Poco::Net::SocketAddress address(options_.host, static_cast<Poco::UInt16>(options_.port));
  std::unique_ptr<Poco::Net::ServerSocket> socket;
  if (!options_.tls_certificate.empty() && !options_.tls_private_key.empty()) {
    Poco::Net::initializeSSL();
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, options_.tls_private_key,
                               options_.tls_certificate, "", Poco::Net::Context::VERIFY_NONE);
    socket = std::make_unique<Poco::Net::SecureServerSocket>(address, 64, context);
  } else {
    socket = std::make_unique<Poco::Net::ServerSocket>(address);
  }
  auto* params = new Poco::Net::HTTPServerParams();
  params->setMaxThreads(options_.threads);
  // Poco refuses connections past this hard bound; below it, the handler answers 503 itself.
  params->setMaxQueued(std::max(options_.queue * 4, 16));
  server_ = std::make_unique<Poco::Net::HTTPServer>(
      new HandlerFactory(router_.get(), options_,
                         [this] { return server_ ? server_->queuedConnections() : 0; }),
      *socket, params);
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
