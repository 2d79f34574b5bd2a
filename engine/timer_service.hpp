// The timer service: finds due timers and fires each through the engine's command road, oldest
// first. It owns no thread: a driver (adapters/timer_driver.hpp) or a test with a fake clock calls
// NextDue() and FireDue(now). Safe to call from one thread at a time per process; several
// processes on one database share the work through the store's leases.
#pragma once

#include <optional>
#include <string>

#include "engine/engine.hpp"

namespace permitflow {

struct TimerOptions {
  int batch = 100;                   // timers claimed per round
  int max_rounds = 1000;             // rounds per FireDue call; the driver calls again
  int max_attempts = 5;              // failed attempts before a timer becomes an incident
  Instant backoff_ms = 1000;         // first retry delay; doubles with each attempt, plus jitter
  Instant lease_ms = 60000;          // how long a claimed timer is ours
  std::string owner = "permitflow";  // this process, in the lease
};

struct FireReport {
  int fired = 0;
  int noops = 0;
  int gone = 0;
  int retried = 0;
  int incidents = 0;
  int unclaimed_notices = 0;  // notices that escalated for want of a claim
  int handled() const { return fired + noops + gone + retried + incidents + unclaimed_notices; }
};

class TimerService {
 public:
  TimerService(Engine& engine, TimerOptions options);
  Result<std::optional<Instant>> NextDue();
  FireReport FireDue(Instant now);
  // Unclaimed registration notices past their deadline escalate on the same rounds.
  void SetNotices(LinkageStore* notices) { notices_ = notices; }
  const TimerOptions& options() const { return options_; }

 private:
  Engine& engine_;
  TimerOptions options_;
  unsigned jitter_state_ = 12345;
  LinkageStore* notices_ = nullptr;
};

}  // namespace permitflow
