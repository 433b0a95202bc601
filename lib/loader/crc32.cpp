#include "loader/crc32.h"

#include <zlib.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace pt2onnx::loader {
namespace {

#if defined(__x86_64__)

__attribute__((target("pclmul,sse4.1"))) inline __m128i load(const unsigned char* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// One 128-bit lane folded over the next 16 bytes with the constants `k`.
__attribute__((target("pclmul,sse4.1"))) inline __m128i fold_into(__m128i acc, __m128i next,
                                                                  __m128i k) {
  const __m128i lo = _mm_clmulepi64_si128(acc, k, 0x00);
  const __m128i hi = _mm_clmulepi64_si128(acc, k, 0x11);
  return _mm_xor_si128(_mm_xor_si128(hi, next), lo);
}

// Folding with carry-less multiplication, four 128-bit lanes at a time, then Barrett reduction
// ("Fast CRC Computation for Generic Polynomials Using PCLMULQDQ", Intel 2009; the constants
// are the bit-reflected ones of the zip polynomial, as in Linux's and Chromium's zlib). Takes
// and returns the CRC in its inverted (register) form; `len` is at least 64 and a multiple of
// 16.
__attribute__((target("pclmul,sse4.1"))) uint32_t fold_pclmul(const unsigned char* buf, size_t len,
                                                              uint32_t crc) {
  alignas(16) static const uint64_t k1k2[] = {0x0154442bd4, 0x01c6e41596};
  alignas(16) static const uint64_t k3k4[] = {0x01751997d0, 0x00ccaa009e};
  alignas(16) static const uint64_t k5k0[] = {0x0163cd6124, 0x0000000000};
  alignas(16) static const uint64_t poly[] = {0x01db710641, 0x01f7011641};

  __m128i x1 = load(buf + 0x00);
  __m128i x2 = load(buf + 0x10);
  __m128i x3 = load(buf + 0x20);
  __m128i x4 = load(buf + 0x30);
  x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128(static_cast<int>(crc)));
  __m128i x0 = _mm_load_si128(reinterpret_cast<const __m128i*>(k1k2));
  buf += 64;
  len -= 64;
  while (len >= 64) {
    const __m128i x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
    const __m128i x6 = _mm_clmulepi64_si128(x2, x0, 0x00);
    const __m128i x7 = _mm_clmulepi64_si128(x3, x0, 0x00);
    const __m128i x8 = _mm_clmulepi64_si128(x4, x0, 0x00);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
    x2 = _mm_clmulepi64_si128(x2, x0, 0x11);
    x3 = _mm_clmulepi64_si128(x3, x0, 0x11);
    x4 = _mm_clmulepi64_si128(x4, x0, 0x11);
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x5), load(buf + 0x00));
    x2 = _mm_xor_si128(_mm_xor_si128(x2, x6), load(buf + 0x10));
    x3 = _mm_xor_si128(_mm_xor_si128(x3, x7), load(buf + 0x20));
    x4 = _mm_xor_si128(_mm_xor_si128(x4, x8), load(buf + 0x30));
    buf += 64;
    len -= 64;
  }
  // Four lanes into one.
  x0 = _mm_load_si128(reinterpret_cast<const __m128i*>(k3k4));
  x1 = fold_into(x1, x2, x0);
  x1 = fold_into(x1, x3, x0);
  x1 = fold_into(x1, x4, x0);
  while (len >= 16) {
    x1 = fold_into(x1, load(buf), x0);
    buf += 16;
    len -= 16;
  }
  // 128 bits to 64, then Barrett reduction to 32.
  x2 = _mm_clmulepi64_si128(x1, x0, 0x10);
  x3 = _mm_setr_epi32(~0, 0, ~0, 0);
  x1 = _mm_srli_si128(x1, 8);
  x1 = _mm_xor_si128(x1, x2);
  x0 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(k5k0));
  x2 = _mm_srli_si128(x1, 4);
  x1 = _mm_and_si128(x1, x3);
  x1 = _mm_clmulepi64_si128(x1, x0, 0x00);
  x1 = _mm_xor_si128(x1, x2);
  x0 = _mm_load_si128(reinterpret_cast<const __m128i*>(poly));
  x2 = _mm_and_si128(x1, x3);
  x2 = _mm_clmulepi64_si128(x2, x0, 0x10);
  x2 = _mm_and_si128(x2, x3);
  x2 = _mm_clmulepi64_si128(x2, x0, 0x00);
  x1 = _mm_xor_si128(x1, x2);
  return static_cast<uint32_t>(_mm_extract_epi32(x1, 1));
}

bool has_pclmul() {
  static const bool yes = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return yes;
}

#endif

// zlib's crc32 takes a uInt length.
uint32_t zlib_crc(uint32_t crc, const unsigned char* p, size_t n) {
  while (n > 0) {
    const uInt chunk = n > (1u << 30) ? (1u << 30) : static_cast<uInt>(n);
    crc = static_cast<uint32_t>(::crc32(crc, p, chunk));
    p += chunk;
    n -= chunk;
  }
  return crc;
}

}  // namespace

uint32_t crc32_update(uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
#if defined(__x86_64__)
  if (n >= 64 && has_pclmul()) {
    const size_t bulk = n & ~size_t{15};
    crc = ~fold_pclmul(p, bulk, ~crc);
    p += bulk;
    n -= bulk;
  }
#endif
  return zlib_crc(crc, p, n);
}

}  // namespace pt2onnx::loader
