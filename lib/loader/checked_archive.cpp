#include "loader/checked_archive.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "loader/crc32.h"
#include "pt2onnx/error.h"

namespace pt2onnx::loader {
namespace {

// Small enough to be hashed while still in the cache after pread copied it.
constexpr size_t kPieceBytes = size_t{4} << 20;

}  // namespace

CheckedArchive::CheckedArchive(std::string path, int fd, uint64_t size)
    : path_(std::move(path)), fd_(fd), size_(size) {}

CheckedArchive::~CheckedArchive() {
  if (fd_ >= 0) ::close(fd_);
}

std::shared_ptr<CheckedArchive> CheckedArchive::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(DiagCode::kModelUnreadable,
                "'" + path + "' cannot be opened for reading: " + std::strerror(errno));
  }
  struct stat st = {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw Error(DiagCode::kModelUnreadable, "'" + path + "' cannot be read");
  }
  std::shared_ptr<CheckedArchive> archive(
      new CheckedArchive(path, fd, static_cast<uint64_t>(st.st_size)));
  archive->records_ = read_zip_index(fd, archive->size_, path);
  for (size_t i = 0; i < archive->records_.size(); ++i) {
    const ZipRecord& r = archive->records_[i];
    if (r.method == 0) {
      archive->stored_at_.emplace(r.data_offset, i);
    } else {
      verify_deflated_record(fd, r, path);
    }
  }
  return archive;
}

size_t CheckedArchive::read(uint64_t pos, void* buf, size_t n, const char* /*what*/) const {
  if (pos >= size_) return 0;
  n = static_cast<size_t>(std::min<uint64_t>(n, size_ - pos));
  const auto it = stored_at_.find(pos);
  const ZipRecord* record = nullptr;
  if (it != stored_at_.end() && records_[it->second].size == n) record = &records_[it->second];
  auto* out = static_cast<char*>(buf);
  uint32_t crc = 0;
  size_t done = 0;
  while (done < n) {
    const size_t want = std::min(kPieceBytes, n - done);
    const ssize_t got = ::pread(fd_, out + done, want, static_cast<off_t>(pos + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    if (record) crc = crc32_update(crc, out + done, static_cast<size_t>(got));
    done += static_cast<size_t>(got);
  }
  if (record && done == n && crc != record->crc) {
    char hex[2][16];
    std::snprintf(hex[0], sizeof hex[0], "%08x", record->crc);
    std::snprintf(hex[1], sizeof hex[1], "%08x", crc);
    if (failure_.empty()) {
      failure_ = "'" + path_ + "' is damaged: record '" + record->name +
                 "' does not match its CRC-32 (the archive says " + hex[0] + ", its " +
                 std::to_string(n) + " bytes give " + hex[1] + ")";
    }
    return 0;
  }
  return done;
}

}  // namespace pt2onnx::loader
