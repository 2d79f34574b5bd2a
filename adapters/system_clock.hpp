// The real clock. Stateless; safe from any thread.
#pragma once

#include <chrono>

#include "engine/ports.hpp"

namespace permitflow {

class SystemClock : public Clock {
 public:
  Instant Now() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace permitflow
