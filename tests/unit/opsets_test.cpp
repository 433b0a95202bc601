#include "pt2onnx/opsets.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "pt2onnx/options.h"

using namespace pt2onnx;

TEST(Opsets, RangeIsTheLowerOfTablesAndOnnx) {
  EXPECT_FALSE(onnx_version().empty());
  EXPECT_GE(onnx_max_opset(), kDefaultOpset);  // ONNX 1.12 defines 17, later releases more
  EXPECT_EQ(max_opset(), std::min(kMaxOpset, onnx_max_opset()));
  for (int opset = kMinOpset; opset <= max_opset(); ++opset) {
    EXPECT_FALSE(opset_refusal(opset).has_value()) << opset;
  }
}

TEST(Opsets, RefusalNamesTheLimit) {
  auto below = opset_refusal(kMinOpset - 1);
  ASSERT_TRUE(below.has_value());
  EXPECT_NE(below->find("pt2onnx writes opsets " + std::to_string(kMinOpset) + " to"),
            std::string::npos)
      << *below;
  // Past what the linked ONNX defines, the message says which ONNX that is.
  auto beyond_onnx = opset_refusal(onnx_max_opset() + 1);
  ASSERT_TRUE(beyond_onnx.has_value());
  EXPECT_NE(beyond_onnx->find("ONNX " + onnx_version()), std::string::npos) << *beyond_onnx;
  if (onnx_max_opset() > kMaxOpset) {
    auto beyond_tables = opset_refusal(kMaxOpset + 1);
    ASSERT_TRUE(beyond_tables.has_value());
    EXPECT_EQ(beyond_tables->find("ONNX "), std::string::npos) << *beyond_tables;
  }
}
