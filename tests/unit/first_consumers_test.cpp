#include "convert/first_consumers.h"

#include <gtest/gtest.h>
#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/jit.h>

#include "pt2onnx/error.h"

namespace pt2onnx::convert {
namespace {

// A graph whose first op reads input 0, with its weights folded to constants as freezing leaves
// them.
std::shared_ptr<torch::jit::Graph> graph_of(const std::string& source) {
  const auto unit = torch::jit::compile(source);
  auto graph = torch::jit::toGraphFunction(unit->get_function("f")).graph()->copy();
  torch::jit::ConstantPropagation(graph);
  return graph;
}

IoSpecs one_input(std::optional<std::vector<int64_t>> shape, c10::ScalarType dtype,
                  bool dtype_given = true) {
  IoSpecs specs;
  specs.input_names = {"x"};
  InputSpec spec;
  spec.shape = shape;
  spec.dtype = dtype;
  if (shape) spec.shape_option = "--shape x:...";
  if (dtype_given) spec.dtype_option = "--dtype x:...";
  specs.inputs.push_back(spec);
  return specs;
}

std::optional<DiagCode> code_of(const torch::jit::Graph& graph, const IoSpecs& specs) {
  try {
    check_inputs_against_consumers(graph, specs);
  } catch (const Error& e) {
    return e.code();
  }
  return std::nullopt;
}

const char* kConv = R"(
def f(x):
    return torch.conv2d(x, torch.ones([4, 3, 3, 3]))
)";

const char* kEmbedding = R"(
def f(x):
    return torch.embedding(torch.ones([10, 4]), x)
)";

TEST(FirstConsumers, ConvolutionRankChannelsAndDtype) {
  const auto graph = graph_of(kConv);
  EXPECT_EQ(code_of(*graph, one_input(std::vector<int64_t>{1, 3, 8, 8}, c10::kFloat)),
            std::nullopt);
  EXPECT_EQ(code_of(*graph, one_input(std::vector<int64_t>{3, 8, 8}, c10::kFloat)),
            DiagCode::kBadInputSpec);
  EXPECT_EQ(code_of(*graph, one_input(std::vector<int64_t>{1, 5, 8, 8}, c10::kFloat)),
            DiagCode::kBadInputSpec);
  EXPECT_EQ(code_of(*graph, one_input(std::vector<int64_t>{1, 3, 8, 8}, c10::kLong)),
            DiagCode::kBadInputSpec);
  // Without --shape only the dtype is checked.
  EXPECT_EQ(code_of(*graph, one_input(std::nullopt, c10::kFloat)), std::nullopt);
  EXPECT_EQ(code_of(*graph, one_input(std::nullopt, c10::kHalf)), DiagCode::kBadInputSpec);
}

TEST(FirstConsumers, EmbeddingIndicesAreIntegers) {
  const auto graph = graph_of(kEmbedding);
  EXPECT_EQ(code_of(*graph, one_input(std::vector<int64_t>{5}, c10::kLong)), std::nullopt);
  EXPECT_EQ(code_of(*graph, one_input(std::vector<int64_t>{5}, c10::kFloat, false)),
            DiagCode::kBadInputSpec);
}

TEST(FirstConsumers, RanksAreInferredFromAConvolution) {
  const auto graph = graph_of(kConv);
  IoSpecs specs = one_input(std::nullopt, c10::kFloat, false);
  infer_missing_input_ranks(*graph, specs);
  ASSERT_TRUE(specs.inputs[0].shape.has_value());
  EXPECT_EQ(specs.inputs[0].shape->size(), 4u);
}

}  // namespace
}  // namespace pt2onnx::convert
