#include "engine/identifiers.hpp"

#include "engine/time.hpp"

namespace permitflow {

namespace {
const std::string kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

Status Bad(const std::string& field, const std::string& message, const std::string& message_zh) {
  return Status::Error(Code::kInvalidIdentifier, field + ": " + message, field + "：" + message_zh,
                       {{"field", {field}}});
}
}  // namespace

Status ValidateUscc(const std::string& code) {
  if (code.size() != 18) {
    return Bad("uscc", "a unified social credit code has 18 characters",
               "统一社会信用代码应为18位");
  }
  int sum = 0;
  int weight = 1;
  for (size_t i = 0; i < 18; ++i) {
    const auto pos = kUsccAlphabet.find(code[i]);
    if (pos == std::string::npos) {
      return Bad("uscc",
                 "character " + std::to_string(i + 1) +
                     " is not allowed (digits and capital letters without I O S V Z)",
                 "第" + std::to_string(i + 1) + "位字符不合法（不得使用 I O S V Z）");
    }
    if (i < 17) {
      sum += static_cast<int>(pos) * weight;
      weight = weight * 3 % 31;
    } else {
      const int check = (31 - sum % 31) % 31;
      if (static_cast<int>(pos) != check) {
        return Bad("uscc", "the check character does not match", "统一社会信用代码校验位不正确");
      }
    }
  }
  return Status::Ok();
}

std::string UsccWithCheck(const std::string& body17) {
  int sum = 0;
  int weight = 1;
  for (size_t i = 0; i < 17 && i < body17.size(); ++i) {
    const auto pos = kUsccAlphabet.find(body17[i]);
    sum += static_cast<int>(pos == std::string::npos ? 0 : pos) * weight;
    weight = weight * 3 % 31;
  }
  return body17 + kUsccAlphabet[(31 - sum % 31) % 31];
}

Status ValidateIdNumber(const std::string& id) {
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kChecks[] = "10X98765432";
  if (id.size() != 18) {
    return Bad("id_number", "a resident ID number has 18 characters", "居民身份证号码应为18位");
  }
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    if (id[i] < '0' || id[i] > '9') {
      return Bad("id_number", "the first 17 characters must be digits",
                 "居民身份证号码前17位应为数字");
    }
    sum += (id[i] - '0') * kWeights[i];
  }
  const std::string birth = id.substr(6, 4) + "-" + id.substr(10, 2) + "-" + id.substr(12, 2);
  if (!ParseDate(birth)) {
    return Bad("id_number", "digits 7-14 are not a real birth date",
               "居民身份证号码第7至14位不是有效的出生日期");
  }
  if (id[17] != kChecks[sum % 11]) {
    return Bad("id_number", "the check character does not match", "居民身份证号码校验位不正确");
  }
  return Status::Ok();
}

std::string MaskIdNumber(const std::string& id) {
  if (id.size() != 18) return std::string(id.size(), '*');
  return id.substr(0, 6) + std::string(8, '*') + id.substr(14);
}

}  // namespace permitflow
