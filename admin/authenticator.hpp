// Turns an Authorization header into a principal: a bearer token from the principals file or from
// the principals the `permitflow principal` command manages (looked up on every request, so a
// revoked token fails at once), or a signed JWT (HS256) with role and department claims.
// Thread-safe.
#pragma once

#include <string>

#include "admin/principals.hpp"
#include "engine/ports.hpp"

namespace permitflow {

class Authenticator {
 public:
  // jwt_secret empty: JWTs are not accepted.
  Authenticator(const Principals& file, ApiRecords* records, std::string jwt_secret,
                const Clock& clock);
  Status Authenticate(const std::string& authorization, Principal* out) const;

 private:
  Status FromJwt(const std::string& jwt, Principal* out) const;

  const Principals& file_;
  ApiRecords* records_;
  std::string jwt_secret_;
  const Clock& clock_;
};

}  // namespace permitflow
