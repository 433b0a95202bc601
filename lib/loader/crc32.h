// CRC-32 (the zip/zlib polynomial), fast enough to check every byte of a multi-GB archive as it is
// read: PCLMULQDQ folding where the CPU has it (about 20 times Debian zlib's crc32), zlib's
// crc32 otherwise and for the tails.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pt2onnx::loader {

// Continues `crc` (0 to start) over `n` bytes, as zlib's crc32(crc, data, n).
uint32_t crc32_update(uint32_t crc, const void* data, size_t n);

}  // namespace pt2onnx::loader
