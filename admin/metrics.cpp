#include "admin/metrics.hpp"

#include <sstream>

namespace permitflow {

void Metrics::Request(const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, status}];
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  ++latency_[i];
  latency_sum_ += seconds;
  ++latency_count_;
}

void Metrics::Committed(const ChangeSet& changes) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& h : changes.history) ++transitions_[{changes.app.reform_method, h.event}];
}

std::string Metrics::Render(const std::map<std::string, long long>& timers,
                            long long outbox_backlog) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::ostringstream out;
  out << "# HELP permitflow_requests_total HTTP requests by route and status.\n"
         "# TYPE permitflow_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    out << "permitflow_requests_total{route=\"" << key.first << "\",status=\"" << key.second
        << "\"} " << n << "\n";
  out << "# HELP permitflow_request_seconds Request latency.\n"
         "# TYPE permitflow_request_seconds histogram\n";
  long long cumulative = 0;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += latency_[i];
    out << "permitflow_request_seconds_bucket{le=\"" << kBuckets[i] << "\"} " << cumulative << "\n";
  }
  cumulative += latency_[kBuckets.size()];
  out << "permitflow_request_seconds_bucket{le=\"+Inf\"} " << cumulative << "\n"
      << "permitflow_request_seconds_sum " << latency_sum_ << "\n"
      << "permitflow_request_seconds_count " << latency_count_ << "\n";
  out << "# HELP permitflow_transitions_total Transitions by workflow and event.\n"
         "# TYPE permitflow_transitions_total counter\n";
  for (const auto& [key, n] : transitions_)
    out << "permitflow_transitions_total{workflow=\"" << key.first << "\",event=\"" << key.second
        << "\"} " << n << "\n";
  out << "# HELP permitflow_timers Timers by state (due: armed and past due; late: fired more "
         "than a second after due).\n"
         "# TYPE permitflow_timers gauge\n";
  for (const char* state : {"armed", "due", "fired", "late", "noop", "retry", "incident"}) {
    auto it = timers.find(state);
    out << "permitflow_timers{state=\"" << state << "\"} " << (it == timers.end() ? 0 : it->second)
        << "\n";
  }
  out << "# HELP permitflow_outbox_backlog Messages waiting for delivery.\n"
         "# TYPE permitflow_outbox_backlog gauge\n"
      << "permitflow_outbox_backlog " << outbox_backlog << "\n";
  return out.str();
}

}  // namespace permitflow
