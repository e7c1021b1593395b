#!/usr/bin/env bash
# Packs the GPU kit: one compressed file that runs kvasir's TornadoVM backend on a machine with an
# OpenCL (NVIDIA) driver but no Java and no network. Run here, where JDK 25 and a TornadoVM SDK are
# installed; carry the kit and tools/gpu/run.sh to the GPU machine (see README, "GPU kit").
#
#   TORNADO_SDK=/path/to/sdk tools/gpu/pack.sh [OUT.tar.xz]     (default: target/kvasir-gpu-kit.tar.xz)
#
# The kit holds (under kvasir-gpu/):
#   jre/            a jlink'd JDK 25 runtime: only the modules kvasir and TornadoVM load (incl. JVMCI)
#   tornado/        the SDK pruned to what runs: its native OpenCL library, the runtime/driver jars and
#                   the Graal compiler jars; tornado-argfile.template has @SDK@ where the SDK's path goes
#   kvasir.jar      the CLI, built with the tornado profile
#   tests/          the TornadoVM kernel and whole-model test classes, their fixtures, JUnit's console
#                   launcher, and tests/tools/make_bench_model.py (the random Llama-3.2-1B-shaped model)
#   libOpenCL.so.1  an OpenCL ICD loader, used only where the GPU machine has none
#   tools/kit_report.py  run.sh's prompt, equality check and bench table (Python standard library)
# Nothing of TornadoVM is committed: the kit is made from the local SDK each time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/target/kvasir-gpu-kit.tar.xz}"
fail() { echo "pack.sh: $*" >&2; exit 2; }
[ -n "${TORNADO_SDK:-}" ] || fail "set TORNADO_SDK to a TornadoVM SDK built with the OpenCL backend (see README, GPU backend)"
[ -f "$TORNADO_SDK/tornado-argfile" ] || fail "TORNADO_SDK=$TORNADO_SDK has no tornado-argfile (not an installed TornadoVM SDK)"
TORNADO_SDK="$(cd "$TORNADO_SDK" && pwd -P)"
export TORNADO_SDK
. "$root/scripts/jdk25.sh"
kvasir_find_jdk25 || exit 1
[ -x "$JAVA_HOME/bin/jlink" ] || fail "$JAVA_HOME has no jlink (a JDK, not a JRE, is needed)"

echo "pack.sh: building kvasir with the tornado profile (CLI jar and TornadoVM test classes)..." >&2
log="$(mktemp)"
if ! (cd "$root" && ./mvnw -B -q -ntp -Ptornado -DskipTests -pl cli,tornado-backend -am package >"$log" 2>&1); then
  cat "$log" >&2; rm -f "$log"; echo "pack.sh: build failed (output above)" >&2; exit 1
fi
# The launcher's stamp: this jar was built for TORNADO_SDK, so ./kvasir does not rebuild it.
printf '%s' "$TORNADO_SDK" >"$root/cli/target/kvasir.jar.tornado-sdk"
# JUnit's console launcher runs the kernel tests there (no Maven on the GPU machine); its standalone
# jar holds JUnit Jupiter too, at the version the tests are built with (platform 1.14.1 = Jupiter 5.14.1).
(cd "$root" && ./mvnw -B -q -ntp dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.1 \
  -DoutputDirectory="$root/tornado-backend/target/junit-console" -N >"$log" 2>&1) \
  || { cat "$log" >&2; rm -f "$log"; echo "pack.sh: fetching JUnit's console launcher failed" >&2; exit 1; }
rm -f "$log"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
kit="$stage/kvasir-gpu"
mkdir -p "$kit/tornado/share/java/tornado" "$kit/tornado/share/java/graalJars" "$kit/tornado/lib" "$kit/tornado/etc" \
  "$kit/tests/lib" "$kit/tests/tools" "$kit/tests/fixtures"

# JDK modules: what jdeps finds in kvasir's jar, plus what TornadoVM's and Graal's module descriptors
# require (JVMCI, management, jdk.unsupported) and the Vector API kvasir's CPU kernels use.
modules="$("$JAVA_HOME/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps "$root/cli/target/kvasir.jar" 2>/dev/null)"
modules="$modules,java.logging,java.management,jdk.management,jdk.unsupported,jdk.internal.vm.ci,jdk.incubator.vector"
echo "pack.sh: jlink runtime with $modules" >&2
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --output "$kit/jre" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-0

