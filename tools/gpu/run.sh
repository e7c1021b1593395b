#!/usr/bin/env bash
# Runs the GPU kit made by tools/gpu/pack.sh on a machine with an OpenCL driver (NVIDIA, or PoCL for a
# dry run) and no Java: unpacks it into a temporary folder, checks the OpenCL setup, makes a random
# Llama-3.2-1B-shaped model with this machine's Python (torch), runs the TornadoVM kernel tests, a
# whole-model greedy equality check against the CPU backend, and a bench table. See README, "GPU kit".
#
#   run.sh [KIT.tar.xz] [--model DIR | --layers N] [--tests all|kernels|none] [--contexts 512,8192]
#          [--budget 1024] [--new-tokens 64] [--reps 1] [--bandwidth GB/s] [--step-timeout 300]
#          [--tests-timeout 900] [--out DIR]
#
# KIT.tar.xz defaults to kvasir-gpu-kit.tar.xz beside this script. Results (table.md, the bench JSON,
# every step's log) go to --out (default ./kvasir-gpu-results), which must not exist yet. A step that
# runs past --step-timeout seconds (the tests: --tests-timeout) is stopped and reported as failed, and
# the next one runs.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
fail() { echo "run.sh: $*" >&2; exit 2; }

kit_file="" model="" layers=16 tests=all contexts=512,8192 budget=1024 new_tokens=64 reps=1 bandwidth="" out=""
step_timeout=300 tests_timeout=900
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --layers) layers="$2"; shift 2 ;;
    --tests) tests="$2"; shift 2 ;;
    --contexts) contexts="$2"; shift 2 ;;
    --budget) budget="$2"; shift 2 ;;
    --new-tokens) new_tokens="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --step-timeout) step_timeout="$2"; shift 2 ;;
    --tests-timeout) tests_timeout="$2"; shift 2 ;;
    --bandwidth) bandwidth="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) usage ;;
    -*) fail "unknown option $1 (run.sh --help)" ;;
    *) [ -z "$kit_file" ] || fail "one kit file, got '$kit_file' and '$1'"; kit_file="$1"; shift ;;
  esac
