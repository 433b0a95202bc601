#include "batch.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <ostream>

#include "interrupts.h"
#include "progress.h"
#include "pt2onnx/error.h"

namespace pt2onnx::cli {
namespace {

namespace fs = std::filesystem;

struct Running {
  size_t index = 0;
  pid_t pid = 0;
  int fd = -1;
  std::string result;  // what the child wrote to its pipe: its report entry, as JSON
  bool eof = false;
};

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

// The child's side: one conversion, its entry on the pipe.
[[noreturn]] void convert_in_child(const ModelJob& job, const BatchSettings& settings, int fd,
                                   const LogSink& log) {
  // Lets the tests crash one model of a batch on purpose, since a real crash is a bug that gets
  // fixed once found.
  if (const char* crash = std::getenv("PT2ONNX_TEST_CRASH_MODEL")) {
    if (fs::path(job.options.model_path).filename() == crash) {
      // The default action, not a sanitizer's handler: this crash is not a finding.
      ::signal(SIGSEGV, SIG_DFL);
      ::raise(SIGSEGV);
    }
  }
  LogSink prefixed = [&](LogLevel level, const std::string& message) {
    if (log) log(level, job.label + ": " + message);
  };
  const Json entry = run_model(job, prefixed, settings.dump_graphs, settings.describe);
  write_all(fd, entry.dump());
  ::close(fd);
  std::fflush(nullptr);
  // As in main(): LibTorch's static destructors are slow, and they are the parent's anyway.
  std::_Exit(entry_exit_code(entry));
}

// A child that ended without a whole entry crashed (or was killed).
Json entry_of(const ModelJob& job, const std::string& result, int status) {
  if (!result.empty()) {
    try {
      Json entry = parse_json(result);
      if (entry.is_object() && entry.find("exit_code")) return entry;
    } catch (const std::exception&) {
    }
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return refused_entry(
        job, Error(DiagCode::kCrashed, "the conversion crashed (signal " + std::to_string(sig) +
                                           ", " + strsignal(sig) + "); please report it"));
  }
  return refused_entry(job, Error(ErrorKind::kInternal,
                                  "the conversion ended (exit " +
                                      std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                                      ") without a result"));
}

pid_t start_child(const ModelJob& job, const BatchSettings& settings, const LogSink& log,
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
    convert_in_child(job, settings, fds[1], log);
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
  if (!cl.manifest.empty() || cl.models.size() > 1) return true;
  const std::string& out = cl.options.output_path;
  std::error_code ec;
  return !out.empty() && (out.back() == '/' || fs::is_directory(out, ec));
}

std::vector<ModelJob> command_line_jobs(const CommandLine& cl) {
  const fs::path dir(cl.options.output_path);
  refuse_colliding_outputs(cl, dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir, ec)) {
    throw Error(ErrorKind::kWriteFailed,
                "cannot create the output directory '" + dir.string() + "'");
  }
  std::vector<ModelJob> jobs;
  for (const auto& model : cl.models) {
    ModelJob job;
    job.label = model;
    job.options = cl.options;
    job.options.model_path = model;
    job.options.output_path = output_for(dir, model);
    job.verify = cl.verify;
    jobs.push_back(std::move(job));
  }
  return jobs;
}

std::vector<Json> run_jobs(const std::vector<ModelJob>& jobs, const BatchSettings& settings,
                           const LogSink& log) {
  std::vector<Json> entries(jobs.size());
  Progress progress(jobs.size(), settings.progress);
  const size_t width = std::min<size_t>(
      {static_cast<size_t>(std::max(settings.jobs, 1)), jobs.size(), size_t{kMaxChildren}});
  std::vector<Running> running;
  size_t next = 0;
  while (next < jobs.size() || !running.empty()) {
    while (running.size() < width && next < jobs.size()) {
      const size_t i = next++;
      // A refused entry has nothing to run: no child for it.
      if (jobs[i].refused) {
        entries[i] = refused_entry(jobs[i], *jobs[i].refused);
        progress.finished(i, false);
        continue;
      }
      Running r;
      r.index = i;
      r.pid = start_child(jobs[i], settings, log, &r.fd);
      progress.started(i, jobs[i].label, jobs[i].options.output_path);
      running.push_back(std::move(r));
    }
    if (running.empty()) continue;
    // Read every pipe as it fills (a long entry would otherwise block its child), and collect
    // a child once its pipe is closed. With progress shown, wake twice a second to redraw it.
    std::vector<pollfd> polls;
    for (const auto& r : running) polls.push_back({r.fd, POLLIN, 0});
    if (::poll(polls.data(), polls.size(), settings.progress ? 500 : -1) < 0 && errno != EINTR) {
      throw Error(ErrorKind::kInternal, std::string("poll failed: ") + std::strerror(errno));
    }
    for (size_t k = 0; k < running.size(); ++k) {
      if (polls[k].revents == 0) continue;
      char buf[4096];
      const ssize_t n = ::read(running[k].fd, buf, sizeof buf);
      if (n > 0) {
        running[k].result.append(buf, static_cast<size_t>(n));
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
      entries[r.index] = entry_of(jobs[r.index], r.result, status);
      progress.finished(r.index, entry_exit_code(entries[r.index]) == 0);
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(k));
    }
    progress.draw();
  }
  progress.clear();
  return entries;
}

int print_summary(const std::vector<Json>& entries, std::ostream& out) {
  int exit_code = 0;
  size_t failed = 0;
  for (const Json& e : entries) {
    const int code = entry_exit_code(e);
    if (code != 0) {
      ++failed;
      if (exit_code == 0) exit_code = code;
    }
    out << entry_summary_line(e) << "\n";
  }
  out << entries.size() - failed << " converted, " << failed << " failed\n";
  return exit_code;
}

}  // namespace pt2onnx::cli
