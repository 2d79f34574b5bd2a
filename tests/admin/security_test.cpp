// Who may do what, and the request rules: every route against every role, tokens, JWTs,
// Idempotency-Key, media types, overload, the audit chain, masking, the API description, metrics.
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <signal.h>
#include <sqlite3.h>

#include <functional>
#include <set>
#include <sstream>

#include "admin/openapi.hpp"
#include "tests/support/api_fixture.hpp"
#include "tests/support/server_process.hpp"

namespace permitflow {
namespace {

enum class Expect { kAllowed, kForbidden, kHidden, kAbsent };

struct Who {
  std::string name, role, department;
};

const std::vector<Who> kEveryone = {{"admin", "admin", ""},
                                    {"health-handler", "handler", "health"},
                                    {"health-inspector", "inspector", "health"},
                                    {"health-supervisor", "supervisor", "health"},
                                    {"hrss-handler", "handler", "hrss"},
                                    {"hrss-inspector", "inspector", "hrss"},
                                    {"hrss-supervisor", "supervisor", "hrss"},
                                    {"auditor", "auditor", ""}};

Expect AdminOnly(const Who& w) { return w.role == "admin" ? Expect::kAllowed : Expect::kForbidden; }
Expect Anyone(const Who&) { return Expect::kAllowed; }

class Security : public Api {};

TEST_F(Security, EveryRouteAgainstEveryRoleInsideAndOutsideTheDepartment) {
  const long long app = Id(CreateHygiene("admin"));  // a health department application
  ASSERT_EQ(
      Call(
          "POST", "/api/v1/items", "admin",
          R"({"code":"matrix_item","name":"矩阵","level":"local","legal_basis":["x"],)"
          R"("approving_department":"samr","reform_method":"commitment","effective_from":"2026-01-01"})")
          .status,
      201);
  const std::string a = "/api/v1/applications/" + std::to_string(app);
  const std::string e = std::string("/api/v1/enterprises/") + kUscc;
  int serial = 0;
  auto reg = Call("POST", "/api/v1/registrations", "admin",
                  std::string(R"({"uscc":")") + kUscc +
                      R"(","name":"示例宾馆","region_code":"140829","scope":["住宿服务"]})");
  ASSERT_EQ(reg.status, 201) << reg.text;
  long long health_notice = 0;
  auto notices = reg.json->getArray("notices");
  for (unsigned i = 0; i < notices->size(); ++i)
    if (notices->getObject(i)->getValue<std::string>("department") == "health")
      health_notice = notices->getObject(i)->getValue<long long>("id");
  ASSERT_GT(health_notice, 0);
  const std::string n = "/api/v1/notices/" + std::to_string(health_notice);
  struct Case {
    std::string method, path;
    std::function<std::string()> body;
    std::function<Expect(const Who&)> expect;
  };
  auto admin_or_auditor = [](const Who& w) {
    return w.role == "admin" || w.role == "auditor" ? Expect::kAllowed : Expect::kForbidden;
  };
  auto health_inbox = [](const Who& w) {
    return w.role == "admin" || w.role == "auditor" || w.department == "health"
               ? Expect::kAllowed
               : Expect::kForbidden;
  };
  const std::vector<Case> cases = {
      {"GET", "/api/v1/items", [] { return ""; }, Anyone},
      {"POST", "/api/v1/items",
       [&] {
         return R"({"code":"m)" + std::to_string(serial++) +
                R"(","name":"x","level":"local","legal_basis":["x"],"approving_department":"samr",)"
                R"("reform_method":"commitment","effective_from":"2026-01-01"})";
       },
       AdminOnly},
      {"POST", "/api/v1/items:import", [] { return "[]"; }, AdminOnly},
      {"GET", "/api/v1/items/matrix_item", [] { return ""; }, Anyone},
      {"PUT", "/api/v1/items/matrix_item/draft",
       [] {
         return R"({"code":"matrix_item","name":"矩阵2","level":"local","legal_basis":["x"],)"
                R"("approving_department":"samr","reform_method":"commitment","effective_from":"2026-01-01"})";
       },
       AdminOnly},
      {"POST", "/api/v1/items/matrix_item/publish", [] { return ""; }, AdminOnly},
      {"POST", "/api/v1/items/matrix_item/retire", [] { return ""; }, AdminOnly},
      {"GET", "/api/v1/departments", [] { return ""; }, Anyone},
      {"POST", "/api/v1/departments", [] { return R"({"id":"matrix","name":"矩阵局"})"; },
       AdminOnly},
      {"PUT", "/api/v1/departments/matrix", [] { return R"({"name":"矩阵局"})"; }, AdminOnly},
      {"POST", "/api/v1/applications",
       [] {
         return std::string(
                    R"({"item_code":"public_place_hygiene","applicant":{"kind":"enterprise","uscc":")") +
                kUscc + R"(","name":"x"}})";
       },
       [](const Who& w) {
         return w.role == "admin" || (w.role == "handler" && w.department == "health")
                    ? Expect::kAllowed
                    : Expect::kForbidden;
       }},
      {"GET", "/api/v1/applications", [] { return ""; }, Anyone},
      {"GET", a, [] { return ""; },
       [](const Who& w) {
         return w.role == "admin" || w.role == "auditor" || w.department == "health"
                    ? Expect::kAllowed
                    : Expect::kHidden;
       }},
      {"POST", a + "/events", [] { return R"({"event":"withdraw","expected_version":99})"; },
       [](const Who& w) {
         if (w.role == "admin") return Expect::kAllowed;
         if (w.role != "auditor" && w.department != "health") return Expect::kHidden;
         return w.role == "handler" ? Expect::kAllowed : Expect::kForbidden;
       }},
      {"POST", a + "/events",
       [] { return R"({"event":"verify","expected_version":99,"data":{"result":"confirmed"}})"; },
       [](const Who& w) {
         if (w.role == "admin") return Expect::kAllowed;
         if (w.role != "auditor" && w.department != "health") return Expect::kHidden;
         return w.role == "inspector" ? Expect::kAllowed : Expect::kForbidden;
       }},
      {"GET", e, [] { return ""; }, Anyone},
      {"PUT", e + "/flags", [] { return R"({"flags":[]})"; }, AdminOnly},
      {"POST", e + "/credit-repairs", [] { return R"({"reason":"测试"})"; }, AdminOnly},
      {"GET", "/api/v1/escalations", [] { return ""; }, Anyone},
      {"GET", "/api/v1/incidents", [] { return ""; },
       [](const Who& w) {
         return w.role == "admin" || w.role == "auditor" ? Expect::kAllowed : Expect::kForbidden;
       }},
      {"GET", "/api/v1/calendar/working-days?from=2026-09-28&add=5", [] { return ""; }, Anyone},
      {"POST", "/api/v1/admin/calendar/reload", [] { return ""; }, AdminOnly},
      {"POST", "/api/v1/registrations",
       [] {
         return std::string(R"({"uscc":")") + kUscc +
                R"(","name":"x","region_code":"140829","scope":["日用百货销售"]})";
       },
       AdminOnly},
      {"POST", n + "/claim", [] { return ""; },
       [](const Who& w) {
         if (w.role == "auditor") return Expect::kForbidden;
         if (w.role == "admin" || w.department == "health") return Expect::kAllowed;
         return Expect::kHidden;
       }},
      {"GET", "/api/v1/departments/health/notices", [] { return ""; }, health_inbox},
      {"GET", "/api/v1/departments/health/inbox", [] { return ""; }, health_inbox},
      {"POST", a + "/supervision-decisions",
       [] { return R"({"kind":"inspection","decided_on":"2026-03-02","summary":"检查"})"; },
       [](const Who& w) {
         if (w.role == "admin" || (w.role == "supervisor" && w.department == "health"))
           return Expect::kAllowed;
         return w.role == "supervisor" ? Expect::kHidden : Expect::kForbidden;
       }},
      {"GET", "/api/v1/outbox", [] { return ""; }, admin_or_auditor},
      {"POST", "/api/v1/outbox", [] { return R"({"replay":[]})"; }, AdminOnly},
      {"GET", "/api/v1/publicity/overdue", [] { return ""; }, Anyone},
      {"GET", "/api/v1/statistics/claims", [] { return ""; }, admin_or_auditor},
      {"GET", "/api/v1/statistics/supervision", [] { return ""; }, admin_or_auditor},
      {"GET", "/api/v1/admin/clock", [] { return ""; }, [](const Who&) { return Expect::kAbsent; }},
      {"PUT", "/api/v1/admin/clock", [] { return R"({"now":"2030-01-01T00:00:00Z"})"; },
       [](const Who&) { return Expect::kAbsent; }},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Call(c.method, c.path, "", c.body()).status, 401) << c.method << " " << c.path;
    for (const Who& w : kEveryone) {
      const Reply r = Call(c.method, c.path, w.name, c.body());
      const std::string what = c.method + " " + c.path + " as " + w.name + ": " + r.text;
      switch (c.expect(w)) {
        case Expect::kAllowed:
          // Allowed: whatever the answer, it is not a refusal to this principal.
          EXPECT_TRUE(r.status != 401 && r.status != 403 &&
                      !(r.Code() == "not_found" && r.text.find("application") != std::string::npos))
              << what;
          break;
        case Expect::kForbidden:
          EXPECT_EQ(r.status, 403) << what;
          break;
        case Expect::kHidden:
          EXPECT_EQ(r.status, 404) << what;
          EXPECT_EQ(r.Code(), "not_found") << what;
          break;
        case Expect::kAbsent:
          EXPECT_EQ(r.status, 404) << what;
          break;
      }
    }
  }
  // The matrix covers every authenticated route the router has.
  auto pattern_of = [&](const std::string& concrete) {
    std::string out;
    std::istringstream in(concrete);
    std::string segment;
    std::vector<std::string> parts;
    while (std::getline(in, segment, '/')) parts.push_back(segment);
    for (const auto& route : server_->RouteList()) {
      const std::string method = route.substr(0, route.find(' '));
      std::istringstream rin(route.substr(route.find(' ') + 1));
      std::vector<std::string> rparts;
      while (std::getline(rin, segment, '/')) rparts.push_back(segment);
      if (method != concrete.substr(0, concrete.find(' ')) || rparts.size() != parts.size())
        continue;
      bool same = true;
      for (size_t i = 1; i < parts.size(); ++i)
        if (rparts[i] != parts[i] && rparts[i].front() != '{') same = false;
      if (same) return route;
    }
    return std::string();
  };
  std::set<std::string> patterns;
  for (const auto& c : cases)
    patterns.insert(pattern_of(c.method + " " + c.path.substr(0, c.path.find('?'))));
  for (const auto& route : server_->RouteList()) {
    if (route == "GET /healthz" || route == "GET /metrics" || route == "GET /api/v1/openapi.json")
      continue;
    EXPECT_TRUE(patterns.count(route)) << route << " is not in the matrix";
  }
}

