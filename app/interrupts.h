// SIGINT, SIGTERM and SIGHUP end pt2onnx cleanly: every temporary file is removed, the child
// processes of a batch are told too and waited for, and the exit code is 128 + the signal's number
// (as a shell reports a process it killed). The handler only makes async-signal-safe calls.
#pragma once

#include <sys/types.h>

namespace pt2onnx::cli {

void install_interrupt_handlers();

// The batch's children, which the handler forwards the signal to. Slots are limited; add_child
// returns false when they are all taken (the caller waits for a child to end first).
bool add_child(pid_t pid) noexcept;
void remove_child(pid_t pid) noexcept;
// In a freshly forked child: its siblings are not its own to signal.
void forget_children() noexcept;
constexpr int kMaxChildren = 256;

}  // namespace pt2onnx::cli
