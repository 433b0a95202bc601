#include "batch.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <sstream>
#include <vector>

#include "interrupts.h"
#include "pt2onnx/error.h"

namespace pt2onnx::cli {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  bool ok = false;
  int exit_code = 0;
  std::string message;
  std::string output_path;
  int64_t node_count = 0;
  int64_t file_bytes = 0;
  double seconds = 0;
};

struct Running {
  size_t index = 0;
  pid_t pid = 0;
  int fd = -1;
  std::string report;  // what the child wrote to its pipe
  bool eof = false;
  std::chrono::steady_clock::time_point start;
};

std::string first_line(const std::string& text) {
  const auto end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end) + " ...";
}

std::string output_for(const fs::path& dir, const std::string& model) {
  return (dir / (fs::path(model).stem().string() + ".onnx")).string();
}

// Two models named alike in different folders would write one file: the second would replace
// the first, and the summary would count both as converted.
void refuse_colliding_outputs(const CommandLine& cl, const fs::path& dir) {
  std::map<std::string, std::string> first_writer;
  for (const auto& model : cl.models) {
    const std::string out = output_for(dir, model);
    const auto [it, fresh] = first_writer.emplace(out, model);
    if (!fresh) {
      throw Error(DiagCode::kOutputCollision,
                  "'" + it->second + "' and '" + model + "' would both be written to '" + out +
                      "'; convert them in separate calls or rename one of them");
    }
  }
}

void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// The child's side: one conversion, its outcome as "key value" lines on the pipe.
[[noreturn]] void convert_in_child(const CommandLine& cl, size_t i, const std::string& output,
                                   int fd, const LogSink& log) {
  // Lets the tests crash one model of a batch on purpose, since a real crash is a bug that gets
  // fixed once found.
  if (const char* crash = std::getenv("PT2ONNX_TEST_CRASH_MODEL")) {
    if (fs::path(cl.models[i]).filename() == crash) {
      // The default action, not a sanitizer's handler: this crash is not a finding.
      ::signal(SIGSEGV, SIG_DFL);
      ::raise(SIGSEGV);
    }
  }
  ExportOptions options = cl.options;
  options.model_path = cl.models[i];
  options.output_path = output;
  LogSink prefixed = [&](LogLevel level, const std::string& message) {
    if (log) log(level, cl.models[i] + ": " + message);
  };
  std::ostringstream report;
  int code = 0;
  try {
    const ExportSummary s = export_model(options, prefixed);
    report << "ok\n" << s.node_count << "\n" << s.file_bytes << "\n" << s.output_path;
  } catch (const Error& e) {
    code = e.exit_code();
    report << "fail\n" << code << "\n" << error_kind_name(e.kind()) << ": " << e.what();
  } catch (const std::exception& e) {
    code = static_cast<int>(ErrorKind::kInternal);
    report << "fail\n" << code << "\ninternal error: " << e.what();
  }
  write_all(fd, report.str());
  ::close(fd);
  std::fflush(nullptr);
  // As in main(): LibTorch's static destructors are slow, and they are the parent's anyway.
  std::_Exit(code);
}

Outcome parse_report(const std::string& report, int status) {
  Outcome o;
  std::istringstream in(report);
  std::string kind;
  std::getline(in, kind);
  if (kind == "ok") {
    in >> o.node_count >> o.file_bytes;
    in.ignore(1);
    std::getline(in, o.output_path);
    o.ok = true;
    return o;
  }
  if (kind == "fail") {
    in >> o.exit_code;
    in.ignore(1);
    o.message.assign(std::istreambuf_iterator<char>(in), {});
    return o;
  }
  o.exit_code = static_cast<int>(ErrorKind::kInternal);
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    o.message = std::string(code_name(DiagCode::kCrashed)) + ": the conversion crashed (signal " +
                std::to_string(sig) + ", " + strsignal(sig) + "); please report it";
  } else {
    o.message = "internal error: the conversion ended (exit " +
                std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ") without a result";
  }
  return o;
}

