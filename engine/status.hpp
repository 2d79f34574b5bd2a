// Status and Result<T>: expected failures as values, as leveldb's Status.
// Every code has one HTTP mapping (admin/errors.cpp) and carries an English and a Chinese message.
// Value types; no shared state.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace permitflow {

enum class Code {
  kOk,
  kNotFound,
  kInvalidArgument,
  kInvalidIdentifier,  // a USCC or ID number that fails its check
  kMalformedJson,
  kUnknownItem,
  kInvalidTransition,
  kIncomplete,        // required materials missing: the details list them
  kInvalidItem,       // an item definition breaks its rules: details name every path
  kNoPermitRequired,  // the item's approval is cancelled (直接取消审批)
  kItemRetired,
  kIdempotencyMismatch,  // an Idempotency-Key reused with another request
  kConflict,
  kUnauthorized,
  kForbidden,
  kUnavailable,
  kInternal,
};

const char* CodeName(Code code);

class Status {
 public:
  using Details = std::map<std::string, std::vector<std::string>>;

  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(Code code, std::string message, std::string message_zh,
                      Details details = {}) {
    Status s;
    s.code_ = code;
    s.message_ = std::move(message);
    s.message_zh_ = std::move(message_zh);
    s.details_ = std::move(details);
    return s;
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& message_zh() const { return message_zh_; }
  const Details& details() const { return details_; }

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::string message_zh_;
  Details details_;
};

// Shorthands for the common errors.
Status NotFound(const std::string& what, const std::string& what_zh, const std::string& id);
Status InvalidArgument(const std::string& field, const std::string& message,
                       const std::string& message_zh);
Status Conflict(const std::string& message, const std::string& message_zh);
Status Unavailable(const std::string& message);

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace permitflow