TEST_F(Security, IdempotencyKeyReplaysTheFirstResponseAndRefusesAnotherBody) {
  const std::string body =
      std::string(
          R"({"item_code":"public_place_hygiene","applicant":{"kind":"enterprise","uscc":")") +
      kUscc + R"(","name":"一次"}})";
  const std::map<std::string, std::string> headers = {{"Authorization", "Bearer tok-admin"},
                                                      {"Idempotency-Key", "k-1"}};
  auto first = Send("POST", "/api/v1/applications", headers, body);
  ASSERT_EQ(first.status, 201) << first.text;
  auto again = Send("POST", "/api/v1/applications", headers, body);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.text, first.text);
  EXPECT_EQ(h_.store().List(ApplicationQuery{})->size(), 1u);  // one permit application, not two
  auto other = Send("POST", "/api/v1/applications", headers, body + " ");
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(other.Code(), "idempotency_key_reused");
  // The same key of another principal is another key.
  auto theirs =
      Send("POST", "/api/v1/applications",
           {{"Authorization", "Bearer tok-health-handler"}, {"Idempotency-Key", "k-1"}}, body);
  EXPECT_EQ(theirs.status, 201);
  // After 24 hours a key is forgotten.
  h_.clock().Advance(25LL * 3600 * 1000);
  auto later = Send("POST", "/api/v1/applications", headers, body);
  EXPECT_EQ(later.status, 201);
  EXPECT_NE(Id(later), Id(first));
  EXPECT_EQ(h_.store().List(ApplicationQuery{})->size(), 3u);
}

