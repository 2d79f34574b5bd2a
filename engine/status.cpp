#include "engine/status.hpp"

namespace permitflow {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "ok";
    case Code::kNotFound:
      return "not_found";
    case Code::kInvalidArgument:
      return "invalid_argument";
    case Code::kInvalidIdentifier:
      return "invalid_identifier";
    case Code::kMalformedJson:
      return "malformed_json";
    case Code::kUnknownItem:
      return "unknown_item";
    case Code::kInvalidTransition:
      return "invalid_transition";
    case Code::kIncomplete:
      return "materials_incomplete";
    case Code::kInvalidItem:
      return "invalid_item";
    case Code::kNoPermitRequired:
      return "no_permit_required";
    case Code::kItemRetired:
      return "item_retired";
    case Code::kIdempotencyMismatch:
      return "idempotency_key_reused";
    case Code::kConflict:
      return "conflict";
    case Code::kUnauthorized:
      return "unauthorized";
    case Code::kForbidden:
      return "forbidden";
    case Code::kUnavailable:
      return "unavailable";
    case Code::kInternal:
      return "internal";
  }
  return "internal";
}

Status NotFound(const std::string& what, const std::string& what_zh, const std::string& id) {
  return Status::Error(Code::kNotFound, what + " " + id + " not found",
                       "未找到" + what_zh + " " + id, {{"id", {id}}});
}

Status InvalidArgument(const std::string& field, const std::string& message,
                       const std::string& message_zh) {
  return Status::Error(Code::kInvalidArgument, field + ": " + message, field + "：" + message_zh,
                       {{"field", {field}}});
}

Status Conflict(const std::string& message, const std::string& message_zh) {
  return Status::Error(Code::kConflict, message, message_zh);
}

Status Unavailable(const std::string& message) {
  return Status::Error(Code::kUnavailable, message, "服务暂不可用：" + message);
}

}  // namespace permitflow
