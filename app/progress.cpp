#include "progress.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

namespace pt2onnx::cli {
namespace {

namespace fs = std::filesystem;

std::string clock_text(double seconds) {
  char buf[32];
  const long s = static_cast<long>(seconds + 0.5);
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

// Below this the line would wrap on a narrow terminal and every redraw would add a line.
constexpr size_t kMaxWidth = 160;

}  // namespace

bool progress_wanted(bool quiet) { return !quiet && ::isatty(STDERR_FILENO) == 1; }

std::string human_bytes(int64_t bytes) {
  char buf[32];
  if (bytes >= (int64_t{1} << 30)) {
    std::snprintf(buf, sizeof buf, "%.2f GB", static_cast<double>(bytes) / (1 << 30));
  } else if (bytes >= (1 << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1 << 20));
  } else if (bytes >= (1 << 10)) {
    std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(bytes) / (1 << 10));
  } else {
    std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(bytes));
  }
  return buf;
}

int64_t staged_bytes(const std::string& output) {
  const fs::path out(output);
  const fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  const std::string prefix = "." + out.filename().string() + ".";
  const std::string suffix = ".pt2onnx-tmp";
  int64_t total = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix)) {
      continue;
    }
    std::error_code inner;
    for (fs::directory_iterator f(it->path(), inner), fend; !inner && f != fend;
         f.increment(inner)) {
      std::error_code size_ec;
      const auto size = fs::file_size(f->path(), size_ec);
      if (!size_ec) total += static_cast<int64_t>(size);
    }
  }
  return total;
}

Progress::Progress(size_t total, bool enabled)
    : total_(total), enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

void Progress::started(size_t index, const std::string& label, const std::string& output) {
  running_[index] = {label, output};
  draw();
}

void Progress::finished(size_t index, bool ok) {
  running_.erase(index);
  ++done_;
  if (!ok) ++failed_;
  draw();
}

void Progress::draw() {
  if (!enabled_) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string line = "[" + std::to_string(done_) + "/" + std::to_string(total_) + "]";
  if (failed_) line += " " + std::to_string(failed_) + " failed";
  line += " " + clock_text(elapsed);
  if (done_ > 0 && done_ < total_) {
    line += ", ETA " +
            clock_text(elapsed / static_cast<double>(done_) * static_cast<double>(total_ - done_));
  }
  std::string current;
  for (const auto& [index, c] : running_) {
    current += current.empty() ? " | " : ", ";
    current += c.label;
    const int64_t staged = staged_bytes(c.output);
    if (staged > 0) current += " (" + human_bytes(staged) + " written)";
  }
  line += current;
  if (line.size() > kMaxWidth) line = line.substr(0, kMaxWidth - 3) + "...";
  // \r and erase-to-end-of-line: the line is redrawn in place.
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::clear() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace pt2onnx::cli
