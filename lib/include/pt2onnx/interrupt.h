// What a caller's SIGINT/SIGTERM/SIGHUP handler needs from the library so that an interrupted run
// leaves nothing behind: the library registers every temporary file and directory it creates, and
// defers a signal that arrives while it moves finished files to their final names (a half-done
// commit would pair a new model with an old external-data file). Both calls are
// async-signal-safe.
#pragma once

namespace pt2onnx {

// Returns true when an output is being committed: the handler must then return at once; the
// signal is raised again (with raise()) as soon as the commit ends. Otherwise it returns false
// and from then on no commit starts (the process is expected to exit).
bool defer_signal_during_commit(int signal_number) noexcept;

// Unlinks every registered temporary file, then removes the registered temporary directories.
void remove_temporary_files() noexcept;

}  // namespace pt2onnx
