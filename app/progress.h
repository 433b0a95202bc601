// The batch's status line on a terminal: done/total, failures, the models being converted (with
// the bytes written so far of those writing their weights), elapsed and estimated time. Redrawn
// in place on stderr; nothing at all when it is off (stderr not a terminal, or -q).
#pragma once

#include <chrono>
#include <map>
#include <string>

namespace pt2onnx::cli {

// Whether to show progress: stderr is a terminal and the user did not ask for -q.
bool progress_wanted(bool quiet);

class Progress {
 public:
  Progress(size_t total, bool enabled);
  void started(size_t index, const std::string& label, const std::string& output);
  void finished(size_t index, bool ok);
  void draw();
  // Erases the line (before the summary is printed).
  void clear();

 private:
  struct Current {
    std::string label;
    std::string output;
  };
  size_t total_;
  bool enabled_;
  size_t done_ = 0;
  size_t failed_ = 0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::map<size_t, Current> running_;
};

// The bytes written so far into the staging directory of `output` (.OUT.onnx.XXXXXX.pt2onnx-tmp/
// beside it, docs/cli.md), 0 when there is none yet.
int64_t staged_bytes(const std::string& output);
// "512 B", "3.4 MB", "1.21 GB".
std::string human_bytes(int64_t bytes);

}  // namespace pt2onnx::cli
