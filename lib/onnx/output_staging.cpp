#include "onnx/output_staging.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "pt2onnx/error.h"

namespace pt2onnx::onnx_ir {

namespace fs = std::filesystem;

namespace {

// Six random letters, as mkdtemp would pick; generated here because the name must be registered
// before the directory exists.
std::string random_suffix() {
  static thread_local std::mt19937_64 rng(std::random_device{}() ^
                                          (static_cast<uint64_t>(::getpid()) << 32));
  static const char kLetters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out;
  for (int i = 0; i < 6; ++i) out.push_back(kLetters[rng() % (sizeof kLetters - 1)]);
  return out;
}

}  // namespace

OutputStaging::OutputStaging(const fs::path& target)
    : final_dir_(target.parent_path().empty() ? fs::path(".") : target.parent_path()),
      target_name_(target.filename().string()) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto dir = std::make_unique<Dir>();
    dir->path_ = final_dir_ / ("." + target_name_ + "." + random_suffix() + ".pt2onnx-tmp");
    dir->registration = std::make_unique<RegisteredTemp>(dir->path_.string(), TempKind::kDirectory);
    if (::mkdir(dir->path_.c_str(), 0700) == 0) {
      dir_ = std::move(dir);
      break;
    }
    if (errno != EEXIST) {
      throw Error(ErrorKind::kWriteFailed, "cannot create a temporary directory in '" +
                                               final_dir_.string() + "': " + std::strerror(errno));
    }
  }
  if (!dir_) {
    throw Error(ErrorKind::kWriteFailed,
                "cannot find a free temporary name in '" + final_dir_.string() + "'");
  }
  model_ = add_file(target_name_);
}

OutputStaging::~OutputStaging() {
  for (const auto& f : files_) ::unlink(f->path().c_str());
  ::rmdir(dir_->path_.c_str());
}

fs::path OutputStaging::add_file(const std::string& name) {
  const fs::path staged = dir_->path_ / name;
  files_.push_back(std::make_unique<RegisteredTemp>(staged.string(), TempKind::kFile));
  return staged;
}

std::vector<std::string> OutputStaging::commit() {
  std::vector<std::string> side_files;
  CommitGuard hold_signals;
  // The model goes last: until it is renamed, the previous model (if any) is what a reader sees.
  for (size_t i = files_.size(); i-- > 0;) {
    const fs::path staged(files_[i]->path());
    const fs::path target = final_dir_ / staged.filename();
    if (::rename(staged.c_str(), target.c_str()) != 0) {
      throw Error(ErrorKind::kWriteFailed,
                  "cannot move the result to '" + target.string() + "': " + std::strerror(errno));
    }
    if (i != 0) side_files.insert(side_files.begin(), target.string());
  }
  return side_files;
}

}  // namespace pt2onnx::onnx_ir
