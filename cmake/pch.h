// The one precompiled header: the heavy LibTorch and ONNX headers most translation units use.
#pragma once
#include <ATen/ATen.h>
#include <onnx/onnx_pb.h>
#include <torch/csrc/jit/ir/ir.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>
