// Who may call the API: principals with a role and a department, known by the SHA-256 of their
// bearer token (the token itself is never stored). Loaded from the JSON file
// `auth.principals_file`. Immutable after loading; safe from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/status.hpp"

namespace permitflow {

struct Principal {
  std::string name;
  std::string role;  // admin | handler | supervisor | inspector | auditor
  std::string department;
  std::string token_sha256;
};

std::string Sha256Hex(const std::string& text);

class Principals {
 public:
  static Result<Principals> LoadFile(const std::string& path);
  static Result<Principals> Parse(const std::string& json, const std::string& name);
  std::optional<Principal> ByToken(const std::string& token) const;
  size_t size() const { return by_hash_.size(); }

 private:
  std::map<std::string, Principal> by_hash_;
};

}  // namespace permitflow
