// The built-in registry, and the one registration function per opset it is made of (each lives
// in tables/opsetN.cpp).
#pragma once

#include "symbolics/registry.h"

namespace pt2onnx::sym {

// Built once, explicitly, from every tables/opsetN.cpp (tables/builtin.cpp).
const OpsetRegistry& builtin_registry();

void register_opset9(SymbolicTable& t);
void register_opset10(SymbolicTable& t);
void register_opset11(SymbolicTable& t);
void register_opset12(SymbolicTable& t);
void register_opset13(SymbolicTable& t);
void register_opset14(SymbolicTable& t);
void register_opset15(SymbolicTable& t);
void register_opset16(SymbolicTable& t);
void register_opset17(SymbolicTable& t);
void register_opset18(SymbolicTable& t);
void register_opset19(SymbolicTable& t);
void register_opset20(SymbolicTable& t);
void register_opset21(SymbolicTable& t);

}  // namespace pt2onnx::sym
