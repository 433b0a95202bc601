// The registry behind pt2onnx/interrupt.h: temporary paths a signal handler may have to remove,
// kept in lock-free slots a handler can walk without allocating or locking.
#pragma once

#include <atomic>
#include <string>

namespace pt2onnx::onnx_ir {

enum class TempKind { kFile, kDirectory };

// A registered temporary path. Registration happens before the path is created, so that no
// moment exists at which a created path is unknown to the handler.
class RegisteredTemp {
 public:
  RegisteredTemp(std::string path, TempKind kind);
  RegisteredTemp(const RegisteredTemp&) = delete;
  RegisteredTemp& operator=(const RegisteredTemp&) = delete;
  // Forgets the path (removing it is the owner's job).
  ~RegisteredTemp();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::atomic<const char*>* slot_ = nullptr;
};

// Marks the commit of an output (the renames to final names): a signal arriving meanwhile is
// raised again when the guard ends. If a handler is already running, the constructor never
// returns (the handler is about to end the process and the files must stay as they are).
class CommitGuard {
 public:
  CommitGuard();
  CommitGuard(const CommitGuard&) = delete;
  CommitGuard& operator=(const CommitGuard&) = delete;
  ~CommitGuard();
};

}  // namespace pt2onnx::onnx_ir