TEST_F(Security, MediaTypeAndSizeLimitsHaveTheirOwnStatus) {
  auto r = Send("POST", "/api/v1/applications", {{"Authorization", "Bearer tok-admin"}},
                "item_code=x", "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 415);
  {
    // A body announced as larger than the limit is refused before it is read.
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(server_->port()));
    Poco::Net::HTTPRequest req("POST", "/api/v1/applications", Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "Bearer tok-admin");
    req.setContentType("application/json");
    req.setContentLength(2 << 20);
    session.sendRequest(req) << "{}";
    Poco::Net::HTTPResponse resp;
    std::string text;
    Poco::StreamCopier::copyToString(session.receiveResponse(resp), text);
    EXPECT_EQ(resp.getStatus(), 413);
  }
  EXPECT_EQ(h_.store().List(ApplicationQuery{})->size(), 0u);
  // The catalogue import also takes CSV.
  r = Send("POST", "/api/v1/items:import", {{"Authorization", "Bearer tok-admin"}},
           "事项名称,设定依据,审批部门,改革方式\n", "text/csv");
  EXPECT_EQ(r.status, 200) << r.text;
}

TEST_F(Security, EveryResponseCarriesARequestId) {
  auto r = Send("GET", "/healthz", {}, "");
  EXPECT_EQ(r.request_id.size(), 16u);
  r = Send("GET", "/healthz", {{"X-Request-Id", "trace-abc-123"}}, "");
  EXPECT_EQ(r.request_id, "trace-abc-123");
  r = Send("GET", "/healthz", {{"X-Request-Id", "bad id\"<>"}}, "");
  EXPECT_NE(r.request_id, "bad id\"<>");
}

