#include "tests/support/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/support/harness.hpp"

namespace permitflow {

ServerProcess::ServerProcess(const std::string& folder,
                             std::map<std::string, std::string> overrides) {
  static int counter = 0;
  log_ = folder + "/server-" + std::to_string(counter++) + ".log";
  overrides.emplace("server.port", "0");
  overrides.emplace("auth.principals_file", SourcePath("config/principals.json"));
  overrides.emplace("calendar.dir", SourcePath("config/calendar"));
  overrides.emplace("catalogue.dir", SourcePath("config/catalogue"));
  std::vector<std::string> args = {PERMITFLOW_BINARY, "serve", "--config",
                                   SourcePath("config/permitflow.properties")};
  for (const auto& [k, v] : overrides) {
    args.push_back("-D");
    args.push_back(k + "=" + v);
  }
  pid_ = fork();
  if (pid_ == 0) {
    const int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
}

int RunPermitflow(const std::vector<std::string>& args, std::string* output) {
  std::string command = PERMITFLOW_BINARY;
  for (const auto& a : args) command += " '" + a + "'";
  command += " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return -1;
  char buf[4096];
  output->clear();
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) output->append(buf, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

ServerProcess::~ServerProcess() {
  if (Running()) {
    Kill(SIGKILL);
    Wait();
  }
}

std::string ServerProcess::Output() const {
  std::ifstream in(log_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int ServerProcess::WaitUntilListening(int timeout_s) {
  static const std::regex kListening("listening on https?://127\\.0\\.0\\.1:([0-9]+)");
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < until) {
    std::smatch m;
    const std::string out = Output();
    if (std::regex_search(out, m, kListening)) return std::stoi(m[1]);
    if (!Running()) return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

bool ServerProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = status;
    pid_ = -1;
    return false;
  }
  return true;
}

void ServerProcess::Kill(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

int ServerProcess::Wait() {
  if (pid_ > 0) {
    int status = 0;
    waitpid(pid_, &status, 0);
    status_ = status;
    pid_ = -1;
  }
  return status_;
}

}  // namespace permitflow
