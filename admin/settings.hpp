// The server's settings: a plain struct read once from Poco::Util properties, with -D overrides.
#pragma once

#include <map>
#include <string>

#include "engine/status.hpp"

namespace permitflow {

struct Settings {
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 16;
  std::string database_url = "sqlite:data/permitflow.db";
  std::string principals_file = "config/principals.json";
  std::string calendar_dir = "config/calendar";
  std::string catalogue_dir = "config/catalogue";  // loaded on first start into an empty database
  std::string clock = "system";                    // system | controlled
  std::string clock_start;  // ISO 8601; where a controlled clock starts (default: now)
  int queue = 64;
  std::string jwt_secret;  // auth.jwt_hs256_secret
  std::string tls_certificate;
  std::string tls_private_key;
  std::map<std::string, std::string> outbox_endpoints;  // outbox.endpoints.<id> = URL
  int outbox_max_attempts = 20;
  std::string registration_department = "samr";
  int claim_within_working_days = 5;
  std::string general_terms_file = "config/catalogue/general_terms.txt";
  int timer_batch = 100;
  int timer_max_attempts = 5;
  int timer_backoff_ms = 1000;
};

// Reads FILE (may be empty: defaults only) and applies the overrides on top.
Result<Settings> LoadSettings(const std::string& file,
                              const std::map<std::string, std::string>& overrides);

}  // namespace permitflow
