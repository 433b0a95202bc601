// The report's one-pass read of a written file: everything but the initializers' bytes parsed,
// their names kept, the digest that of the whole file, and a damaged file refused.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "onnx_describe.h"
#include "onnx_skim.h"
#include "sha256.h"

namespace pt2onnx::cli {
namespace {

namespace fs = std::filesystem;

onnx::ModelProto sample_model() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("test");
  m.add_opset_import()->set_version(17);
  auto* g = m.mutable_graph();
  g->set_name("g");
  for (const char* name : {"w", "b"}) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_dims(1 << 18);
    t->set_raw_data(std::string(size_t{4} << 18, name[0]));
  }
  auto* in = g->add_input();
  in->set_name("x");
  in->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  g->add_input()->set_name("w");  // as --keep-initializers-as-inputs lists it
  auto* node = g->add_node();
  node->set_op_type("If");
  auto* attr = node->add_attribute();
  attr->set_name("then_branch");
  attr->set_type(onnx::AttributeProto::GRAPH);
  attr->mutable_g()->add_node()->set_op_type("Relu");
  g->add_node()->set_op_type("Add");
  g->add_output()->set_name("y");
  g->add_value_info()->set_name("v");  // after the initializers on the wire
  return m;
}

std::string write_file(const std::string& bytes, const std::string& name) {
  const fs::path path = fs::temp_directory_path() / ("pt2onnx_skim_" + name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path.string();
}

TEST(OnnxSkim, ParsesAllButTheInitializersBytes) {
  const onnx::ModelProto model = sample_model();
  const std::string bytes = model.SerializeAsString();
  const std::string path = write_file(bytes, "ok.onnx");
  const SkimmedModel skimmed = skim_onnx_file(path);
  onnx::ModelProto expected = model;
  expected.mutable_graph()->clear_initializer();
  EXPECT_EQ(skimmed.model.SerializeAsString(), expected.SerializeAsString());
  EXPECT_EQ(skimmed.initializer_names, (std::vector<std::string>{"w", "b"}));
  EXPECT_EQ(skimmed.sha256, sha256_hex(bytes));
  EXPECT_EQ(skimmed.sha256, sha256_file(path));

  const OnnxFileFacts facts = describe_onnx_file(path);
  EXPECT_EQ(facts.sha256, sha256_hex(bytes));
  EXPECT_EQ(facts.description.find("initializer_count")->as_int(), 2);
  EXPECT_EQ(facts.description.find("inputs")->items().size(), 1u);  // "w" is a weight
  EXPECT_EQ(facts.description.find("node_count")->as_int(), 2);
  EXPECT_EQ(facts.description.find("nested_node_count")->as_int(), 1);
  EXPECT_EQ(facts.description.find("opset")->as_int(), 17);
  fs::remove(path);
}

TEST(OnnxSkim, RefusesADamagedFile) {
  const std::string bytes = sample_model().SerializeAsString();
  for (const size_t keep : {bytes.size() - 1, bytes.size() / 2, size_t{3}}) {
    const std::string path = write_file(bytes.substr(0, keep), "cut.onnx");
    EXPECT_THROW(skim_onnx_file(path), std::runtime_error) << keep;
    fs::remove(path);
  }
  const std::string junk = write_file(std::string(64, '\xff'), "junk.onnx");
  EXPECT_THROW(skim_onnx_file(junk), std::runtime_error);
  fs::remove(junk);
  EXPECT_THROW(skim_onnx_file("/nonexistent/pt2onnx.onnx"), std::runtime_error);
}

}  // namespace
}  // namespace pt2onnx::cli
