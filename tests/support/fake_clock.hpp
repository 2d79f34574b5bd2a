// A clock that tests set and advance by hand. Thread-safe.
#pragma once

#include <atomic>

#include "engine/ports.hpp"

namespace permitflow {

class FakeClock : public Clock {
 public:
  explicit FakeClock(Instant start) : now_(start) {}
  Instant Now() const override { return now_.load(); }
  void Set(Instant t) { now_.store(t); }
  void Advance(Instant ms) { now_.fetch_add(ms); }

 private:
  std::atomic<Instant> now_;
};

}  // namespace permitflow