TEST_F(Security, SignedJwtsWorkAndExpiredOrBadlySignedOnesDoNot) {
  // The fixture's server has no JWT secret: a JWT is an unknown token there.
  auto make = [](const std::string& secret, Poco::Timestamp exp, const std::string& role) {
    Poco::JWT::Token token;
    token.setType("JWT");
    token.setSubject("sso-user");
    token.payload().set("role", role);
    token.payload().set("department", std::string("health"));
    token.setExpiration(exp);
    Poco::JWT::Signer signer(secret);
    return signer.sign(token, Poco::JWT::Signer::ALGO_HS256);
  };
  const Poco::Timestamp later = Poco::Timestamp() + Poco::Timespan(3600, 0);
  EXPECT_EQ(Send("GET", "/api/v1/items",
                 {{"Authorization", "Bearer " + make("s3cret", later, "handler")}}, "")
                .status,
            401);
  server_->Stop();
  ServerOptions options;
  options.port = 0;
  options.log_requests = false;
  options.jwt_secret = "s3cret";
  server_ =
      std::make_unique<ApiServer>(h_.engine(), h_.catalogue(), principals_, h_.store(), options);
  server_->Start();
  // The JWT's expiry is checked against the engine's clock (a fake one in 2026).
  const Poco::Timestamp fake_now =
      Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(h_.clock().Now() / 1000));
  const std::string good = make("s3cret", fake_now + Poco::Timespan(3600, 0), "handler");
  auto r = Send("GET", "/api/v1/items", {{"Authorization", "Bearer " + good}}, "");
  EXPECT_EQ(r.status, 200) << r.text;
  r = CreateHygiene("");
  EXPECT_EQ(
      Send("POST", "/api/v1/applications", {{"Authorization", "Bearer " + good}},
           std::string(
               R"({"item_code":"public_place_hygiene","applicant":{"kind":"enterprise","uscc":")") +
               kUscc + R"(","name":"x"}})")
          .status,
      201);
  const std::string expired = make("s3cret", fake_now - Poco::Timespan(60, 0), "handler");
  EXPECT_EQ(Send("GET", "/api/v1/items", {{"Authorization", "Bearer " + expired}}, "").status, 401);
  const std::string forged = make("other", fake_now + Poco::Timespan(3600, 0), "admin");
  EXPECT_EQ(Send("GET", "/api/v1/items", {{"Authorization", "Bearer " + forged}}, "").status, 401);
  const std::string unknown_role = make("s3cret", fake_now + Poco::Timespan(3600, 0), "king");
  EXPECT_EQ(Send("GET", "/api/v1/items", {{"Authorization", "Bearer " + unknown_role}}, "").status,
            401);
}

