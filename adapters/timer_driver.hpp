// The thread that drives the timer service: it fires what is due, then sleeps until the next due
// instant (at most max_idle, so clock jumps are noticed) or until Wake() (a new earlier timer was
// armed, or the controlled clock was set). Start/Stop/Wake are thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "engine/timer_service.hpp"

namespace permitflow {

class TimerDriver {
 public:
  TimerDriver(TimerService& service, const Clock& clock, Instant max_idle_ms = 1000);
  ~TimerDriver();
  void Start();
  void Stop();
  void Wake();
  // Called on the driver thread after each round that handled at least one timer.
  void SetObserver(std::function<void(const FireReport&)> observer);

 private:
  void Loop();

  TimerService& service_;
  const Clock& clock_;
  const Instant max_idle_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
  std::function<void(const FireReport&)> observer_;
  std::thread thread_;
};

}  // namespace permitflow
