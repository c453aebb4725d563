#!/usr/bin/env bash
# Builds and runs the libFuzzer targets in Tests/Fuzz.
#
#   scripts/fuzz.sh --all [SECONDS]        every target, SECONDS each (default 10)
#   scripts/fuzz.sh TARGET [SECONDS]       one target (CIF, POSCAR, CDVAE, Config, ...)
#   scripts/fuzz.sh --list                 the target names
#
# A target is a directory Tests/Fuzz/<Target> holding a main.swift that defines
# LLVMFuzzerTestOneInput; its seeds are Tests/Fuzz/Corpus/<Target>, an optional libFuzzer
# dictionary is Tests/Fuzz/<Target>/dict. The package modules main.swift imports (and their
# dependencies, read from the manifest) are compiled with -sanitize=fuzzer,address into
# .build-fuzz and reused while their sources are unchanged. Inputs the fuzzer finds go to
# .build-fuzz/corpus/<Target> (kept between runs); a crash, timeout or out-of-memory input is
# saved under .build-fuzz/artifacts/<Target>/ and the script exits 1.
# Environment: FUZZ_FRESH=1 starts from the seeds alone in a scratch corpus (so a short run's
# time does not grow with the kept corpus), FUZZ_TIMEOUT (seconds one input may take, default
# 10), FUZZ_ARGS (more libFuzzer flags, e.g. "-jobs=2 -workers=2").
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SCRIPT=$ROOT/scripts/fuzz.sh
OUT=$ROOT/.build-fuzz
SWIFTC=${SWIFTC:-swiftc}
CLANG=${CLANG:-$(dirname "$(command -v "$SWIFTC")")/clang}
SWIFT_FLAGS=(-O -g -sanitize=fuzzer,address -parse-as-library -use-ld=lld -DSWIFT_PACKAGE -enable-testing)
# The package's own modules, as SwiftPM builds them: Swift 6 language mode, one package name
# (for `package` access).
OWN_SWIFT_FLAGS=(-swift-version 6 -package-name crystalrl)
C_FLAGS=(-O1 -g -fsanitize=fuzzer-no-link,address -DSWIFT_PACKAGE)