TEST_F(Security, AuditorsSeePersonalIdNumbersMasked) {
  auto r = Call(
      "POST", "/api/v1/applications", "health-handler",
      R"({"item_code":"public_place_hygiene","applicant":{"kind":"person","id_number":"11010519491231002X","name":"李四"}})");
  ASSERT_EQ(r.status, 201) << r.text;
  const std::string path = "/api/v1/applications/" + std::to_string(Id(r));
  EXPECT_EQ(r.json->getObject("applicant")->getValue<std::string>("id_number"),
            "11010519491231002X");
  r = Call("GET", path, "auditor");
  EXPECT_EQ(r.json->getObject("applicant")->getValue<std::string>("id_number"),
            "110105********002X");
  r = Call("GET", "/api/v1/applications", "auditor");
  EXPECT_EQ(r.json->getArray("applications")
                ->getObject(0)
                ->getObject("applicant")
                ->getValue<std::string>("id_number"),
            "110105********002X");
  EXPECT_EQ(r.text.find("19491231"), std::string::npos);
}

TEST_F(Security, TheApiDescribesEveryRouteItHas) {
  std::vector<RouteKey> keys;
  for (const auto& route : server_->RouteList())
    keys.push_back({route.substr(0, route.find(' ')), route.substr(route.find(' ') + 1)});
  EXPECT_TRUE(UndocumentedRoutes(keys).empty()) << UndocumentedRoutes(keys).front();
  auto r = Send("GET", "/api/v1/openapi.json", {}, "");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json->getValue<std::string>("openapi"), "3.0.3");
  auto paths = r.json->getObject("paths");
  size_t operations = 0;
  for (const auto& [path, value] : *paths) {
    auto ops = value.extract<Poco::JSON::Object::Ptr>();
    for (const auto& [method, op] : *ops) {
      ++operations;
      std::string upper = method;
      for (auto& c : upper) c = static_cast<char>(std::toupper(c));
      // Every documented operation is a route the router answers.
      EXPECT_NE(
          std::find(server_->RouteList().begin(), server_->RouteList().end(), upper + " " + path),
          server_->RouteList().end())
          << upper << " " << path;
      auto o = op.extract<Poco::JSON::Object::Ptr>();
      EXPECT_FALSE(o->getValue<std::string>("summary").empty());
      EXPECT_TRUE(o->getObject("responses")->size() > 0);
    }
  }
  EXPECT_EQ(operations, server_->RouteList().size());
}

TEST_F(Security, MetricsCountRequestsTransitionsAndTimers) {
  const long long id = Id(CreateHygiene());
  Event(id, "issue_notice", 1);
  auto r = Send("GET", "/metrics", {}, "");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.text.find(
                "permitflow_requests_total{route=\"POST /api/v1/applications\",status=\"201\"} 1"),
            std::string::npos)
      << r.text;
  EXPECT_NE(
      r.text.find("permitflow_transitions_total{workflow=\"commitment\",event=\"issue_notice\"} 1"),
      std::string::npos);
  EXPECT_NE(r.text.find("permitflow_timers{state=\"armed\"} 1"), std::string::npos);
  EXPECT_NE(r.text.find("permitflow_request_seconds_bucket{le=\"+Inf\"}"), std::string::npos);
  EXPECT_NE(r.text.find("permitflow_outbox_backlog 0"), std::string::npos);
}

