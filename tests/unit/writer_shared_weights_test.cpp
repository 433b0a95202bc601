// Equal initializers (dtype, shape and bytes) share one name, whatever their size.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "onnx/graph_builder.h"
#include "onnx/model_writer.h"
#include "onnx/tensor_dedup.h"

namespace pt2onnx::onnx_ir {
namespace {

at::Tensor big(float seed) { return at::arange(64 * 64, at::kFloat).reshape({64, 64}) * seed; }

TEST(TensorDeduper, MatchesEqualBytesOnly) {
  TensorDeduper pool;
  int counter = 0;
  auto name = [&counter] { return "t" + std::to_string(counter++); };
  EXPECT_FALSE(pool.intern(big(1), name).existing);
  auto same = pool.intern(big(1), name);
  EXPECT_TRUE(same.existing);
  EXPECT_EQ(same.name, "t0");
  // One element changed where the sampled windows do not look: the full hash tells them apart.
  at::Tensor nearly = big(1);
  nearly.view({-1})[64 * 64 / 2 + 37] = -1.0f;
  EXPECT_EQ(tensor_sample_hash(nearly), tensor_sample_hash(big(1)));
  EXPECT_FALSE(pool.intern(nearly, name).existing);
  // The same bytes under another shape or dtype are another tensor.
  EXPECT_FALSE(pool.intern(big(1).reshape({32, 128}), name).existing);
  EXPECT_FALSE(pool.intern(big(1).view(at::kInt), name).existing);
  // Small tensors too.
  EXPECT_FALSE(pool.intern(at::ones({3}), name).existing);
  EXPECT_TRUE(pool.intern(at::ones({3}), name).existing);
  EXPECT_FALSE(pool.intern(at::ones({3}, at::kDouble), name).existing);
  // Not contiguous: never matched (matching would need a copy).
  EXPECT_FALSE(pool.intern(big(1).t(), name).existing);
}

TEST(GraphBuilder, EqualLargeConstantsAndParametersShareOneInitializer) {
  GraphBuilder g(17, true);
  auto a = g.add_parameter("a.weight", big(2), true);
  auto b = g.add_parameter("b.weight", big(2), true);
  auto c = g.add_parameter("c.weight", big(3), true);
  EXPECT_EQ(a, "a.weight");
  EXPECT_EQ(b, "a.weight");  // the first name in graph order
  EXPECT_EQ(c, "c.weight");
  auto k1 = g.add_constant(big(5), "k");
  auto k2 = g.add_constant(big(5), "other");
  EXPECT_EQ(k1, k2);
  EXPECT_EQ(g.initializers().size(), 3u);
  // The same fold of the same constant: one initializer, evaluated once.
  const Attrs perm = {{"perm", std::vector<int64_t>{1, 0}}};
  auto t1 = g.emit("Transpose", {a}, perm, 1)[0];
  auto t2 = g.emit("Transpose", {b}, perm, 1)[0];
  EXPECT_EQ(t1, t2);
  EXPECT_EQ(g.initializers().size(), 4u);
  // With export_params off, parameters are graph inputs and stay apart.
  auto i1 = g.add_parameter("p", big(2), false);
  auto i2 = g.add_parameter("q", big(2), false);
  EXPECT_NE(i1, i2);
}

TEST(ModelWriter, WritesEqualWeightsOnce) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "pt2onnx_shared_weights_test";
  fs::create_directories(dir);
  GraphBuilder g(17, true);
  onnx::TypeProto x = tensor_type(onnx::TensorProto::FLOAT, {2, 64});
  g.add_input("x", x);
  auto h = g.emit("MatMul", {"x", g.add_parameter("l1.weight", big(1), true)}, {}, 1)[0];
  auto y = g.emit("MatMul", {h, g.add_parameter("l2.weight", big(1), true)}, {}, 1)[0];
  g.add_output(y, "y");
  ExportOptions options;
  options.output_path = (dir / "m.onnx").string();
  const WriteResult written = write_model(g, options);
  EXPECT_EQ(written.initializer_count, 1);
  EXPECT_EQ(written.initializer_bytes, 64 * 64 * 4);
  onnx::ModelProto model;
  std::ifstream in(options.output_path, std::ios::binary);
  ASSERT_TRUE(model.ParseFromIstream(&in));
  ASSERT_EQ(model.graph().initializer_size(), 1);
  EXPECT_EQ(model.graph().initializer(0).name(), "l1.weight");
  EXPECT_EQ(model.graph().node(1).input(1), "l1.weight");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace pt2onnx::onnx_ir
