// Runs the real permitflow executable as a child process on a loopback port, for tests that need
// a process to crash or a clock to be set over HTTP.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace permitflow {

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