class Overloaded : public Api {
  void Configure(ServerOptions& options) override { options.queue = 0; }  // never queue
};

TEST_F(Overloaded, RequestsGet503WithRetryAfter) {
  auto r = Send("GET", "/healthz", {}, "");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.retry_after, "1");
  EXPECT_EQ(r.Code(), "unavailable");
}

// --- against the real executable ---

std::string Output(const std::vector<std::string>& args) {
  std::string out;
  RunPermitflow(args, &out);
  return out;
}

long long Exec(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_open(db.c_str(), &h);
  char* err = nullptr;
  sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  const long long changed = sqlite3_changes(h);
  sqlite3_free(err);
  sqlite3_close(h);
  return changed;
}

TEST(Principals, AddedTokensWorkAndRevokedOnesFailAtOnce) {
  const std::string folder = TempFolder("principals");
  const std::string db = folder + "/p.db";
  const std::vector<std::string> common = {"-D", "database.url=sqlite:" + db, "-D",
                                           "catalogue.dir=" + SourcePath("config/catalogue")};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), common.begin(), common.end());
    return args;
  };
  const std::string added =
      Output(with({"principal", "add", "zhang", "--role", "handler", "--department", "health"}));
  const auto at = added.find("token (shown once, store it now): ");
  ASSERT_NE(at, std::string::npos) << added;
  const std::string marker = "token (shown once, store it now): ";
  const std::string token = added.substr(at + marker.size(), 48);
  ASSERT_EQ(token.size(), 48u);
  Exec(db, "SELECT 1");
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, "SELECT token_sha256 FROM principals WHERE name = 'zhang'", -1, &st,
                     nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  const std::string stored = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(h);
  EXPECT_EQ(stored, Sha256Hex(token));  // only the hash is kept
  EXPECT_EQ(stored.find(token), std::string::npos);
  EXPECT_NE(Output(with({"principal", "list"})).find("zhang\thandler\thealth"), std::string::npos);

  ServerProcess server(folder, {{"database.url", "sqlite:" + db}});
  Http http{server.WaitUntilListening()};
  ASSERT_GT(http.port, 0) << server.Output();
  EXPECT_EQ(http.Call("GET", "/api/v1/items", token, "", nullptr), 200);
  EXPECT_NE(Output(with({"principal", "revoke", "zhang"})).find("revoked"), std::string::npos);
  EXPECT_EQ(http.Call("GET", "/api/v1/items", token, "", nullptr), 401);  // no restart
  EXPECT_NE(Output(with({"principal", "list"})).find("revoked"), std::string::npos);
}

