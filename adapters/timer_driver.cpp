#include "adapters/timer_driver.hpp"

#include <algorithm>
#include <chrono>

namespace permitflow {

TimerDriver::TimerDriver(TimerService& service, const Clock& clock, Instant max_idle_ms)
    : service_(service), clock_(clock), max_idle_ms_(max_idle_ms) {}

TimerDriver::~TimerDriver() { Stop(); }

void TimerDriver::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void TimerDriver::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TimerDriver::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void TimerDriver::SetObserver(std::function<void(const FireReport&)> observer) {
  std::lock_guard<std::mutex> lock(mu_);
  observer_ = std::move(observer);
}

void TimerDriver::Loop() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
      woken_ = false;
    }
    const FireReport report = service_.FireDue(clock_.Now());
    std::function<void(const FireReport&)> observer;
    {
      std::lock_guard<std::mutex> lock(mu_);
      observer = observer_;
    }
    if (observer && report.handled() > 0) observer(report);

    Instant wait = max_idle_ms_;
    auto next = service_.NextDue();
    if (next.ok() && next.value())
      wait = std::clamp(*next.value() - clock_.Now(), Instant{0}, wait);
    // Due but not ours to fire (leased elsewhere, or every attempt failed): do not spin.
    if (wait == 0 && report.handled() == 0) wait = 50;
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(wait), [this] { return stop_ || woken_; });
    if (stop_) return;
  }
}

}  // namespace permitflow