pid_t start_child(const CommandLine& cl, size_t i, const fs::path& dir, const LogSink& log,
                  int* read_fd) {
  int fds[2];
  if (::pipe(fds) != 0) throw Error(ErrorKind::kInternal, "cannot create a pipe");
  // A signal between fork and add_child would miss the new child.
  sigset_t interrupting, previous;
  sigemptyset(&interrupting);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&interrupting, sig);
  ::sigprocmask(SIG_BLOCK, &interrupting, &previous);
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    forget_children();
    ::sigprocmask(SIG_SETMASK, &previous, nullptr);
    ::close(fds[0]);
    convert_in_child(cl, i, output_for(dir, cl.models[i]), fds[1], log);
  }
  if (pid > 0) add_child(pid);
  ::sigprocmask(SIG_SETMASK, &previous, nullptr);
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    throw Error(ErrorKind::kInternal, std::string("cannot fork: ") + std::strerror(errno));
  }
  *read_fd = fds[0];
  return pid;
}

}  // namespace

bool is_batch(const CommandLine& cl) {
  if (cl.models.size() > 1) return true;
  const std::string& out = cl.options.output_path;
  std::error_code ec;
  return !out.empty() && (out.back() == '/' || fs::is_directory(out, ec));
}

int run_batch(const CommandLine& cl, std::ostream& report, const LogSink& log) {
  const fs::path dir(cl.options.output_path);
  refuse_colliding_outputs(cl, dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir, ec)) {
    throw Error(ErrorKind::kWriteFailed,
                "cannot create the output directory '" + dir.string() + "'");
  }
  std::vector<Outcome> outcomes(cl.models.size());
  const size_t width = std::min<size_t>(
      {static_cast<size_t>(std::max(cl.jobs, 1)), cl.models.size(), size_t{kMaxChildren}});
  std::vector<Running> running;
  size_t next = 0;
  while (next < cl.models.size() || !running.empty()) {
    while (running.size() < width && next < cl.models.size()) {
      Running r;
      r.index = next++;
      r.start = std::chrono::steady_clock::now();
      r.pid = start_child(cl, r.index, dir, log, &r.fd);
      running.push_back(std::move(r));
    }
    // Read every pipe as it fills (a long report would otherwise block its child), and collect
    // a child once its pipe is closed.
    std::vector<pollfd> polls;
    for (const auto& r : running) polls.push_back({r.fd, POLLIN, 0});
    if (::poll(polls.data(), polls.size(), -1) < 0 && errno != EINTR) {
      throw Error(ErrorKind::kInternal, std::string("poll failed: ") + std::strerror(errno));
    }
    for (size_t k = 0; k < running.size(); ++k) {
      if (polls[k].revents == 0) continue;
      char buf[4096];
      const ssize_t n = ::read(running[k].fd, buf, sizeof buf);
      if (n > 0) {
        running[k].report.append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        running[k].eof = true;
      }
    }
    for (size_t k = 0; k < running.size();) {
      Running& r = running[k];
      if (!r.eof) {
        ++k;
        continue;
      }
      ::close(r.fd);
      int status = 0;
      while (::waitpid(r.pid, &status, 0) < 0 && errno == EINTR) {
      }
      remove_child(r.pid);
      Outcome& o = outcomes[r.index];
      o = parse_report(r.report, status);
      o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - r.start).count();
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(k));
    }
  }

  int exit_code = 0;
  size_t failed = 0;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const Outcome& o = outcomes[i];
    char timing[32];
    std::snprintf(timing, sizeof timing, "%.2f s", o.seconds);
    if (o.ok) {
      report << "ok    " << cl.models[i] << " -> " << o.output_path << " (" << o.node_count
             << " nodes, " << o.file_bytes << " bytes, " << timing << ")\n";
    } else {
      ++failed;
      if (exit_code == 0) exit_code = o.exit_code;
      report << "FAIL  " << cl.models[i] << ": " << first_line(o.message) << "\n";
    }
  }
  report << outcomes.size() - failed << " converted, " << failed << " failed\n";
  return exit_code;
}

}  // namespace pt2onnx::cli
