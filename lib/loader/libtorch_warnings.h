// LibTorch's own warnings (TORCH_WARN) go to stderr through glog by default, ahead of pt2onnx's
// messages and in a format of their own ("W20261202 06:04:05 lower_tuples.cpp:211] ..."). They
// speak of LibTorch's internals, so pt2onnx passes them to its log at debug level instead.
#pragma once

#include <c10/util/Exception.h>
#include <torch/version.h>

#include <functional>
#include <string>

namespace pt2onnx::loader {

// Installs a handler for the current thread, and puts back the one before it.
#if TORCH_VERSION_MAJOR >= 2
using WarningHandlerGuard = c10::WarningUtils::WarningHandlerGuard;
#else
using WarningHandlerGuard = c10::Warning::WarningHandlerGuard;
#endif

class LibTorchWarnings : public c10::WarningHandler {
 public:
  using Sink = std::function<void(const std::string&)>;
  explicit LibTorchWarnings(Sink sink) : sink_(std::move(sink)) {}

#if TORCH_VERSION_MAJOR >= 2
  void process(const c10::Warning& warning) override;
#else
  void process(const c10::SourceLocation& location, const std::string& message,
               bool verbatim) override;
#endif

 private:
  Sink sink_;
};

}  // namespace pt2onnx::loader
