#include "engine/timer_service.hpp"

namespace permitflow {

TimerService::TimerService(Engine& engine, TimerOptions options)
    : engine_(engine), options_(std::move(options)) {}

Result<std::optional<Instant>> TimerService::NextDue() { return engine_.store().NextTimerDue(); }

FireReport TimerService::FireDue(Instant now) {
  FireReport report;
  Store& store = engine_.store();
  for (int round = 0; round < options_.max_rounds; ++round) {
    auto due = store.ClaimDueTimers(now, options_.owner, now + options_.lease_ms, options_.batch);
    if (!due.ok() || due->empty()) break;
    for (const TimerRow& timer : due.value()) {
      auto fired = engine_.FireTimer(timer, now);
      if (fired.ok()) {
        switch (fired.value()) {
          case Engine::TimerOutcome::kFired:
            ++report.fired;
            break;
          case Engine::TimerOutcome::kNoop:
            ++report.noops;
            break;
          case Engine::TimerOutcome::kGone:
            ++report.gone;
            break;
        }
        continue;
      }
      const int attempts = timer.attempts + 1;
      const bool incident = attempts >= options_.max_attempts;
      // Exponential backoff with jitter, so that failing timers do not retry in lockstep.
      jitter_state_ = jitter_state_ * 1103515245u + 12345u;
      const Instant delay = options_.backoff_ms * (Instant{1} << (attempts - 1));
      const Instant jitter = static_cast<Instant>(jitter_state_ % 1000) * delay / 4000;
      const Status s = store.RecordTimerFailure(timer.id, fired.status().message(),
                                                now + delay + jitter, incident);
      if (!s.ok()) continue;  // the lease expires and the timer is claimed again
      incident ? ++report.incidents : ++report.retried;
    }
  }
  if (notices_) {
    auto escalated = notices_->EscalateUnclaimedNotices(now);
    if (escalated.ok()) report.unclaimed_notices = escalated.value();
  }
  return report;
}

}  // namespace permitflow
