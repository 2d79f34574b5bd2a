// The HTTP API (Poco HTTPServer): routes, bearer-token authentication, one JSON error shape.
// Start() binds and serves on Poco's bounded thread pool; Stop() waits for requests in flight.
// The router is immutable after construction; handlers share the engine, which is thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "admin/principals.hpp"
#include "engine/engine.hpp"
#include "engine/linkage.hpp"

namespace Poco {
namespace Net {
class HTTPServer;
}
}  // namespace Poco

namespace permitflow {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (tests)
  int threads = 16;
  int queue = 64;  // connections waiting for a thread; past it, requests get 503
  size_t max_body_bytes = 1 << 20;
  std::string jwt_secret;  // HS256; empty: no JWTs
  Instant idempotency_keep_ms = 24LL * 3600 * 1000;
  std::string tls_certificate;  // PEM files; both set: serve HTTPS only
  std::string tls_private_key;
  bool log_requests = true;  // one line per request on stdout
};

// What the API may ask of the process beyond the engine; main wires these to the adapters.
struct ServerHooks {
  std::function<Status(Instant)> set_clock;  // empty: the system clock, and /admin/clock is 404
  std::function<void()> wake_timers;
  std::function<Result<WorkingCalendar>()> load_calendar;
  // Registration and supervision linkage; without them those routes answer 503.
  Linkage* linkage = nullptr;
  LinkageStore* linkage_store = nullptr;
  std::string registration_department = "samr";  // whose handlers register enterprises
};

class ApiServer {
 public:
  ApiServer(Engine& engine, ItemRegistry& items, const Principals& principals, ApiRecords& records,
            ServerOptions options, ServerHooks hooks = {});
  // The OpenAPI 3 document of every route (also served at GET /api/v1/openapi.json).
  std::string OpenApi() const;
  // Every route as "METHOD /path/{param}", in the router's order.
  std::vector<std::string> RouteList() const;
  ~ApiServer();
  void Start();
  void Stop();
  int port() const;

  class Router;  // defined in api_server.cpp

 private:
  std::unique_ptr<Router> router_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  ServerOptions options_;
};

int HttpStatusFor(Code code);

}  // namespace permitflow
