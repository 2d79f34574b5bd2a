// A clock an admin sets by hand, for trials and training (engine.clock = controlled): it stands
// still until set, and only moves forward. Thread-safe.
#pragma once

#include <atomic>

#include "engine/ports.hpp"

namespace permitflow {

class ControlledClock : public Clock {
 public:
  explicit ControlledClock(Instant start) : now_(start) {}
  Instant Now() const override { return now_.load(); }
  // Refuses to move backward: timers already fired must stay fired.
  Status Set(Instant t) {
    Instant current = now_.load();
    while (t >= current) {
      if (now_.compare_exchange_weak(current, t)) return Status::Ok();
    }
    return InvalidArgument("now",
                           "the clock only moves forward (it is " + FormatInstant(current) + ")",
                           "时钟只能向前调整（当前为 " + FormatInstant(current) + "）");
  }

 private:
  std::atomic<Instant> now_;
};

}  // namespace permitflow
