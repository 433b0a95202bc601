// Diagnostic codes are stable data: each has one spelling, an exit class, and a row in docs/cli.md.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "pt2onnx/error.h"

namespace pt2onnx {
namespace {

TEST(Diagnostics, CodesAreUniqueAndDocumented) {
  std::ifstream doc(std::string(PT2ONNX_SOURCE_DIR) + "/docs/cli.md");
  ASSERT_TRUE(doc.good());
  std::stringstream text;
  text << doc.rdbuf();
  std::set<std::string> seen;
  for (DiagCode code : all_codes()) {
    const std::string name = code_name(code);
    EXPECT_TRUE(seen.insert(name).second) << name << " is spelled twice";
    EXPECT_NE(text.str().find("| `" + name + "` |"), std::string::npos)
        << name << " has no row in docs/cli.md";
  }
}

TEST(Diagnostics, ErrorCarriesItsCodeAndExitClass) {
  const Error e(DiagCode::kOptionConflict, "--shape x given twice");
  EXPECT_EQ(e.kind(), ErrorKind::kUsage);
  EXPECT_EQ(e.exit_code(), 2);
  EXPECT_EQ(e.code(), DiagCode::kOptionConflict);
  ASSERT_EQ(e.diagnostics().size(), 1u);
  EXPECT_EQ(e.diagnostics()[0].message, "--shape x given twice");
}

TEST(Diagnostics, NeedsOpsetIsDataNotText) {
  const Error e = needs_opset_error(11, "gather on dynamic shapes");
  EXPECT_EQ(e.kind(), ErrorKind::kUnsupported);
  EXPECT_EQ(e.code(), DiagCode::kNeedsOpset);
  EXPECT_EQ(e.diagnostics()[0].first_opset, 11);
}

TEST(Diagnostics, ErrorsWithoutASpecificCodeGetTheirClassCode) {
  EXPECT_EQ(Error(ErrorKind::kBadInput, "x").code(), DiagCode::kModelUnreadable);
  EXPECT_EQ(Error(ErrorKind::kInternal, "x").code(), DiagCode::kInternal);
}

}  // namespace
}  // namespace pt2onnx
