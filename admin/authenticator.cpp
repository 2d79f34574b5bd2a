#include "admin/authenticator.hpp"

#include <Poco/JWT/JWTException.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <set>

namespace permitflow {

namespace {

Status Unauthorized(const std::string& why, const std::string& why_zh) {
  return Status::Error(Code::kUnauthorized, why, why_zh);
}

}  // namespace

Authenticator::Authenticator(const Principals& file, ApiRecords* records, std::string jwt_secret,
                             const Clock& clock)
    : file_(file), records_(records), jwt_secret_(std::move(jwt_secret)), clock_(clock) {}

Status Authenticator::Authenticate(const std::string& header, Principal* out) const {
  const std::string prefix = "Bearer ";
  if (header.compare(0, prefix.size(), prefix) != 0) {
    return Unauthorized("an Authorization: Bearer <token> header is required",
                        "缺少身份令牌（Authorization: Bearer）");
  }
  const std::string token = header.substr(prefix.size());
  if (auto p = file_.ByToken(token)) {
    *out = *p;
    return Status::Ok();
  }
  if (records_) {
    auto p = records_->PrincipalByToken(Sha256Hex(token));
    if (!p.ok()) return p.status();
    if (p.value()) {
      *out = Principal{p.value()->name, p.value()->role, p.value()->department, ""};
      return Status::Ok();
    }
  }
  if (!jwt_secret_.empty() && std::count(token.begin(), token.end(), '.') == 2) {
    return FromJwt(token, out);
  }
  return Unauthorized("the token is not known", "身份令牌无效");
}

Status Authenticator::FromJwt(const std::string& jwt, Principal* out) const {
  static const std::set<std::string> kRoles = {"admin", "handler", "supervisor", "inspector",
                                               "auditor"};
  try {
    Poco::JWT::Signer signer(jwt_secret_);  // HS256 only
    Poco::JWT::Token token = signer.verify(jwt);
    const auto& claims = token.payload();
    if (!claims.has("exp")) return Unauthorized("the JWT has no exp claim", "令牌缺少有效期");
    if (token.getExpiration().epochMicroseconds() / 1000 <= clock_.Now())
      return Unauthorized("the JWT has expired", "令牌已过期");
    Principal p;
    p.name = token.getSubject();
    p.role = claims.optValue<std::string>("role", "");
    p.department = claims.optValue<std::string>("department", "");
    if (p.name.empty() || !kRoles.count(p.role))
      return Unauthorized("the JWT needs sub and a known role claim", "令牌缺少用户或角色");
    *out = p;
    return Status::Ok();
  } catch (const Poco::JWT::SignatureVerificationException&) {
    return Unauthorized("the JWT signature does not verify", "令牌签名无效");
  } catch (const Poco::Exception& e) {
    return Unauthorized("the JWT is malformed: " + e.displayText(), "令牌格式错误");
  }
}

}  // namespace permitflow
