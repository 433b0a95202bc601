#include "interrupts.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <initializer_list>

#include "pt2onnx/interrupt.h"

namespace pt2onnx::cli {
namespace {

std::atomic<pid_t> g_children[kMaxChildren];

void on_signal(int sig) {
  if (pt2onnx::defer_signal_during_commit(sig)) return;
  pt2onnx::remove_temporary_files();
  for (auto& child : g_children) {
    const pid_t pid = child.load();
    if (pid > 0) ::kill(pid, sig);
  }
  // Each child removes its own temporary files; the batch ends when they have.
  for (auto& child : g_children) {
    const pid_t pid = child.load();
    if (pid > 0) ::waitpid(pid, nullptr, 0);
  }
  ::_exit(128 + sig);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action = {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&action.sa_mask, sig);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &action, nullptr);
}

bool add_child(pid_t pid) noexcept {
  for (auto& child : g_children) {
    pid_t expected = 0;
    if (child.compare_exchange_strong(expected, pid)) return true;
  }
  return false;
}

void remove_child(pid_t pid) noexcept {
  for (auto& child : g_children) {
    pid_t expected = pid;
    if (child.compare_exchange_strong(expected, 0)) return;
  }
}

void forget_children() noexcept {
  for (auto& child : g_children) child.store(0);
}

}  // namespace pt2onnx::cli
