// SHA-256 for the report's list of written files. OpenSSL's libcrypto computes it: with the
// CPU's SHA extensions it runs at memory speed, where a portable loop cost more than writing the
// model.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

struct evp_md_ctx_st;

namespace pt2onnx::cli {

// An incremental digest, for bytes that pass by once (a file being parsed).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, size_t size);
  // Lower-case hex of everything given so far; the digest takes no more bytes after it.
  std::string hex();

 private:
  evp_md_ctx_st* ctx_;
};

// Lower-case hex; throws std::runtime_error when the file cannot be read.
std::string sha256_file(const std::string& path);
// Of a string (for the unit of the known-answer checks).
std::string sha256_hex(const std::string& data);

}  // namespace pt2onnx::cli
