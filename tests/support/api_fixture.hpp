// A real API server on a loopback port for tests: the harness's engine and SQLite store, and
// principals named after their role and department whose token is "tok-" + name.
#pragma once

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <memory>
#include <string>

#include "adapters/calendar_files.hpp"
#include "admin/api_server.hpp"
#include "tests/support/harness.hpp"

namespace permitflow {

struct Reply {
  int status = 0;
  Poco::JSON::Object::Ptr json;
  std::string text;
  std::string request_id;
  std::string retry_after;
  std::string Code() const {
    return json && json->has("error") ? json->getObject("error")->getValue<std::string>("code")
                                      : "";
  }
};

class Api : public ::testing::Test {
 protected:
  // Options a test may change before SetUp starts the server.
  virtual void Configure(ServerOptions&) {}

  void SetUp() override {
    std::string principals = "[";
    const std::vector<std::array<std::string, 3>> people = {
        {"admin", "admin", ""},
        {"health-handler", "handler", "health"},
        {"health-inspector", "inspector", "health"},
        {"hrss-handler", "handler", "hrss"},
        {"auditor", "auditor", ""},
        {"health-supervisor", "supervisor", "health"},
        {"hrss-inspector", "inspector", "hrss"},
        {"hrss-supervisor", "supervisor", "hrss"}};
    for (const auto& [name, role, dept] : people) {
      principals += std::string(principals.size() > 1 ? "," : "") + "{\"name\":\"" + name +
                    "\",\"role\":\"" + role + "\",\"department\":\"" + dept +
                    "\",\"token_sha256\":\"" + Sha256Hex("tok-" + name) + "\"}";
    }
    principals += "]";
    auto parsed = Principals::Parse(principals, "test");
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    principals_ = parsed.value();
    ServerOptions options;
    options.port = 0;
    options.threads = 4;
    ServerHooks hooks;
    hooks.load_calendar = [this] { return LoadCalendarFolder(calendar_dir_); };
    linkage_ = std::make_unique<Linkage>(h_.engine(), h_.store(),
                                         std::vector<std::string>{"日用百货销售", "软件开发"},
                                         Duration{5, Duration::Unit::kWorkingDays});
    hooks.linkage = linkage_.get();
    hooks.linkage_store = &h_.store();
    options.log_requests = false;
    Configure(options);
    server_ = std::make_unique<ApiServer>(h_.engine(), h_.catalogue(), principals_, h_.store(),
                                          options, hooks);
    server_->Start();
  }
  void TearDown() override { server_->Stop(); }

  Reply Call(const std::string& method, const std::string& path, const std::string& who,
             const std::string& body = "") {
    std::map<std::string, std::string> headers;
    if (!who.empty()) headers["Authorization"] = "Bearer tok-" + who;
    return Send(method, path, headers, body);
  }

  Reply Send(const std::string& method, const std::string& path,
             const std::map<std::string, std::string>& headers, const std::string& body,
             const std::string& content_type = "application/json") {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(server_->port()));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [k, v] : headers) req.set(k, v);
    req.setContentType(content_type);
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    Reply r;
    r.status = resp.getStatus();
    r.request_id = resp.get("X-Request-Id", "");
    r.retry_after = resp.get("Retry-After", "");
    Poco::StreamCopier::copyToString(in, r.text);
    try {
      r.json = Poco::JSON::Parser().parse(r.text).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    return r;
  }

  Reply CreateHygiene(const std::string& who = "health-handler") {
    return Call(
        "POST", "/api/v1/applications", who,
        std::string(R"({"item_code":"public_place_hygiene","applicant":{"kind":"enterprise",)") +
            R"("uscc":")" + kUscc + R"(","name":"平陆县示例宾馆"},"form":{"rooms":12}})");
  }

  Reply Event(long long id, const std::string& event, long long version,
              const std::string& data = "{}", const std::string& who = "health-handler") {
    return Call("POST", "/api/v1/applications/" + std::to_string(id) + "/events", who,
                R"({"event":")" + event + R"(","expected_version":)" + std::to_string(version) +
                    R"(,"data":)" + data + "}");
  }

  static long long Id(const Reply& r) { return r.json->getValue<long long>("id"); }
  static long long Version(const Reply& r) { return r.json->getValue<long long>("version"); }
  static std::string State(const Reply& r) { return r.json->getValue<std::string>("state"); }

  Harness h_;
  std::string calendar_dir_ = SourcePath("config/calendar");
  Principals principals_;
  std::unique_ptr<Linkage> linkage_;
  std::unique_ptr<ApiServer> server_;
};

}  // namespace permitflow