# The SDK, pruned to what the OpenCL backend loads: the runtime and driver modules and their
# dependencies (module descriptors: tornado.runtime requires commons.math3, snmp4j, asm, ...), the
# Graal compiler and the modules it requires (truffle-compiler, word, collections; not truffle-api).
sdk_jars=(tornado-api tornado-runtime tornado-drivers-common tornado-drivers-opencl tornado-drivers-opencl-jni
  tornado-annotation asm commons-math3 commons-lang3 snmp4j jsr305 word collections nativeimage polyglot)
for j in "${sdk_jars[@]}"; do
  found=("$TORNADO_SDK"/share/java/tornado/"$j"-[0-9]*.jar)
  [ -f "${found[0]}" ] || fail "$TORNADO_SDK/share/java/tornado has no $j jar"
  cp "${found[@]}" "$kit/tornado/share/java/tornado/"
done
for j in compiler collections word truffle-compiler polyglot nativeimage graal-sdk; do
  for f in "$TORNADO_SDK"/share/java/graalJars/"$j"-[0-9]*.jar; do
    [ -f "$f" ] && cp "$f" "$kit/tornado/share/java/graalJars/"
  done
done
[ -f "$kit"/tornado/share/java/graalJars/compiler-*.jar ] || fail "$TORNADO_SDK/share/java/graalJars has no Graal compiler jar"
cp "$TORNADO_SDK"/lib/*.so "$kit/tornado/lib/"
cp "$TORNADO_SDK"/etc/tornado.backend "$TORNADO_SDK"/etc/tornado.properties "$kit/tornado/etc/" 2>/dev/null || true
# The argfile with the SDK's path as a placeholder run.sh fills in, and without the "." TornadoVM
# puts on the module path (it would load jars from the caller's folder).
sed -e "s#--module-path \.:#--module-path #" -e "s#$TORNADO_SDK#@SDK@#g" "$TORNADO_SDK/tornado-argfile" \
  >"$kit/tornado/tornado-argfile.template"
grep -q '@SDK@/share/java/tornado' "$kit/tornado/tornado-argfile.template" \
  || fail "$TORNADO_SDK/tornado-argfile does not name the SDK's module path the way pack.sh expects"

cp "$root/cli/target/kvasir.jar" "$kit/"
cp -r "$root/tornado-backend/target/test-classes" "$kit/tests/classes"
cp "$root"/tornado-backend/target/junit-console/*.jar "$kit/tests/lib/"
cp "$root/tests/tools/make_bench_model.py" "$kit/tests/tools/"
cp -r "$root/tests/fixtures/models" "$kit/tests/fixtures/"
# An ICD loader for machines whose driver ships the NVIDIA OpenCL library but no libOpenCL.so.1.
loader="$(ldconfig -p | sed -n 's/.*libOpenCL\.so\.1 .*=> //p' | head -n1)"
[ -n "$loader" ] || fail "no libOpenCL.so.1 (OpenCL ICD loader) here to ship; install ocl-icd-libopencl1"
cp -L "$loader" "$kit/libOpenCL.so.1"
mkdir -p "$kit/tools" && cp "$root/tools/gpu/kit_report.py" "$kit/tools/"
cp "$root/tools/gpu/run.sh" "$kit/"
git -C "$root" rev-parse HEAD >"$kit/COMMIT" 2>/dev/null || true

mkdir -p "$(dirname "$out")"
tmp_out="$out.partial"
tar -C "$stage" -cf - kvasir-gpu | xz -9e -T0 >"$tmp_out"
mv "$tmp_out" "$out"
size=$(stat -c %s "$out")
echo "pack.sh: wrote $out ($((size / 1024 / 1024)) MiB, $size bytes)" >&2
if [ "$size" -ge $((60 * 1024 * 1024)) ]; then
  echo "pack.sh: the kit is over 60 MiB" >&2
  exit 1
fi
