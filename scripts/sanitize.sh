#!/usr/bin/env bash
# Builds pt2onnx with AddressSanitizer and UndefinedBehaviorSanitizer in its own folder and runs
# the end-to-end tests (or the ctest regex given) against that binary:
#
#     scripts/sanitize.sh                 # every e2e test
#     scripts/sanitize.sh 'e2e.test_(errors|failures|fuzz_inputs)'
#
# LibTorch, ONNX and protobuf are not instrumented: leak checking is off (their static state
# looks like leaks), and new/delete pairs that cross into them are not compared. The sanitized
# binary is the executable itself, so the Python-driven tests need no LD_PRELOAD: they run it
# through the PT2ONNX variable. Every report goes to $BUILD_DIR/sanitizer-logs; the script
# fails when there is one, or when a test fails. On the shared 2-core machine the full build
# did not finish within the hour it had (4% after 11 minutes at nice 10, load average ~10).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-asan}
JOBS=${JOBS:-2}
regex=${1:-^e2e\.}
# UBSan's vptr check needs the typeinfo of every polymorphic class it meets, and LibTorch 1.13
# exports none for c10::DynamicType: with vptr on, the link fails (bind_default_inputs.cpp and
# write_back_views.cpp reach it through c10::Type casts).
# GCC 12 with -fsanitize=address warns that libstdc++'s own std::regex state "may be used
# uninitialized" (in newer_aten_ops.cpp and newer_torch_message.cpp), which -Werror turns into a
# failed build; the plain build does not warn, so the warning is off here only.
flags="-fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer"
flags+=" -Wno-maybe-uninitialized"
start=$(date +%s)
nice -n 10 cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPT2ONNX_WERROR=ON \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
nice -n 10 cmake --build "$BUILD_DIR" -j"$JOBS" --target pt2onnx
built=$(date +%s)
logs="$PWD/$BUILD_DIR/sanitizer-logs"
rm -rf "$logs" && mkdir -p "$logs"
export ASAN_OPTIONS="detect_leaks=0:alloc_dealloc_mismatch=0:abort_on_error=0:log_path=$logs/asan"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$logs/ubsan"
export PT2ONNX="$PWD/$BUILD_DIR/pt2onnx"
export ORT_RUN="$PWD/tests/tools/ort_run/ort_run.mjs"
status=0
cd tests/e2e
# The files run JOBS at a time (each is one Python process driving the binary); a file's result
# is its log's last line, so the report lists them in order whatever order they finish in.
run_file() {
  local t=$1 name="e2e.${1%.py}"
  if nice -n 10 /usr/bin/python3 -m unittest "${t%.py}" >"$logs/../$name.log" 2>&1; then
    echo "ok    $name" >"$logs/../$name.result"
  else
    echo "FAIL  $name (see $BUILD_DIR/$name.log)" >"$logs/../$name.result"
  fi
}
files=()
for t in test_*.py; do
  name="e2e.${t%.py}"
  [[ "$name" =~ $regex ]] || continue
  files+=("$t")
  rm -f "$logs/../$name.result"
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
  run_file "$t" &
done
wait
for t in "${files[@]}"; do
  result="$logs/../e2e.${t%.py}.result"
  cat "$result"
  grep -q '^ok' "$result" || status=1
done
cd ../..
end=$(date +%s)
echo "build: $((built - start)) s, tests: $((end - built)) s"
if compgen -G "$logs/*" >/dev/null; then
  echo "sanitizer reports in $logs:"
  grep -h -E "^SUMMARY|runtime error" "$logs"/* | sort | uniq -c | sort -rn | head -n 40
  exit 1
fi
echo "no sanitizer reports"
exit $status
