// Runs the real permitflow executable as a child process on a loopback port, for tests that need
// a process to crash or a clock to be set over HTTP.
#pragma once

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <sqlite3.h>
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace permitflow {

// A read-only view of the database while another process writes it (WAL allows this).
class Reader {
 public:
  explicit Reader(const std::string& path) {
    sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Reader() { sqlite3_close(db_); }
  long long Count(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    long long n = -1;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
  }

 private:
  sqlite3* db_ = nullptr;
};

// A client for a ServerProcess: one request per call, JSON answers parsed when asked for.
struct Http {
  int port;
  int Call(const std::string& method, const std::string& path, const std::string& token,
           const std::string& body, Poco::JSON::Object::Ptr* json) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "Bearer " + token);
    req.setContentType("application/json");
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::string text;
    Poco::StreamCopier::copyToString(session.receiveResponse(resp), text);
    if (json) *json = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    return resp.getStatus();
  }
};

// Runs `permitflow ARGS...` to its end; returns the exit status and what it printed.
int RunPermitflow(const std::vector<std::string>& args, std::string* output);

class ServerProcess {
 public:
  // Starts `permitflow serve` with the bundled config and these overrides (server.port is 0).
  ServerProcess(const std::string& folder, std::map<std::string, std::string> overrides);
  ~ServerProcess();
  // Waits for the "listening" line and returns the port, or 0 if the process ended first.
  int WaitUntilListening(int timeout_s = 60);
  bool Running();
  void Kill(int signal);
  int Wait();  // exit status
  std::string Output() const;

 private:
  pid_t pid_ = -1;
  std::string log_;
  int status_ = -1;
};

}  // namespace permitflow
