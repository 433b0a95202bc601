// The records of a zip archive as its central directory and local headers describe them, read
// without LibTorch (whose miniz is built without CRC checks), and checked for what the headers
// themselves allow: every record's data inside the file, stored records as long as they claim,
// compressed ones within what deflate can expand to.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pt2onnx::loader {

struct ZipRecord {
  std::string name;
  uint16_t method = 0;  // 0 stored, 8 deflated
  uint32_t crc = 0;
  uint64_t compressed_size = 0;
  uint64_t size = 0;         // uncompressed
  uint64_t data_offset = 0;  // where the (compressed) bytes start in the file
};

// Throws Error(kCorruptArchive) naming the record whose headers do not add up;
// Error(kModelUnreadable) when the file has no readable central directory.
std::vector<ZipRecord> read_zip_index(int fd, uint64_t file_size, const std::string& path);

// Inflates a deflated record in small pieces, never holding more than a buffer, and checks its
// length and CRC-32. Throws Error(kCorruptArchive).
void verify_deflated_record(int fd, const ZipRecord& record, const std::string& path);

}  // namespace pt2onnx::loader
