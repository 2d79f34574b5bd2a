// The OpenAPI 3 description of the HTTP API, built from the router's own route list and one entry
// per route in the table in openapi.cpp. A route without an entry is reported, so the test that
// walks the router and the document together fails until the entry is written.
#pragma once

#include <string>
#include <vector>

namespace permitflow {

struct RouteKey {
  std::string method;
  std::string path;  // with {param} segments
};

// The routes the table does not describe (empty when the document is complete).
std::vector<std::string> UndocumentedRoutes(const std::vector<RouteKey>& routes);
std::string BuildOpenApi(const std::vector<RouteKey>& routes);

}  // namespace permitflow
