#include "loader/libtorch_warnings.h"

#include <torch/version.h>

namespace pt2onnx::loader {

#if TORCH_VERSION_MAJOR >= 2
void LibTorchWarnings::process(const c10::Warning& warning) {
  if (sink_) sink_("LibTorch: " + warning.msg());
}
#else
void LibTorchWarnings::process(const c10::SourceLocation& /*location*/, const std::string& message,
                               bool /*verbatim*/) {
  if (sink_) sink_("LibTorch: " + message);
}
#endif

}  // namespace pt2onnx::loader
