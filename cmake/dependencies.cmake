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
# ONNX 1.12 exports plain `onnx`/`onnx_proto` targets; later releases (Debian 13's 1.17)
# namespace them as ONNX::onnx/ONNX::onnx_proto.
if(TARGET ONNX::onnx)
  set(_onnx_target ONNX::onnx)
  set(_onnx_proto_target ONNX::onnx_proto)
elseif(TARGET onnx)
  set(_onnx_target onnx)
  set(_onnx_proto_target onnx_proto)
else()
  message(FATAL_ERROR "ONNX ${ONNX_VERSION} was found but exports neither ONNX::onnx nor onnx")
endif()
message(STATUS "pt2onnx: LibTorch ${Torch_VERSION}, ONNX ${ONNX_VERSION}, protobuf ${Protobuf_VERSION}")
add_library(pt2onnx_onnx INTERFACE)
target_link_libraries(pt2onnx_onnx INTERFACE ${_onnx_target} ${_onnx_proto_target}
                      protobuf::libprotobuf)
get_target_property(_onnx_includes ${_onnx_target} INTERFACE_INCLUDE_DIRECTORIES)
target_include_directories(pt2onnx_onnx SYSTEM INTERFACE ${_onnx_includes})
add_library(pt2onnx::onnx ALIAS pt2onnx_onnx)

find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)
# OpenSSL's libcrypto for the report's SHA-256 digests: its SHA-NI/AVX2 code hashes a file at
# memory speed, where a portable loop took longer than writing the model (docs/report.md).
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
