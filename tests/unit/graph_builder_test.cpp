#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <onnx/checker.h>

#include <filesystem>
#include <fstream>

#include "onnx/graph_builder.h"
#include "onnx/model_writer.h"
#include "onnx/ops.h"
#include "pt2onnx/error.h"

namespace pt2onnx::onnx_ir {
namespace {

onnx::TypeProto float_input(std::vector<std::string> dims) {
  onnx::TypeProto t = tensor_type(onnx::TensorProto::FLOAT);
  auto* shape = t.mutable_tensor_type()->mutable_shape();
  for (const auto& d : dims) {
    if (d.empty() || !isdigit(d[0])) {
      shape->add_dim()->set_dim_param(d);
    } else {
      shape->add_dim()->set_dim_value(std::stoll(d));
    }
  }
  return t;
}

TEST(GraphBuilder, InfersTypesNodeByNode) {
  GraphBuilder g(13, true);
  g.add_input("x", float_input({"batch", "3", "8", "8"}));
  auto y = g.emit("Relu", {"x"}, {}, 1)[0];
  EXPECT_EQ(g.rank(y), 4);
  EXPECT_EQ(g.elem_type(y), onnx::TensorProto::FLOAT);
  auto d = g.dims(y);
  ASSERT_TRUE(d);
  EXPECT_FALSE((*d)[0].has_value());  // symbolic
  EXPECT_EQ((*d)[1], 3);
}

TEST(GraphBuilder, FoldsConstantSubgraphs) {
  GraphBuilder g(13, true);
  auto a = g.add_constant(at::tensor({1.0f, 2.0f}));
  auto b = g.add_constant(at::tensor({3.0f, 4.0f}));
  auto c = g.emit("Add", {a, b}, {}, 1)[0];
  ASSERT_NE(g.constant_of(c), nullptr);
  EXPECT_TRUE(at::allclose(*g.constant_of(c), at::tensor({4.0f, 6.0f})));
  EXPECT_EQ(g.node_count(), 0);
}

TEST(GraphBuilder, NoFoldKeepsNodes) {
  GraphBuilder g(13, false);
  auto a = g.add_constant(at::tensor({1.0f}));
  auto c = g.emit("Neg", {a}, {}, 1)[0];
  EXPECT_EQ(g.constant_of(c), nullptr);
  EXPECT_EQ(g.node_count(), 1);
}

TEST(GraphBuilder, StaticSizesFoldAndSymbolicOnesStay) {
  GraphBuilder g(11, true);
  g.add_input("x", float_input({"batch", "3", "8", "8"}));
  auto channels = onnx_ops::dim_size(g, "x", 1);
  ASSERT_NE(g.constant_of(channels), nullptr);
  EXPECT_EQ(g.constant_of(channels)->item<int64_t>(), 3);
  auto batch = onnx_ops::dim_size(g, "x", 0);
  EXPECT_EQ(g.constant_of(batch), nullptr);
  // Reshape(x, [batch, -1]) keeps the batch symbol and works out the -1.
  auto target = g.emit(
      "Concat",
      {onnx_ops::unsqueeze(g, batch, {0}), g.add_constant(at::tensor(std::vector<int64_t>{-1}))},
      {{"axis", 0}}, 1)[0];
  auto flat = g.emit("Reshape", {"x", target}, {}, 1)[0];
  auto d = g.dims(flat);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->size(), 2u);
  EXPECT_EQ((*d)[1], 3 * 8 * 8);
  EXPECT_EQ(g.type_of(flat)->tensor_type().shape().dim(0).dim_param(), "batch");
}

TEST(GraphBuilder, RejectsNodesThatBreakTheirSchema) {
  GraphBuilder g(13, true);
  g.add_input("x", float_input({"2"}));
  EXPECT_THROW(g.emit("NoSuchOp", {"x"}, {}, 1), Error);
  EXPECT_THROW(g.emit("Relu", {"x"}, {{"bogus_attr", 1}}, 1), Error);
}

// GreaterOrEqual-12 has a function body and no type inference in ONNX 1.12 and 1.17 (as
// GroupNormalization has in 1.17): a main-graph output of it has no type, which ONNX's checker
// rejects, so the builder refuses to write it; a subgraph's output may go untyped.
TEST(GraphBuilder, RefusesAnUntypedGraphOutput) {
  GraphBuilder g(12, true);
  g.add_input("x", float_input({"n"}));
  g.add_input("y", float_input({"n"}));
  {
    SubgraphScope scope(g, "body");
    const auto inner = g.emit("GreaterOrEqual", {"x", "y"}, {}, 1)[0];
    EXPECT_EQ(g.type_of(inner), nullptr);
    EXPECT_NO_THROW(g.add_output(inner, inner));
    scope.finish();
  }
  const auto ge = g.emit("GreaterOrEqual", {"x", "y"}, {}, 1)[0];
  try {
    g.add_output(ge, "out");
    FAIL() << "an untyped output was written";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidOutput);
    EXPECT_NE(std::string(e.what()).find("GreaterOrEqual"), std::string::npos) << e.what();
  }
  EXPECT_EQ(g.main_graph().output_size(), 0);
}

TEST(ModelWriter, WritesACheckedModelAndNoTempFile) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "pt2onnx_writer_test";
  fs::create_directories(dir);
  GraphBuilder g(17, true);
  g.add_input("x", float_input({"2", "3"}));
  auto w = g.add_parameter("layer.weight", at::ones({3, 4}), true);
  auto y = g.emit("MatMul", {"x", w}, {}, 1)[0];
  g.add_output(y, "y");
  ExportOptions options;
  options.output_path = (dir / "m.onnx").string();
  write_model(g, options);
  onnx::ModelProto model;
  std::ifstream in(options.output_path, std::ios::binary);
  ASSERT_TRUE(model.ParseFromIstream(&in));
  EXPECT_NO_THROW(onnx::checker::check_model(model));
  EXPECT_EQ(model.ir_version(), 8);
  EXPECT_EQ(model.opset_import(0).version(), 17);
  EXPECT_EQ(model.graph().output(0).name(), "y");
  EXPECT_EQ(model.graph().initializer(0).name(), "layer.weight");
  for (const auto& entry : fs::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string().find("tmp"), std::string::npos);
  }
  fs::remove_all(dir);
}

TEST(ModelWriter, IrVersionFollowsTheOpset) {
  EXPECT_EQ(ir_version_for_opset(9), 4);
  EXPECT_EQ(ir_version_for_opset(11), 6);
  EXPECT_EQ(ir_version_for_opset(13), 7);
  EXPECT_EQ(ir_version_for_opset(17), 8);
}

}  // namespace
}  // namespace pt2onnx::onnx_ir