targets() {
  for main in Tests/Fuzz/*/main.swift; do basename "$(dirname "$main")"; done
}

usage() {
  sed -n '2,6p' "$SCRIPT" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# Writes the manifests of the package and its dependencies to $OUT/packages.json.
describe_packages() {
  {
    echo '{"root":'
    swift package describe --type json
    echo ',"dependencies":['
    local first=1
    for path in $(swift package show-dependencies --format json | python3 -c '
import json, sys
def walk(node):
    for dep in node["dependencies"]:
        print(dep["path"])
        walk(dep)
walk(json.load(sys.stdin))'); do
      ((first)) || echo ,
      first=0
      swift package --package-path "$path" --scratch-path "$OUT/describe" describe --type json
    done
    echo ']}'
  } >"$OUT/packages.json"
}

# Prints the build plan for the modules `main.swift` imports, dependencies first: one line
# per module, "swift|c NAME own|dependency DIRECTORY SOURCE..." (warnings are shown for the
# package's own modules only, as SwiftPM does).
plan() {
  python3 - "$OUT/packages.json" "$1" <<'EOF'
import json, os, re, sys

packages = json.load(open(sys.argv[1]))
imports = re.findall(r"^\s*(?:@\w+\s+)*import\s+(\w+)", open(sys.argv[2]).read(), re.M)
everything = [packages["root"]] + packages["dependencies"]
targets = {t["name"]: (p, t) for p in everything for t in p["targets"]}
products = {r["name"]: r["targets"] for p in everything for r in p.get("products", [])}
done = []

def visit(name):
    if name in done or name not in targets:
        return
    package, target = targets[name]
    for dependency in target.get("target_dependencies", []):
        visit(dependency)
    for product in target.get("product_dependencies", []):
        for dependency in products[product]:
            visit(dependency)
    kind = {"SwiftTarget": "swift", "ClangTarget": "c"}.get(target["module_type"])
    if kind is None:
        sys.exit(f"fuzz.sh: cannot build {name} ({target['module_type']})")
    done.append(name)
    directory = os.path.join(package["path"], target["path"])
    owner = "own" if package is packages["root"] else "dependency"
    print(kind, name, owner, directory, *target["sources"])

for name in imports:
    visit(name)
EOF
}

# True when `output` is missing or older than any of the other files or this script.
stale() {
  local output=$1
  shift
  [[ ! -e $output ]] || [[ -n $(find "$SCRIPT" "$@" -newer "$output" -print -quit) ]]
}

# Compiles one module of the plan; appends its link inputs to OBJECTS and, for a C module,
# its module map to CLANG_IMPORTS.
build_module() {
  local kind=$1 name=$2 owner=$3 directory=$4
  shift 4
  local sources=("${@/#/$directory/}") quiet=()
  if [[ $kind == c ]]; then
    [[ $owner == own ]] || quiet=(-w)
    local include=$directory/include map=$directory/include/module.modulemap
    if [[ ! -e $map ]]; then
      map=$OUT/modulemaps/$name/module.modulemap
      mkdir -p "$(dirname "$map")"
      printf 'module %s {\n  umbrella "%s"\n  export *\n}\n' "$name" "$include" >"$map"
    fi
    CLANG_IMPORTS+=(-Xcc "-fmodule-map-file=$map" -I "$include")
    mkdir -p "$OUT/obj/$name"
    for source in "${sources[@]}"; do
      local object=$OUT/obj/$name/$(basename "$source").o
      if stale "$object" "$source" "$include"; then
        "$CLANG" "${C_FLAGS[@]}" "${quiet[@]}" -I "$include" -c "$source" -o "$object"
      fi
      OBJECTS+=("$object")
    done
  else
    local settings=("${OWN_SWIFT_FLAGS[@]}")
    [[ $owner == own ]] || { quiet=(-suppress-warnings); settings=(); }
    local object=$OUT/obj/$name.o
    if stale "$object" "${sources[@]}" "${OBJECTS[@]}"; then
      echo "fuzz: compiling $name" >&2
      "$SWIFTC" "${SWIFT_FLAGS[@]}" "${settings[@]}" "${quiet[@]}" -module-name "$name" -wmo -I "$OUT/modules" \
        "${CLANG_IMPORTS[@]}" -emit-module -emit-module-path "$OUT/modules/$name.swiftmodule" \
        -c "${sources[@]}" -o "$object"
      touch "$object"  # swiftc leaves an unchanged object file's time as it was
    fi
    OBJECTS+=("$object")
  fi
}

# Builds the fuzzer binary of one target into $OUT/bin.
build_target() {
  local target=$1 main=Tests/Fuzz/$1/main.swift
  OBJECTS=()
  CLANG_IMPORTS=()
  local line
  while read -r line; do
    # shellcheck disable=SC2086  # a plan line is whitespace-separated words
    build_module $line
  done < <(plan "$main")
  local binary=$OUT/bin/$target
  if stale "$binary" "$main" "${OBJECTS[@]}"; then
    echo "fuzz: linking $target" >&2
    "$SWIFTC" "${SWIFT_FLAGS[@]}" -module-name "Fuzz$target" -I "$OUT/modules" \
      "${CLANG_IMPORTS[@]}" "$main" "${OBJECTS[@]}" -o "$binary"
  fi
}

# Fuzzes one target for `seconds`; returns 1 when it found a failing input.
run_target() {
  local target=$1 seconds=$2
  local corpus=$OUT/corpus/$target artifacts=$OUT/artifacts/$target/ log=$OUT/logs/$target.log
  local seeds=$ROOT/Tests/Fuzz/Corpus/$target dict=$ROOT/Tests/Fuzz/$target/dict
  if [[ ${FUZZ_FRESH:-0} == 1 ]]; then
    corpus=$OUT/scratch-corpus/$target
    rm -rf "$corpus"
  fi
  mkdir -p "$corpus" "$artifacts" "$seeds" "$(dirname "$log")"
  local flags=(
    -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048
    -malloc_limit_mb=1024 -detect_leaks=0 -print_final_stats=1
    -artifact_prefix="$artifacts"
  )
  [[ -e $dict ]] && flags+=(-dict="$dict")
  # shellcheck disable=SC2206  # FUZZ_ARGS is a list of flags
  flags+=(${FUZZ_ARGS:-})
  local status=0
  # Swift's own crash backtracer would take over the signals libFuzzer reports.
  (cd "$OUT/logs" && SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 \
    "$OUT/bin/$target" "${flags[@]}" "$corpus" "$seeds") >"$log" 2>&1 || status=$?
  local runs
  runs=$(awk '/stat::number_of_executed_units/ { total += $2 } END { print total + 0 }' "$log")
  if ((status == 0)); then
    echo "fuzz $target: ${seconds} s, $runs inputs, corpus $(ls "$corpus" | wc -l), no failure"
    return 0
  fi
  echo "fuzz $target: FAILED (exit $status); log $log" >&2
  grep -E 'ERROR: |SUMMARY|runtime failure|Test unit written' "$log" | head -8 >&2 || true
  grep -m 3 "$ROOT/Sources/" "$log" >&2 || true
  echo "reproduce: $OUT/bin/$target <input from $artifacts>" >&2
  return 1
}

[[ $# -ge 1 ]] || usage
case $1 in
  --list) targets; exit 0 ;;
  --all) selected=$(targets) ;;
  -*) usage ;;
  *) [[ -e Tests/Fuzz/$1/main.swift ]] || { echo "fuzz: no target $1" >&2; usage; }
     selected=$1 ;;
esac
seconds=${2:-10}
mkdir -p "$OUT/bin" "$OUT/modules"
start=$SECONDS
describe_packages
for target in $selected; do build_target "$target"; done
echo "fuzz: built in $((SECONDS - start)) s"
failed=0
for target in $selected; do run_target "$target" "$seconds" || failed=1; done
exit $failed
