#include "admin/openapi.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <map>
#include <sstream>

namespace permitflow {

namespace {

struct Doc {
  const char* summary;
  const char* who;      // the roles that may call it
  const char* body;     // the request body, or "" for none
  const char* success;  // the success status
  const char* errors;   // further statuses, space separated
};

using Key = std::pair<std::string, std::string>;

const std::map<Key, Doc>& Docs() {
  static const std::map<Key, Doc> kDocs = {
      {{"GET", "/healthz"}, {"Liveness", "anyone", "", "200", ""}},
      {{"GET", "/metrics"}, {"Prometheus metrics", "anyone", "", "200", ""}},
      {{"GET", "/api/v1/openapi.json"}, {"This document", "anyone", "", "200", ""}},
      {{"GET", "/api/v1/items"},
       {"Published items; filters method, department, text", "any principal", "", "200", "401"}},
      {{"POST", "/api/v1/items"},
       {"Create an item's first draft", "admin", "ItemDefinition", "201", "400 401 403 409 422"}},
      {{"POST", "/api/v1/items:import"},
       {"Import a JSON array or the catalogue CSV; ?all_or_nothing=true", "admin",
        "ItemDefinition[] or text/csv", "200", "400 401 403 415 422"}},
      {{"GET", "/api/v1/items/{code}"},
       {"An item: current definition and all versions", "any principal", "", "200", "401 404"}},
      {{"PUT", "/api/v1/items/{code}/draft"},
       {"Replace the draft or start the next version", "admin", "ItemDefinition", "200",
        "400 401 403 404 422"}},
      {{"POST", "/api/v1/items/{code}/publish"},
       {"Publish the draft for new applications", "admin", "", "200", "401 403 404"}},
      {{"POST", "/api/v1/items/{code}/retire"},
       {"Stop new applications for the item", "admin", "", "200", "401 403 404 409"}},
      {{"GET", "/api/v1/departments"}, {"Departments", "any principal", "", "200", "401"}},
      {{"POST", "/api/v1/departments"},
       {"Add or rename a department", "admin", "Department", "201", "400 401 403"}},
      {{"PUT", "/api/v1/departments/{id}"},
       {"Rename a department", "admin", "Department", "200", "400 401 403"}},
      {{"POST", "/api/v1/applications"},
       {"Register an application", "handler of the item's department, admin", "NewApplication",
        "201", "400 401 403 404 409 415 422"}},
      {{"GET", "/api/v1/applications"},
       {"Applications, keyset paginated: state, item_code, applicant, limit, after",
        "every role; limited to the caller's department", "", "200", "400 401"}},
      {{"GET", "/api/v1/applications/{id}"},
       {"An application with its materials, deadlines and history",
        "its department, supervisors of the item, admin, auditor", "", "200", "400 401 404"}},
      {{"POST", "/api/v1/applications/{id}/events"},
       {"Advance an application by one event", "handler (not verify), inspector (verify), admin",
        "Event", "200", "400 401 403 404 409 415 422"}},
      {{"GET", "/api/v1/enterprises/{uscc}"},
       {"An enterprise: flags, credit records, permits, whether the commitment method is open",
        "any principal", "", "200", "400 401 404"}},
      {{"PUT", "/api/v1/enterprises/{uscc}/flags"},
       {"Replace the list flags the market-regulation system reports", "admin", "Flags", "200",
        "400 401 403 415"}},
      {{"POST", "/api/v1/enterprises/{uscc}/credit-repairs"},
       {"Record a credit repair (信用修复)", "admin", "CreditRepair", "201", "400 401 403 404"}},
      {{"GET", "/api/v1/escalations"},
       {"Deadlines the authority missed", "the department's principals, admin, auditor", "", "200",
        "400 401"}},
      {{"GET", "/api/v1/incidents"},
       {"Timers that failed every attempt", "admin, auditor", "", "200", "401 403"}},
      {{"GET", "/api/v1/calendar/working-days"},
       {"The date N working days after from: ?from=YYYY-MM-DD&add=N", "any principal", "", "200",
        "400 401"}},
      {{"POST", "/api/v1/admin/calendar/reload"},
       {"Reload the working-day calendar and recompute provisional deadlines", "admin", "", "200",
        "400 401 403"}},
      {{"POST", "/api/v1/registrations"},
       {"Match a registration's business scope: 准入即营, or the permits it needs, and notify the "
        "departments",
        "admin, handlers of the registration department", "Registration", "201",
        "400 401 403 415"}},
      {{"POST", "/api/v1/notices/{id}/claim"},
       {"Claim (认领) a registration notice", "the notice's department, admin", "", "200",
        "400 401 403 404 409"}},
      {{"GET", "/api/v1/departments/{id}/notices"},
       {"A department's notices; ?claimed=false for the unclaimed",
        "the department, admin, auditor", "", "200", "401 403"}},
      {{"GET", "/api/v1/departments/{id}/inbox"},
       {"Every message sent to a department, with its send time", "the department, admin, auditor",
        "", "200", "401 403"}},
      {{"POST", "/api/v1/applications/{id}/supervision-decisions"},
       {"Record a supervision decision about a permit; pushed back to the approving department",
        "supervisors of the item, admin", "SupervisionDecision", "201", "400 401 403 404 415"}},
      {{"GET", "/api/v1/outbox"},
       {"Messages to other systems; ?state=pending|delivered|dead&recipient=", "admin, auditor", "",
        "200", "401 403"}},
      {{"POST", "/api/v1/outbox"},
       {"Replay dead messages: {\"replay\": [ids]}, or every dead one", "admin", "Replay", "200",
        "400 401 403"}},
      {{"GET", "/api/v1/publicity/overdue"},
       {"Records not published within 20 working days", "any principal", "", "200", "401"}},
      {{"GET", "/api/v1/statistics/claims"},
       {"Claim rates per department and for the county, with scorecard points; ?from=&to=",
        "admin, auditor", "", "200", "400 401 403"}},
      {{"GET", "/api/v1/statistics/supervision"},
       {"Supervision decisions and late ones per department; ?from=&to=", "admin, auditor", "",
        "200", "400 401 403"}},
      {{"GET", "/api/v1/admin/clock"},
       {"The controlled clock (404 with the system clock)", "admin", "", "200", "401 403 404"}},
      {{"PUT", "/api/v1/admin/clock"},
       {"Set the controlled clock forward", "admin", "Clock", "200", "400 401 403 404"}},
  };
  return kDocs;
}

Poco::JSON::Object::Ptr Obj() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::JSON::Object::Ptr Ref(const std::string& name) {
  auto o = Obj();
  o->set("$ref", "#/components/schemas/" + name);
  return o;
}

Poco::JSON::Object::Ptr Components() {
  auto schemas = Obj();
  auto error = Obj();
  error->set("type", "object");
  auto inner = Obj();
  inner->set("type", "object");
  auto fields = Obj();
  for (const char* f : {"code", "message", "message_zh"}) {
    auto t = Obj();
    t->set("type", "string");
    fields->set(f, t);
  }
  auto details = Obj();
  details->set("type", "object");
  fields->set("details", details);
  inner->set("properties", fields);
  auto props = Obj();
  props->set("error", inner);
  error->set("properties", props);
  schemas->set("Error", error);
  for (const char* name :
       {"ItemDefinition", "Department", "NewApplication", "Event", "Flags", "CreditRepair", "Clock",
        "Registration", "SupervisionDecision", "Replay"}) {
    auto s = Obj();
    s->set("type", "object");
    s->set("description", "See the README for the fields.");
    schemas->set(name, s);
  }
  auto bearer = Obj();
  bearer->set("type", "http");
  bearer->set("scheme", "bearer");
  auto security = Obj();
  security->set("bearer", bearer);
  auto components = Obj();
  components->set("schemas", schemas);
  components->set("securitySchemes", security);
  return components;
}

}  // namespace

std::vector<std::string> UndocumentedRoutes(const std::vector<RouteKey>& routes) {
  std::vector<std::string> out;
  for (const auto& r : routes)
    if (!Docs().count({r.method, r.path})) out.push_back(r.method + " " + r.path);
  return out;
}

std::string BuildOpenApi(const std::vector<RouteKey>& routes) {
  auto doc = Obj();
  doc->set("openapi", "3.0.3");
  auto info = Obj();
  info->set("title", "permitflow");
  info->set("description", "证照分离 workflow engine: applications, items, deadlines, credit.");
  info->set("version", "1");
  doc->set("info", info);
  auto paths = Obj();
  for (const auto& r : routes) {
    auto it = Docs().find({r.method, r.path});
    if (it == Docs().end()) continue;
    const Doc& d = it->second;
    Poco::JSON::Object::Ptr path = paths->has(r.path) ? paths->getObject(r.path) : Obj();
    auto op = Obj();
    op->set("summary", d.summary);
    op->set("description", std::string("Who may call it: ") + d.who);
    Poco::JSON::Array::Ptr parameters = new Poco::JSON::Array();
    std::string p = r.path;
    for (size_t open = p.find('{'); open != std::string::npos; open = p.find('{', open + 1)) {
      auto param = Obj();
      param->set("name", p.substr(open + 1, p.find('}', open) - open - 1));
      param->set("in", "path");
      param->set("required", true);
      auto schema = Obj();
      schema->set("type", "string");
      param->set("schema", schema);
      parameters->add(param);
    }
    if (parameters->size() > 0) op->set("parameters", parameters);
    if (std::string(d.body).size() > 0) {
      auto body = Obj();
      auto content = Obj();
      auto media = Obj();
      media->set(
          "schema",
          Ref(std::string(d.body).find(' ') == std::string::npos ? d.body : "ItemDefinition"));
      content->set("application/json", media);
      body->set("content", content);
      op->set("requestBody", body);
    }
    auto responses = Obj();
    auto ok = Obj();
    ok->set("description", "success");
    responses->set(d.success, ok);
    std::istringstream errors(d.errors);
    std::string code;
    while (errors >> code) {
      auto e = Obj();
      e->set("description", "error");
      auto content = Obj();
      auto media = Obj();
      media->set("schema", Ref("Error"));
      content->set("application/json", media);
      e->set("content", content);
      responses->set(code, e);
    }
    op->set("responses", responses);
    if (std::string(d.who) != "anyone") {
      Poco::JSON::Array::Ptr security = new Poco::JSON::Array();
      auto req = Obj();
      req->set("bearer", Poco::JSON::Array::Ptr(new Poco::JSON::Array()));
      security->add(req);
      op->set("security", security);
    }
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(c));
    path->set(method, op);
    paths->set(r.path, path);
  }
  doc->set("paths", paths);
  doc->set("components", Components());
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(doc, out);
  return out.str();
}

}  // namespace permitflow
