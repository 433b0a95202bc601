# LibTorch: Debian's libtorch-dev by default; a user's own LibTorch through CMAKE_PREFIX_PATH
# (or Torch_DIR). Its include directories are marked SYSTEM so its warnings never trip -Werror.
find_package(Torch REQUIRED)
add_library(pt2onnx_torch INTERFACE)
target_link_libraries(pt2onnx_torch INTERFACE ${TORCH_LIBRARIES})
target_include_directories(pt2onnx_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
separate_arguments(_torch_cxx_flags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
target_compile_options(pt2onnx_torch INTERFACE ${_torch_cxx_flags})
# zlib's crc32 and inflate check the archives LibTorch reads (its bundled miniz skips the CRCs).
find_package(ZLIB REQUIRED)
target_link_libraries(pt2onnx_torch INTERFACE ZLIB::ZLIB)
add_library(pt2onnx::torch ALIAS pt2onnx_torch)

# ONNX (ModelProto, checker, shape inference) must be the same ONNX and protobuf that LibTorch
# links, or two copies of onnx.proto's descriptors meet in one process.
find_package(ONNX REQUIRED)
find_package(Protobuf REQUIRED)
add_library(pt2onnx_onnx INTERFACE)
target_link_libraries(pt2onnx_onnx INTERFACE onnx onnx_proto protobuf::libprotobuf)
get_target_property(_onnx_includes onnx INTERFACE_INCLUDE_DIRECTORIES)
target_include_directories(pt2onnx_onnx SYSTEM INTERFACE ${_onnx_includes})
add_library(pt2onnx::onnx ALIAS pt2onnx_onnx)

find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)
