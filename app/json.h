// A small JSON value with a parser and a writer: manifests are read with it and reports written
// with it. Objects keep their keys in insertion order, so that a report written twice from the
// same data is the same text.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace pt2onnx::cli {

class Json {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool b) : type_(Type::kBool), bool_(b) {}
  Json(int v) : Json(static_cast<int64_t>(v)) {}
  Json(int64_t v)
      : type_(Type::kNumber), number_(static_cast<double>(v)), integer_(true), int_(v) {}
  Json(size_t v) : Json(static_cast<int64_t>(v)) {}
  Json(double v) : type_(Type::kNumber), number_(v) {}
  Json(const char* s) : type_(Type::kString), string_(s) {}
  Json(std::string s) : type_(Type::kString), string_(std::move(s)) {}

  static Json array() { return Json(Type::kArray); }
  static Json object() { return Json(Type::kObject); }

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_integer() const { return type_ == Type::kNumber && integer_; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  bool as_bool() const { return bool_; }
  double as_number() const { return number_; }
  int64_t as_int() const { return integer_ ? int_ : static_cast<int64_t>(number_); }
  const std::string& as_string() const { return string_; }
  const std::vector<Json>& items() const { return items_; }
  const std::vector<std::pair<std::string, Json>>& members() const { return members_; }

  // Arrays: append. Objects: set a key (replacing its value, keeping its place).
  Json& push(Json value);
  Json& set(const std::string& key, Json value);
  // Objects: the value of `key`, or nullptr.
  const Json* find(const std::string& key) const;
  Json* find(const std::string& key);

  // Compact (one line) or indented by two spaces.
  std::string dump(bool pretty = false) const;

 private:
  explicit Json(Type type) : type_(type) {}
  void write(std::string& out, bool pretty, int depth) const;

  Type type_ = Type::kNull;
  bool bool_ = false;
  double number_ = 0;
  bool integer_ = false;
  int64_t int_ = 0;
  std::string string_;
  std::vector<Json> items_;
  std::vector<std::pair<std::string, Json>> members_;
};

// Parses one JSON text; throws std::runtime_error("at column N: ...") when it is not JSON (or
// has something after the value other than white space). A duplicated object key is an error:
// in a manifest it is nearly always a mistake, and JSON leaves its meaning open.
Json parse_json(const std::string& text);

}  // namespace pt2onnx::cli
