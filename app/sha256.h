// SHA-256 of a file, for the report's list of written files (FIPS 180-4; no crypto library is a
// dependency of the build, and this is the only digest pt2onnx needs).
#pragma once

#include <string>

namespace pt2onnx::cli {

// Lower-case hex; throws std::runtime_error when the file cannot be read.
std::string sha256_file(const std::string& path);
// Of a string (for the unit of the known-answer checks).
std::string sha256_hex(const std::string& data);

}  // namespace pt2onnx::cli
