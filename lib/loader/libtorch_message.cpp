#include "loader/libtorch_message.h"

#include <c10/util/Exception.h>

#include <initializer_list>

namespace pt2onnx::loader {

std::string libtorch_message(const std::exception& e) {
  const auto* c10_error = dynamic_cast<const c10::Error*>(&e);
  std::string text = c10_error ? c10_error->what_without_backtrace() : e.what();
  // Some messages still carry "Exception raised from ... (most recent call first):" and frames.
  for (const char* marker : {"Exception raised from ", "\nframe #"}) {
    const auto at = text.find(marker);
    if (at != std::string::npos) text.erase(at);
  }
  const char* space = " \t\r\n";
  const auto first = text.find_first_not_of(space);
  if (first == std::string::npos) return "LibTorch gave no reason";
  text = text.substr(first, text.find_last_not_of(space) - first + 1);
  // Blank lines would break the one-paragraph error; keep the lines themselves.
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && !out.empty() && out.back() == '\n') continue;
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace pt2onnx::loader
