#include "loader/zip_index.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "loader/crc32.h"
#include "pt2onnx/error.h"

namespace pt2onnx::loader {
namespace {

constexpr uint32_t kEndOfCentralDir = 0x06054b50;
constexpr uint32_t kZip64EndOfCentralDir = 0x06064b50;
constexpr uint32_t kZip64Locator = 0x07064b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kLocalHeader = 0x04034b50;
// Deflate cannot expand its input by more than 1032:1, so a record claiming more lies. Archives
// written by torch.jit.save store every record uncompressed: a compressed record is another
// tool's doing, and it must stay within a ratio real weights reach, plus some slack for runs of
// zeros. A "zip bomb" of 1.6 MB claiming 1.5 GiB is refused before anything is allocated.
constexpr uint64_t kMaxDeflateRatio = 64;
constexpr uint64_t kRatioSlackBytes = uint64_t{64} << 20;

uint16_t u16(const unsigned char* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t u32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
uint64_t u64(const unsigned char* p) {
  return static_cast<uint64_t>(u32(p)) | (static_cast<uint64_t>(u32(p + 4)) << 32);
}

[[noreturn]] void unreadable(const std::string& path, const std::string& why) {
  throw Error(DiagCode::kModelUnreadable,
              "'" + path + "' is a damaged or truncated archive (" + why + ")");
}

[[noreturn]] void corrupt(const std::string& path, const std::string& record,
                          const std::string& why) {
  throw Error(DiagCode::kCorruptArchive,
              "'" + path + "' is damaged: record '" + record + "' " + why);
}

std::vector<unsigned char> read_at(int fd, uint64_t pos, size_t n, uint64_t file_size,
                                   const std::string& path) {
  if (pos > file_size || n > file_size - pos) unreadable(path, "a header points past its end");
  std::vector<unsigned char> buf(n);
  size_t done = 0;
  while (done < n) {
    const ssize_t got = ::pread(fd, buf.data() + done, n - done, static_cast<off_t>(pos + done));
    if (got <= 0) unreadable(path, "reading it failed");
    done += static_cast<size_t>(got);
  }
  return buf;
}

}  // namespace

std::vector<ZipRecord> read_zip_index(int fd, uint64_t file_size, const std::string& path) {
  // The end-of-central-directory record: the last 22 bytes, unless a comment follows it.
  const uint64_t tail_size = std::min<uint64_t>(file_size, 22 + 0xffff);
  const auto tail = read_at(fd, file_size - tail_size, tail_size, file_size, path);
  int64_t eocd = -1;
  for (int64_t i = static_cast<int64_t>(tail_size) - 22; i >= 0; --i) {
    if (u32(&tail[static_cast<size_t>(i)]) == kEndOfCentralDir) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) unreadable(path, "no end of central directory");
  const unsigned char* e = &tail[static_cast<size_t>(eocd)];
  uint64_t entries = u16(e + 10);
  uint64_t dir_size = u32(e + 12);
  uint64_t dir_offset = u32(e + 16);
  const uint64_t eocd_pos = file_size - tail_size + static_cast<uint64_t>(eocd);
  if (eocd_pos >= 20) {
    const auto loc = read_at(fd, eocd_pos - 20, 20, file_size, path);
    if (u32(loc.data()) == kZip64Locator) {
      const auto z = read_at(fd, u64(&loc[8]), 56, file_size, path);
      if (u32(z.data()) != kZip64EndOfCentralDir) unreadable(path, "a bad zip64 directory");
      entries = u64(&z[32]);
      dir_size = u64(&z[40]);
      dir_offset = u64(&z[48]);
    }
  }
  if (dir_offset > file_size || dir_size > file_size - dir_offset || entries > dir_size / 46) {
    unreadable(path, "its central directory does not fit in the file");
  }
  const auto dir = read_at(fd, dir_offset, static_cast<size_t>(dir_size), file_size, path);
  std::vector<ZipRecord> records;
  records.reserve(static_cast<size_t>(entries));
  size_t p = 0;
  for (uint64_t i = 0; i < entries; ++i) {
    if (p + 46 > dir.size() || u32(&dir[p]) != kCentralHeader) {
      unreadable(path, "a bad central directory entry");
    }
    const unsigned char* h = &dir[p];
    ZipRecord r;
    r.method = u16(h + 10);
    r.crc = u32(h + 16);
    r.compressed_size = u32(h + 20);
    r.size = u32(h + 24);
    const size_t name_len = u16(h + 28), extra_len = u16(h + 30), comment_len = u16(h + 32);
    uint64_t local = u32(h + 42);
    if (p + 46 + name_len + extra_len + comment_len > dir.size()) {
      unreadable(path, "a central directory entry runs past the directory");
    }
    r.name.assign(reinterpret_cast<const char*>(h + 46), name_len);
    // Zip64: the fields saturated at 0xffffffff follow in the extra field, in this order.
    for (size_t x = 0; x + 4 <= extra_len;) {
      const unsigned char* f = h + 46 + name_len + x;
      const size_t len = u16(f + 2);
      if (u16(f) == 0x0001) {
        size_t q = 4;
        auto take = [&](uint64_t& field) {
          if (field != 0xffffffffu) return;
          if (q + 8 > 4 + len || x + q + 8 > extra_len)
            corrupt(path, r.name, "has a bad zip64 field");
          field = u64(f + q);
          q += 8;
        };
        take(r.size);
        take(r.compressed_size);
        take(local);
      }
      x += 4 + len;
    }
    p += 46 + name_len + extra_len + comment_len;

    const auto lh = read_at(fd, local, 30, file_size, path);
    if (u32(lh.data()) != kLocalHeader)
      corrupt(path, r.name, "has no local header where the directory says");
    r.data_offset = local + 30 + u16(&lh[26]) + u16(&lh[28]);
    if (r.data_offset > file_size || r.compressed_size > file_size - r.data_offset) {
      corrupt(path, r.name,
              "claims " + std::to_string(r.compressed_size) + " bytes, more than the file holds");
    }
    if (r.method == 0 && r.size != r.compressed_size) {
      corrupt(path, r.name,
              "is stored uncompressed but claims " + std::to_string(r.size) + " bytes in " +
                  std::to_string(r.compressed_size));
    }
    if (r.method == 8 && r.size > r.compressed_size * kMaxDeflateRatio + kRatioSlackBytes) {
      corrupt(path, r.name,
              "claims to inflate from " + std::to_string(r.compressed_size) + " to " +
                  std::to_string(r.size) + " bytes, more than pt2onnx accepts (" +
                  std::to_string(kMaxDeflateRatio) + ":1)");
    }
    if (r.method != 0 && r.method != 8) {
      corrupt(path, r.name, "uses compression method " + std::to_string(r.method));
    }
    records.push_back(std::move(r));
  }
  return records;
}

void verify_deflated_record(int fd, const ZipRecord& record, const std::string& path) {
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) corrupt(path, record.name, "cannot be inflated");
  std::vector<unsigned char> in(1 << 16), out(1 << 16);
  uint64_t pos = record.data_offset, left = record.compressed_size, produced = 0;
  uint32_t crc = 0;
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    if (z.avail_in == 0 && left > 0) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(left, in.size()));
      const ssize_t got = ::pread(fd, in.data(), n, static_cast<off_t>(pos));
      if (got != static_cast<ssize_t>(n)) break;
      pos += n;
      left -= n;
      z.next_in = in.data();
      z.avail_in = static_cast<uInt>(n);
    }
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    status = inflate(&z, Z_NO_FLUSH);
    const size_t n = out.size() - z.avail_out;
    produced += n;
    crc = crc32_update(crc, out.data(), n);
    if ((status != Z_OK && status != Z_STREAM_END) || produced > record.size ||
        (status == Z_OK && n == 0 && z.avail_in == 0 && left == 0)) {
      break;
    }
  }
  inflateEnd(&z);
  if (status != Z_STREAM_END || produced != record.size) {
    corrupt(path, record.name,
            "does not inflate to the " + std::to_string(record.size) + " bytes it claims");
  }
  if (crc != record.crc) corrupt(path, record.name, "does not match its CRC-32");
}

}  // namespace pt2onnx::loader
