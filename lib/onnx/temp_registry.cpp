#include "onnx/temp_registry.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "pt2onnx/interrupt.h"

namespace pt2onnx::onnx_ir {
namespace {

// Slots hold strdup'ed strings whose first character is 'f' (file) or 'd' (directory). Blocks are
// only ever appended, and strings are never freed: a handler running on another thread may be
// reading one, and a run registers a handful of them.
struct Block {
  static constexpr int kSlots = 128;
  std::atomic<const char*> slots[kSlots] = {};
  std::atomic<Block*> next{nullptr};
};

Block g_first;

enum State : int { kIdle = 0, kCommitting = 1, kHandling = 2 };
std::atomic<int> g_state{kIdle};
std::atomic<int> g_pending_signal{0};

std::atomic<const char*>* claim_slot(const char* text) {
  for (Block* b = &g_first;; b = b->next.load()) {
    for (auto& slot : b->slots) {
      const char* expected = nullptr;
      if (slot.compare_exchange_strong(expected, text)) return &slot;
    }
    if (b->next.load() == nullptr) {
      Block* fresh = new Block;
      Block* none = nullptr;
      if (!b->next.compare_exchange_strong(none, fresh)) delete fresh;
    }
  }
}

void remove_kind(char kind) noexcept {
  for (Block* b = &g_first; b != nullptr; b = b->next.load()) {
    for (auto& slot : b->slots) {
      const char* text = slot.load();
      if (text == nullptr || text[0] != kind) continue;
      if (kind == 'f') {
        ::unlink(text + 1);
      } else {
        ::rmdir(text + 1);
      }
    }
  }
}

}  // namespace

RegisteredTemp::RegisteredTemp(std::string path, TempKind kind) : path_(std::move(path)) {
  const std::string text = (kind == TempKind::kFile ? "f" : "d") + path_;
  slot_ = claim_slot(::strdup(text.c_str()));
}

RegisteredTemp::~RegisteredTemp() { slot_->store(nullptr); }

CommitGuard::CommitGuard() {
  int expected = kIdle;
  while (!g_state.compare_exchange_strong(expected, kCommitting)) {
    if (expected == kHandling) {
      for (;;) ::pause();
    }
    expected = kIdle;
  }
}

CommitGuard::~CommitGuard() {
  g_state.store(kIdle);
  const int sig = g_pending_signal.exchange(0);
  if (sig != 0) ::raise(sig);
}

}  // namespace pt2onnx::onnx_ir

namespace pt2onnx {

bool defer_signal_during_commit(int signal_number) noexcept {
  int expected = onnx_ir::kIdle;
  if (onnx_ir::g_state.compare_exchange_strong(expected, onnx_ir::kHandling)) return false;
  if (expected == onnx_ir::kCommitting) {
    onnx_ir::g_pending_signal.store(signal_number);
    return true;
  }
  return false;  // a handler already runs on another thread; it ends the process
}

void remove_temporary_files() noexcept {
  onnx_ir::remove_kind('f');
  onnx_ir::remove_kind('d');
}

}  // namespace pt2onnx
