// An ONNX attribute value as symbolics write it: {"axis", 1}, {"perm", {0, 2, 1}},
// {"mode", "cubic"}, {"value", tensor}, {"body", graph}.
#pragma once

#include <ATen/core/Tensor.h>
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace pt2onnx::onnx_ir {

class AttrValue {
 public:
  using Graph = std::shared_ptr<onnx::GraphProto>;
  using Storage =
      std::variant<int64_t, float, std::string, std::vector<int64_t>, std::vector<float>,
                   std::vector<std::string>, at::Tensor, Graph, onnx::TypeProto>;

  AttrValue(int v) : value_(static_cast<int64_t>(v)) {}
  AttrValue(int64_t v) : value_(v) {}
  AttrValue(bool v) : value_(static_cast<int64_t>(v)) {}
  AttrValue(float v) : value_(v) {}
  AttrValue(double v) : value_(static_cast<float>(v)) {}
  AttrValue(const char* v) : value_(std::string(v)) {}
  AttrValue(std::string v) : value_(std::move(v)) {}
  AttrValue(std::vector<int64_t> v) : value_(std::move(v)) {}
  AttrValue(std::initializer_list<int64_t> v) : value_(std::vector<int64_t>(v)) {}
  AttrValue(std::vector<float> v) : value_(std::move(v)) {}
  AttrValue(std::vector<std::string> v) : value_(std::move(v)) {}
  AttrValue(at::Tensor v) : value_(std::move(v)) {}
  AttrValue(Graph v) : value_(std::move(v)) {}
  AttrValue(onnx::TypeProto v) : value_(std::move(v)) {}

  const Storage& storage() const { return value_; }

 private:
  Storage value_;
};

struct Attr {
  std::string name;
  AttrValue value;
};

using Attrs = std::vector<Attr>;

}  // namespace pt2onnx::onnx_ir
