// Validation of the identifiers applicants are known by. Pure functions; safe from any thread.
#pragma once

#include <string>

#include "engine/status.hpp"

namespace permitflow {

// 统一社会信用代码, GB 32100-2015: 18 characters, check character by the weighted sum mod 31.
Status ValidateUscc(const std::string& code);
// 居民身份证号码, GB 11643-1999: 17 digits, a real birth date in digits 7-14, ISO 7064 MOD 11-2
// check.
Status ValidateIdNumber(const std::string& id);
// A valid USCC for a 17-character body (the check character appended): for tests and samples.
std::string UsccWithCheck(const std::string& body17);
// 140829********1234: what roles without a need for personal data see.
std::string MaskIdNumber(const std::string& id);

}  // namespace permitflow
