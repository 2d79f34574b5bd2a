#include "admin/principals.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>

#include <fstream>
#include <set>
#include <sstream>

namespace permitflow {

std::string Sha256Hex(const std::string& text) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(text);
  return Poco::DigestEngine::digestToHex(engine.digest());
}

Result<Principals> Principals::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return Status::Error(Code::kNotFound, "principals file " + path + " cannot be read",
                         "无法读取用户文件 " + path);
  }
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

Result<Principals> Principals::Parse(const std::string& json, const std::string& name) {
  static const std::set<std::string> kRoles = {"admin", "handler", "supervisor", "inspector",
                                               "auditor"};
  Principals out;
  try {
    auto array = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Array::Ptr>();
    for (size_t i = 0; i < array->size(); ++i) {
      auto o = array->getObject(static_cast<unsigned>(i));
      const std::string where = name + "[" + std::to_string(i) + "]";
      if (!o) return InvalidArgument(where, "must be an object", "应为对象");
      Principal p;
      p.name = o->optValue<std::string>("name", "");
      p.role = o->optValue<std::string>("role", "");
      p.department = o->optValue<std::string>("department", "");
      p.token_sha256 = o->optValue<std::string>("token_sha256", "");
      if (p.name.empty() || !kRoles.count(p.role) || p.token_sha256.size() != 64) {
        return InvalidArgument(where, "needs name, a known role and a 64-digit token_sha256",
                               "须有 name、有效的 role 和64位 token_sha256");
      }
      for (auto& c : p.token_sha256) c = static_cast<char>(std::tolower(c));
      out.by_hash_[p.token_sha256] = p;
    }
  } catch (const Poco::Exception& e) {
    return Status::Error(Code::kMalformedJson, name + ": " + e.displayText(),
                         name + "：JSON 格式错误");
  }
  return out;
}

std::optional<Principal> Principals::ByToken(const std::string& token) const {
  auto it = by_hash_.find(Sha256Hex(token));
  if (it == by_hash_.end()) return std::nullopt;
  return it->second;
}

}  // namespace permitflow