TEST(Audit, TheChainNamesTheFirstEntryChangedDeletedOrReordered) {
  const std::string folder = TempFolder("audit");
  const std::string db = folder + "/p.db";
  {
    ServerProcess server(folder, {{"database.url", "sqlite:" + db}});
    Http http{server.WaitUntilListening()};
    ASSERT_GT(http.port, 0) << server.Output();
    const std::string body =
        std::string(
            R"({"item_code":"public_place_hygiene","applicant":{"kind":"enterprise","uscc":")") +
        kUscc + R"(","name":"x"}})";
    for (int i = 0; i < 5; ++i)
      EXPECT_EQ(
          http.Call("POST", "/api/v1/applications", "dev-health-handler-token", body, nullptr),
          201);
    EXPECT_EQ(http.Call("POST", "/api/v1/applications", "dev-auditor-token", body, nullptr),
              403);  // refused: audited too
    EXPECT_EQ(http.Call("POST", "/api/v1/applications/1/events", "dev-health-handler-token",
                        R"({"event":"issue_notice","expected_version":1})", nullptr),
              200);
    server.Kill(SIGTERM);
    server.Wait();
  }
  const std::vector<std::string> verify = {"audit", "verify", "-D", "database.url=sqlite:" + db};
  std::string out;
  EXPECT_EQ(RunPermitflow(verify, &out), 0) << out;
  EXPECT_NE(out.find("intact: 7 entries"), std::string::npos) << out;
  {
    Reader r(db);
    EXPECT_EQ(r.Count("SELECT COUNT(*) FROM audit WHERE outcome = '403 forbidden'"), 1);
    EXPECT_EQ(
        r.Count("SELECT COUNT(*) FROM audit WHERE event = 'issue_notice' AND application_id = 1"
                " AND principal = 'health-handler' AND remote = '127.0.0.1'"),
        1);
  }
  // A changed entry.
  ASSERT_EQ(Exec(db, "UPDATE audit SET outcome = '200' WHERE seq = 6"), 1);
  EXPECT_EQ(RunPermitflow(verify, &out), 1);
  EXPECT_NE(out.find("entry 6 was changed"), std::string::npos) << out;
  Exec(db, "UPDATE audit SET outcome = '403 forbidden' WHERE seq = 6");
  EXPECT_EQ(RunPermitflow(verify, &out), 0) << out;
  // Two entries swapped, hashes and all.
  Exec(db,
       "UPDATE audit SET seq = -2 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3;"
       " UPDATE audit SET seq = 3 WHERE seq = -2");
  EXPECT_EQ(RunPermitflow(verify, &out), 1);
  EXPECT_NE(out.find("entry 2 does not follow"), std::string::npos) << out;
  Exec(db,
       "UPDATE audit SET seq = -2 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3;"
       " UPDATE audit SET seq = 3 WHERE seq = -2");
  // A deleted entry.
  ASSERT_EQ(Exec(db, "DELETE FROM audit WHERE seq = 4"), 1);
  EXPECT_EQ(RunPermitflow(verify, &out), 1);
  EXPECT_NE(out.find("entry 4 is missing"), std::string::npos) << out;
}

TEST(Tls, ServesHttpsWithACertificateItMadeItself) {
  const std::string folder = TempFolder("tls");
  const std::string key = folder + "/key.pem", cert = folder + "/cert.pem";
  const std::string make =
      "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1"
      " -keyout " +
      key + " -out " + cert + " 2>/dev/null";
  ASSERT_EQ(std::system(make.c_str()), 0);
  ServerProcess server(folder, {{"database.url", "sqlite:" + folder + "/p.db"},
                                {"server.tls_certificate", cert},
                                {"server.tls_private_key", key}});
  const int port = server.WaitUntilListening();
  ASSERT_GT(port, 0) << server.Output();
  EXPECT_NE(server.Output().find("listening on https://"), std::string::npos);
  Poco::Net::initializeSSL();
  Poco::Net::Context::Ptr context = new Poco::Net::Context(
      Poco::Net::Context::TLS_CLIENT_USE, "", "", cert, Poco::Net::Context::VERIFY_RELAXED);
  Poco::Net::HTTPSClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port), context);
  Poco::Net::HTTPRequest req("GET", "/api/v1/items", Poco::Net::HTTPMessage::HTTP_1_1);
  req.set("Authorization", "Bearer dev-auditor-token");
  session.sendRequest(req);
  Poco::Net::HTTPResponse resp;
  std::string text;
  Poco::StreamCopier::copyToString(session.receiveResponse(resp), text);
  EXPECT_EQ(resp.getStatus(), 200);
  EXPECT_NE(text.find("public_place_hygiene"), std::string::npos);
  // Plain HTTP to the TLS port gets no answer.
  Poco::Net::HTTPClientSession plain("127.0.0.1", static_cast<Poco::UInt16>(port));
  plain.setTimeout(Poco::Timespan(2, 0));
  Poco::Net::HTTPRequest get("GET", "/healthz", Poco::Net::HTTPMessage::HTTP_1_1);
  bool answered = false;
  try {
    plain.sendRequest(get);
    Poco::Net::HTTPResponse r2;
    plain.receiveResponse(r2);
    answered = r2.getStatus() == 200;
  } catch (const Poco::Exception&) {
  }
  EXPECT_FALSE(answered);
}

}  // namespace
}  // namespace permitflow
