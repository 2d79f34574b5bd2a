// A receiving system for outbox tests: a real HTTP server on loopback that records what it
// accepts, drops duplicates by message id, and can be told to fail or be slow.
#pragma once

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace permitflow {

struct Received {
  std::string message_id, idempotency_key, recipient, kind, decision;
  long long application_id = 0;
};

// A receiving system: records what it accepts, drops duplicates by message id.
class Receiver {
 public:
  enum class Mode { kOk, kFail, kSlow };
  std::atomic<Mode> mode{Mode::kOk};
  std::atomic<int> requests{0};

  void Start(int port = 0) {
    Poco::Net::ServerSocket socket(
        Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
    port_ = socket.address().port();
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(this), socket,
                                                      new Poco::Net::HTTPServerParams());
    server_->start();
  }
  void Stop() {
    if (server_) server_->stopAll(true);
    server_.reset();
  }
  ~Receiver() { Stop(); }
  int port() const { return port_; }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<Received> Accepted() {
    std::lock_guard<std::mutex> lock(mu_);
    return accepted_;
  }
  int duplicates() {
    std::lock_guard<std::mutex> lock(mu_);
    return duplicates_;
  }

 private:
  struct Handler : Poco::Net::HTTPRequestHandler {
    explicit Handler(Receiver* r) : r(r) {}
    void handleRequest(Poco::Net::HTTPServerRequest& in,
                       Poco::Net::HTTPServerResponse& out) override {
      ++r->requests;
      std::string body;
      Poco::StreamCopier::copyToString(in.stream(), body);
      if (r->mode == Mode::kFail) {
        out.setStatus(Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
        out.send() << "down for maintenance";
        return;
      }
      if (r->mode == Mode::kSlow) std::this_thread::sleep_for(std::chrono::milliseconds(300));
      auto o = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
      Received got;
      got.message_id = o->getValue<std::string>("message_id");
      got.idempotency_key = in.get("Idempotency-Key", "");
      got.recipient = o->getValue<std::string>("recipient");
      got.kind = o->getValue<std::string>("kind");
      got.application_id = o->getValue<long long>("application_id");
      got.decision = o->getObject("payload")->optValue<std::string>("decision", "");
      {
        std::lock_guard<std::mutex> lock(r->mu_);
        bool seen = false;
        for (const auto& a : r->accepted_) seen |= a.message_id == got.message_id;
        if (seen)
          ++r->duplicates_;
        else
          r->accepted_.push_back(got);
      }
      out.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
      out.send() << "{}";
    }
    Receiver* r;
  };
  struct Factory : Poco::Net::HTTPRequestHandlerFactory {
    explicit Factory(Receiver* r) : r(r) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(r);
    }
    Receiver* r;
  };
  std::mutex mu_;
  std::vector<Received> accepted_;
  int duplicates_ = 0;
  int port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace permitflow
