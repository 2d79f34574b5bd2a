#include "adapters/outbox_dispatcher.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <chrono>

namespace permitflow {

OutboxDispatcher::OutboxDispatcher(LinkageStore& store, const Clock& clock, OutboxOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {
  for (const auto& [recipient, url] : options_.endpoints) recipients_.push_back(recipient);
}

OutboxDispatcher::~OutboxDispatcher() { Stop(); }

Status OutboxDispatcher::Post(const std::string& url, const OutboxMessage& m) {
  try {
    const Poco::URI uri(url);
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    session.setTimeout(Poco::Timespan(0, options_.timeout_ms * 1000));
    const std::string id = "pf-" + std::to_string(m.id);
    const std::string body = "{\"message_id\":\"" + id + "\",\"recipient\":\"" + m.recipient +
                             "\",\"application_id\":" + std::to_string(m.application_id) +
                             ",\"kind\":\"" + m.kind + "\",\"sent_at\":\"" +
                             FormatInstant(m.created_at) + "\",\"payload\":" + m.payload_json + "}";
    Poco::Net::HTTPRequest req("POST", uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery(),
                               Poco::Net::HTTPMessage::HTTP_1_1);
    req.setContentType("application/json; charset=utf-8");
    req.set("Idempotency-Key", id);
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::string answer;
    Poco::StreamCopier::copyToString(session.receiveResponse(resp), answer);
    if (resp.getStatus() >= 200 && resp.getStatus() < 300) return Status::Ok();
    return Unavailable("the receiver answered " + std::to_string(resp.getStatus()));
  } catch (const Poco::Exception& e) {
    return Unavailable(e.displayText());
  }
}

DeliveryReport OutboxDispatcher::DeliverDue(Instant now) {
  DeliveryReport report;
  if (recipients_.empty()) return report;
  // Each round delivers the head of every (recipient, application) queue; the next message of
  // an application becomes due only once the one before it is delivered.
  for (int round = 0; round < 1000; ++round) {
    auto due = store_.DueMessages(recipients_, now, options_.batch);
    if (!due.ok() || due->empty()) break;
    int progress = 0;
    for (const auto& m : due.value()) {
      const Status sent = Post(options_.endpoints.at(m.recipient), m);
      if (sent.ok()) {
        store_.MarkDelivered(m.id, clock_.Now());
        ++report.delivered;
        ++progress;
        continue;
      }
      const int attempts = m.attempts + 1;
      const bool dead = attempts >= options_.max_attempts;
      Instant delay = options_.backoff_ms << std::min(attempts - 1, 20);
      delay = std::min(delay, options_.max_backoff_ms);
      jitter_ = jitter_ * 1103515245u + 12345u;
      delay += static_cast<Instant>(jitter_ % 1000) * delay / 4000;
      store_.MarkFailed(m.id, sent.message(), now + delay, dead);
      dead ? ++report.dead : ++report.failed;
    }
    if (progress == 0) break;
  }
  return report;
}

void OutboxDispatcher::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || recipients_.empty()) return;
  stop_ = false;
  thread_ = std::thread([this] {
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) return;
        woken_ = false;
      }
      DeliverDue(clock_.Now());
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stop_ || woken_; });
      if (stop_) return;
    }
  });
}

void OutboxDispatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OutboxDispatcher::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

}  // namespace permitflow
