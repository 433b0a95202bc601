// The model file as LibTorch reads it (a caffe2 ReadAdapterInterface), checking the CRC-32 of
// every record it reads. LibTorch's miniz is built without CRC checks, so a flipped byte in a
// weight would otherwise convert silently. A stored record is read by miniz in one call covering
// exactly its data: this reader hashes it as it is read, in pieces that are still in the cache,
// so every byte is read from memory once. Deflated records (never written by torch.jit.save) are
// inflated and checked once when the archive is opened.
#pragma once

#include <caffe2/serialize/read_adapter_interface.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "loader/zip_index.h"

namespace pt2onnx::loader {

class CheckedArchive final : public caffe2::serialize::ReadAdapterInterface {
 public:
  // Throws Error(kModelUnreadable / kCorruptArchive) when the archive's headers do not add up.
  static std::shared_ptr<CheckedArchive> open(const std::string& path);
  ~CheckedArchive() override;

  size_t size() const override { return size_; }
  // On a CRC mismatch returns 0 (LibTorch then fails the load) and remembers why: failure().
  size_t read(uint64_t pos, void* buf, size_t n, const char* what) const override;

  // Empty unless a record read so far did not match its CRC-32.
  const std::string& failure() const { return failure_; }
  const std::vector<ZipRecord>& records() const { return records_; }

 private:
  CheckedArchive(std::string path, int fd, uint64_t size);
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  std::vector<ZipRecord> records_;
  std::unordered_map<uint64_t, size_t> stored_at_;  // data offset -> index of a stored record
  mutable std::string failure_;
};

}  // namespace pt2onnx::loader
