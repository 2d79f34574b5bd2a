// Delivers outbox messages to other systems over HTTP (Poco's client): POST of a JSON envelope
// with a stable message id, also sent as the Idempotency-Key header, so receivers drop duplicates.
// At least once, in order per application and recipient; failures retry with exponential backoff
// and jitter, and after max_attempts a message is dead (listed and replayable through the API).
// Recipients without an endpoint read their messages from their inbox instead. DeliverDue() owns
// no thread; Start() runs it on one. Start/Stop/Wake are thread-safe.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "engine/ports.hpp"

namespace permitflow {

struct OutboxOptions {
  std::map<std::string, std::string> endpoints;  // recipient -> URL (outbox.endpoints.<id>)
  int batch = 50;
  int max_attempts = 20;
  Instant backoff_ms = 1000;
  Instant max_backoff_ms = 5 * 60 * 1000;
  int timeout_ms = 5000;
};

struct DeliveryReport {
  int delivered = 0, failed = 0, dead = 0;
};

class OutboxDispatcher {
 public:
  OutboxDispatcher(LinkageStore& store, const Clock& clock, OutboxOptions options);
  ~OutboxDispatcher();
  DeliveryReport DeliverDue(Instant now);
  void Start();
  void Stop();
  void Wake();

 private:
  Status Post(const std::string& url, const OutboxMessage& m);

  LinkageStore& store_;
  const Clock& clock_;
  OutboxOptions options_;
  std::vector<std::string> recipients_;
  unsigned jitter_ = 7;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false, woken_ = false;
  std::thread thread_;
};

}  // namespace permitflow