done
case "$tests" in all|kernels|none) ;; *) fail "--tests must be all, kernels or none, got '$tests'" ;; esac
for n in "$layers" "$budget" "$new_tokens" "$reps" "$step_timeout" "$tests_timeout" ${contexts//,/ }; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || fail "expected a positive integer, got '$n'"
done
[ -z "$bandwidth" ] || [[ "$bandwidth" =~ ^[0-9]+(\.[0-9]+)?$ ]] || fail "--bandwidth must be GB/s, got '$bandwidth'"
kit_file="${kit_file:-$here/kvasir-gpu-kit.tar.xz}"
[ -f "$kit_file" ] || fail "no kit at $kit_file (make one with tools/gpu/pack.sh)"
[ -z "$model" ] || [ -f "$model/config.json" ] || fail "--model $model has no config.json"
[ -n "$model" ] && model="$(cd "$model" && pwd)"
out="${out:-$PWD/kvasir-gpu-results}"
[ ! -e "$out" ] || fail "--out $out already exists (results are never mixed with an earlier run's; pick another)"
mkdir -p "$out" || fail "cannot create --out $out"
out="$(cd "$out" && pwd)"
start=$(date +%s)
step() { echo "== [$(( $(date +%s) - start )) s] $*" | tee -a "$out/steps.log" >&2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
step "unpacking $kit_file"
tar -C "$work" -xJf "$kit_file" || fail "cannot unpack $kit_file"
kit="$work/kvasir-gpu"
[ -x "$kit/jre/bin/java" ] || fail "$kit_file is not a kvasir GPU kit (no jre/bin/java)"
cat "$kit/COMMIT" >"$out/kit-commit.txt" 2>/dev/null

# --- OpenCL: the NVIDIA driver ships libnvidia-opencl.so.1; the ICD loader finds it only through a
# vendors file. Where /etc/OpenCL/vendors has none for NVIDIA, a private vendors folder is used
# (OCL_ICD_VENDORS), so nothing on the machine changes. Where no loader is installed, the kit's is.
# ldconfig lives in /sbin, which a bare PATH (env -i PATH=/usr/bin:/bin) leaves out.
ld_cache() { PATH="$PATH:/sbin:/usr/sbin" ldconfig -p 2>/dev/null; }
vendors=(/etc/OpenCL/vendors/*.icd)
if [ ! -e "${vendors[0]}" ] || ! grep -qi nvidia /etc/OpenCL/vendors/*.icd 2>/dev/null; then
  nv="$(ld_cache | sed -n 's/.*libnvidia-opencl\.so\.1 .*=> //p' | head -n1)"
  if [ -n "$nv" ]; then
    mkdir -p "$work/vendors"
    echo "$nv" >"$work/vendors/nvidia.icd"
    cp /etc/OpenCL/vendors/*.icd "$work/vendors/" 2>/dev/null
    export OCL_ICD_VENDORS="$work/vendors"
    step "OpenCL: no NVIDIA ICD in /etc/OpenCL/vendors; using $nv through OCL_ICD_VENDORS=$OCL_ICD_VENDORS"
  fi
fi
if ! ld_cache | grep -q 'libOpenCL\.so\.1 '; then
  mkdir -p "$work/icd-loader" && cp "$kit/libOpenCL.so.1" "$work/icd-loader/"
  export LD_LIBRARY_PATH="$work/icd-loader${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  step "OpenCL: no ICD loader installed; using the kit's libOpenCL.so.1"
fi

# --- Java with TornadoVM: the SDK's JVM options with the kit's paths (the same flags ./kvasir uses).
export TORNADO_SDK="$kit/tornado" TORNADOVM_HOME="$kit/tornado"
sed "s#@SDK@#$kit/tornado#g" "$kit/tornado/tornado-argfile.template" >"$work/tornado-argfile"
java_flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xss8m
  "@$work/tornado-argfile" -Dtornado.tvm.maxbytecodesize=65536 -Dtornado.recover.bailout=false)
# Commands, not shell functions, so that timeout can run them; from an empty folder.
mkdir -p "$work/cwd" "$work/bin"
{ echo '#!/usr/bin/env bash'; echo "cd '$work/cwd' || exit 1"; printf 'exec %q' "$kit/jre/bin/java"; printf ' %q' "${java_flags[@]}"
  echo ' "$@"'; } >"$work/bin/java_run"
printf '#!/usr/bin/env bash\nexec %q -jar %q "$@"\n' "$work/bin/java_run" "$kit/kvasir.jar" >"$work/bin/kvasir"
chmod +x "$work/bin/java_run" "$work/bin/kvasir"
export PATH="$work/bin:$PATH"
# Runs one step, its output in $out/<name>.log; a failed step is reported and the next one runs.
# TIMEOUT=seconds before it overrides --step-timeout.
failures=0
run_step() {
  local name="$1" limit="${TIMEOUT:-$step_timeout}"; shift
  local t0=$(date +%s)
  if timeout "$limit" "$@" >"$out/$name.log" 2>&1; then
    step "$name: ok ($(( $(date +%s) - t0 )) s)"
  else
    failures=$((failures + 1))
    step "$name: FAILED ($(( $(date +%s) - t0 )) s), last lines of $out/$name.log:"
    tail -n 15 "$out/$name.log" >&2
  fi
}

step "devices"
run_step devices java_run -cp "$kit/kvasir.jar" uk.ac.manchester.tornado.drivers.TornadoDeviceQuery verbose
# The device line ("OPENCL -- [platform] -- name"), without TornadoVM's colour codes.
device="$(grep -m1 -- ' -- ' "$out/devices.log" | sed 's/\x1b\[[0-9;]*m//g; s/^[[:space:]]*//')"
echo "device: ${device:-none found}" >&2

# --- The model: a random Llama-3.2-1B-shaped one unless --model names one.
if [ -z "$model" ]; then
  model="$work/bench-model"
  run_step make-model python3 "$kit/tests/tools/make_bench_model.py" "$model" --layers "$layers"
  [ -f "$model/config.json" ] || fail "making the model failed (see $out/make-model.log; needs python3 with torch)"
fi

# --- The TornadoVM tests, through JUnit's console launcher: kernel tests (every *KernelsTest) and, with
# --tests all, the rest of io.kvasir.tornado (TornadoForwardTest: the CPU's greedy ids, kept positions
# and KV bytes on the three fixture models; the backend provider).
if [ "$tests" != none ]; then
  selectors=(--select-package io.kvasir.tornado)
  [ "$tests" = kernels ] && selectors+=(--include-classname '.*KernelsTest')
  TIMEOUT="$tests_timeout" run_step tests java_run -Dkvasir.fixtures="$kit/tests/fixtures/models" \
    -cp "$kit/tests/classes:$kit/kvasir.jar:$(echo "$kit"/tests/lib/junit-platform-console-standalone-*.jar)" \
    org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=tree "${selectors[@]}"
  grep -E "tests (successful|failed)" "$out/tests.log" >&2
fi

# --- Whole-model greedy equality on the bench model: the same ids from the CPU and the device.
prompt_file="$work/prompt.txt"
python3 "$kit/tools/kit_report.py" prompt "$prompt_file"
# name=flags: the methods of the equality check and of the bench table.
methods=("full=--method full" "snapkv=--method snapkv --budget BUDGET" "kivi4=--method full --kv-bits 4 --quant kivi")
for entry in "${methods[@]}"; do
  tag="${entry%%=*}" m="${entry#*=}"
  m="${m/BUDGET/128}"
  for b in cpu tornado; do
    run_step "generate-$tag-$b" kvasir generate --model "$model" --prompt-file "$prompt_file" --max-new-tokens 16 \
      --backend "$b" --json $m
  done
  run_step "equal-$tag" python3 "$kit/tools/kit_report.py" equal "$out/generate-$tag-cpu.log" "$out/generate-$tag-tornado.log"
  cat "$out/equal-$tag.log" >&2
done

# --- Bench: prefill and decode tok/s (medians; first call apart) per context and method.
for ctx in ${contexts//,/ }; do
  for entry in "${methods[@]}"; do
    tag="${entry%%=*}" m="${entry#*=}"
    m="${m/BUDGET/$budget}"
    run_step "bench-$ctx-$tag" kvasir bench --model "$model" --backend tornado --prompt-tokens "$ctx" \
      --max-new-tokens "$new_tokens" --reps "$reps" --json $m
  done
done

# --- The table (kit_report.py): decode GB/s against the GPU's memory bandwidth (datasheet numbers).
if [ -z "$bandwidth" ]; then
  gpu="$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n1)"
  case "$gpu" in
    *H200*) bandwidth=4800 ;;
    *H100*NVL*) bandwidth=3900 ;;
    *H100*PCIe*) bandwidth=2000 ;;
    *H100*) bandwidth=3350 ;;
    *A100*80GB*) bandwidth=2039 ;;
    *A100*) bandwidth=1555 ;;
  esac
  [ -n "$bandwidth" ] && step "GPU '$gpu': memory bandwidth $bandwidth GB/s (datasheet)"
fi
python3 "$kit/tools/kit_report.py" table "$out" "$model" "${bandwidth:-0}" "$budget" "$device" | tee "$out/table.md"
step "done: $failures failed step(s); results in $out"
[ "$failures" -eq 0 ]
