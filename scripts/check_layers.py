#!/usr/bin/python3
"""Fails when a source file includes a project header of a higher layer.

The layers, lowest first (docs/architecture.md), and where their files live:
  ir            lib/onnx, lib/diag, lib/compat     the ONNX graph builder, folder, writer; diagnostics;
                                                   LibTorch/ONNX release differences
  symbolic_api  symbolics/*.{h,cpp}                the API symbolics use, the registry's types
  symbolics     symbolics/impl, symbolics/tables,  the lowerings, the per-opset tables
                symbolics/helpers.*
  converter     lib/loader, lib/passes,            loading, graph passes, the dispatcher, export,
                lib/convert, lib/export.cpp,       --verify's comparison in ONNX Runtime (built
                lib/verify                         only with ONNX Runtime)
  app           app/                               the command line
A file may include headers of its own layer and of the layers below it. The public headers
(lib/include/pt2onnx) are open to every layer, except that the symbolics never read the user's
options (pt2onnx/options.h): what a symbolic needs is passed to it as a value. The build runs
this check before compiling, so a wrong include fails the build.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
LAYERS = ["ir", "symbolic_api", "symbolics", "converter", "app"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of_file(rel: str):
    if rel.startswith(("lib/onnx/", "lib/diag/", "lib/compat/")):
        return "ir"
    if rel.startswith(("symbolics/impl/", "symbolics/tables/", "symbolics/helpers.")):
        return "symbolics"
    if rel.startswith("symbolics/"):
        return "symbolic_api"
    if rel.startswith(("lib/loader/", "lib/passes/", "lib/convert/", "lib/verify/")) \
            or rel == "lib/export.cpp":
        return "converter"
    if rel.startswith("app/"):
        return "app"
    return None


def layer_of_include(path: str, including: str):
    if path.startswith("pt2onnx/"):
        return "public"
    for prefix, layer in (("onnx/", "ir"), ("diag/", "ir"), ("compat/", "ir"), ("convert/", "converter"),
                          ("passes/", "converter"), ("loader/", "converter"),
                          ("verify/", "converter")):
        if path.startswith(prefix):
            return layer
    if path.startswith("symbolics/"):
        return layer_of_file(path)
    return layer_of_file(including)  # a header beside the file (app/)


def main() -> int:
    bad = []
    for f in sorted(ROOT.glob("**/*")):
        if f.suffix not in (".h", ".cpp") or "build" in f.relative_to(ROOT).parts[0]:
            continue
        rel = f.relative_to(ROOT).as_posix()
        layer = layer_of_file(rel)
        if layer is None:
            continue
        for inc in INCLUDE.findall(f.read_text()):
            target = layer_of_include(inc, rel)
            if target == "public":
                if inc == "pt2onnx/options.h" and layer in ("symbolic_api", "symbolics") \
                        and not rel.startswith("symbolics/tables/"):
                    bad.append(f"{rel}: includes {inc}: symbolics do not read the options")
                continue
            if target is not None and LAYERS.index(target) > LAYERS.index(layer):
                bad.append(f"{rel} ({layer}) includes {inc} ({target}), a higher layer")
    for line in bad:
        print("layering:", line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
