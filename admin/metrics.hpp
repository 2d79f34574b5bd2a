// Counters for GET /metrics (Prometheus text format): requests by route and status, a latency
// histogram, and transitions by workflow and event. Thread-safe.
#pragma once

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "engine/application.hpp"

namespace permitflow {

class Metrics {
 public:
  void Request(const std::string& route, int status, double seconds);
  void Committed(const ChangeSet& changes);  // the engine's commit observer
  // Renders everything, with the timer gauges and the outbox backlog given by the caller.
  std::string Render(const std::map<std::string, long long>& timers,
                     long long outbox_backlog) const;

 private:
  static constexpr std::array<double, 9> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,  0.1,    0.25,  1.0};
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, long long> requests_;
  std::array<long long, kBuckets.size() + 1> latency_{};
  double latency_sum_ = 0;
  long long latency_count_ = 0;
  std::map<std::pair<std::string, std::string>, long long> transitions_;
};

}  // namespace permitflow
