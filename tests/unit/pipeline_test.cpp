// The pieces of manifests and reports that need no model: the JSON reader and writer, SHA-256,
// and how a manifest line becomes an argument list.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "json.h"
#include "manifest.h"
#include "pt2onnx/error.h"
#include "sha256.h"

namespace pt2onnx::cli {
namespace {

TEST(Json, ParsesAndWritesBack) {
  const Json v = parse_json(R"( {"a": [1, -2, 3.5, true, null], "b": "x\"\u00e9\n", "c": {}} )");
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v.find("a")->items()[1].as_int(), -2);
  EXPECT_TRUE(v.find("a")->items()[0].is_integer());
  EXPECT_FALSE(v.find("a")->items()[2].is_integer());
  EXPECT_EQ(v.find("b")->as_string(), "x\"\xc3\xa9\n");
  EXPECT_EQ(v.dump(), "{\"a\": [1, -2, 3.5, true, null], \"b\": \"x\\\"\xc3\xa9\\n\", \"c\": {}}");
  EXPECT_EQ(parse_json(v.dump()).dump(), v.dump());
  EXPECT_EQ(parse_json(v.dump(true)).dump(), v.dump());
}

TEST(Json, RefusesWhatIsNotJson) {
  for (const char* text : {"", "{", "{\"a\": }", "[1,]", "{\"a\": 1} x", "{'a': 1}", "01x",
                           "{\"a\": 1, \"a\": 2}", "\"\t\""}) {
    EXPECT_THROW(parse_json(text), std::runtime_error) << text;
  }
}

TEST(Sha256, KnownAnswers) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Manifest, EntryBecomesTheCommandLine) {
  std::string label;
  const auto args = entry_arguments(
      R"({"model": "m.pt", "opset": 11, "shape": ["x:1x3", "y:2"], "input-names": ["a", "b"],)"
      R"( "no-fold": true, "keep-initializers-as-inputs": false})",
      "/zoo", "/out", &label);
  EXPECT_EQ(label, "m.pt");
  const std::vector<std::string> expected = {
      "pt2onnx", "/zoo/m.pt", "-o",  "/out/m.onnx",   "--opset", "11",       "--shape",
      "x:1x3",   "--shape",   "y:2", "--input-names", "a,b",     "--no-fold"};
  EXPECT_EQ(args, expected);
  const auto own =
      entry_arguments(R"({"model": "/abs/m.pt", "output": "../o/m.onnx"})", "/zoo/a", "", &label);
  EXPECT_EQ(own[1], "/abs/m.pt");
  EXPECT_EQ(own[3], "/zoo/o/m.onnx");
}

TEST(Manifest, BadEntriesAreBadManifest) {
  std::string label;
  for (const char* line : {"[1]", R"({"output": "x.onnx"})", R"({"model": "m.pt", "jobs": 2})",
                           R"({"model": "m.pt", "no-fold": 1})",
                           R"({"model": "m.pt", "opset": {}})", R"({"model": "m.pt"})"}) {
    try {
      entry_arguments(line, ".", "", &label);
      ADD_FAILURE() << line;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), DiagCode::kBadManifest) << line;
    }
  }
}

}  // namespace
}  // namespace pt2onnx::cli
