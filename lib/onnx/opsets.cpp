#include "pt2onnx/opsets.h"

#include <onnx/common/version.h>
#include <onnx/defs/schema.h>

#include <algorithm>

#include "pt2onnx/options.h"

namespace pt2onnx {

std::string onnx_version() { return onnx::LAST_RELEASE_VERSION; }

int onnx_max_opset() {
  // The registry's range, not a number compiled in here, so that a newer libonnx raises it.
  const auto& ranges = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  auto it = ranges.find(onnx::ONNX_DOMAIN);
  return it == ranges.end() ? kMaxOpset : it->second.second;
}

int max_opset() { return std::min(kMaxOpset, onnx_max_opset()); }

std::optional<std::string> opset_refusal(int opset) {
  const std::string asked = "--opset " + std::to_string(opset) + " is out of range: ";
  if (opset > onnx_max_opset()) {
    return asked + "the linked ONNX " + onnx_version() + " defines opsets up to " +
           std::to_string(onnx_max_opset());
  }
  if (opset < kMinOpset || opset > kMaxOpset) {
    return asked + "pt2onnx writes opsets " + std::to_string(kMinOpset) + " to " +
           std::to_string(max_opset());
  }
  return std::nullopt;
}

}  // namespace pt2onnx
