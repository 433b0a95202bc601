// The lines of lib/loader/newer_aten_schemas.txt, compiled into the binary by
// cmake/embed_lines.cmake (the build writes the definitions); read through newer_aten_ops.h.
#pragma once

#include <cstddef>

namespace pt2onnx::loader {

extern const char* const kNewerAtenSchemaLines[];
extern const std::size_t kNewerAtenSchemaLinesCount;

}  // namespace pt2onnx::loader
