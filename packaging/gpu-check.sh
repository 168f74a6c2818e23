#!/usr/bin/env bash
# Builds the torch-side engine alone (no Qt, no OpenCV) and runs impasto-engine-check: on a GPU
# machine that has PyTorch (whose wheel carries LibTorch), CMake and Ninja, within 8 minutes.
#
#   packaging/gpu-check.sh --prepare DIR [--shared DIR] [--images-tool PATH]
#                                               on a machine with the normal build: writes the
#                                               check's inputs (decoded photos, the two shared
#                                               weight files, nlohmann/json's header) to DIR
#   packaging/gpu-check.sh [--cpu] [--inputs DIR] [--build-dir DIR] OUTPUT
#                                               configure, build, check the links, run; writes
#                                               OUTPUT/report.json, OUTPUT/results.safetensors
#
# --cpu measures on the CPU at small sizes (the test suite runs it so that this never rots).
# LibTorch is PyTorch's when python3 can import torch, else the system's (Debian's).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
inputs="$root/gpu-check-inputs"
build_dir="$root/build-engine"
cpu=""
prepare=""
images_tool="$root/build/bench/impasto-engine-images"
shared="$root/../shared"
output=""

while [ $# -gt 0 ]; do
    case "$1" in
        --cpu) cpu="--cpu" ;;
        --prepare) prepare="$2"; shift ;;
        --images-tool) images_tool="$2"; shift ;;
        --shared) shared="$2"; shift ;;
        --inputs) inputs="$2"; shift ;;
        --build-dir) build_dir="$2"; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        -*) echo "gpu-check: unknown option $1" >&2; exit 2 ;;
        *) output="$1" ;;
    esac
    shift
done

if [ -n "$prepare" ]; then
    [ -x "$images_tool" ] || {
        echo "gpu-check: $images_tool is missing: build the normal tree first" \
             "(cmake --build build --target impasto-engine-images)" >&2
        exit 1
    }
    mkdir -p "$prepare/include"
    "$images_tool" pack "$prepare/images.safetensors" \
        "content=$shared/images/tubingen.jpg" "style=$shared/images/starry_night.jpg"
    cp "$shared/weights/squeezenet1_1-features.safetensors" \
       "$shared/weights/vgg19-conv1_1-conv3_4.safetensors" "$prepare/"
    # GPU machines have no nlohmann/json package and cannot install one: the header travels.
    cp -r /usr/include/nlohmann "$prepare/include/"
    echo "gpu-check: inputs ready in $prepare"
    exit 0
fi

[ -n "$output" ] || { echo "gpu-check: name an output folder (--help)" >&2; exit 2; }
[ -f "$inputs/images.safetensors" ] || {
    echo "gpu-check: $inputs has no images.safetensors: run --prepare on a machine with the" \
         "normal build and bring the folder along" >&2
    exit 1
}

prefix=()
if torch_prefix="$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null)"; then
    prefix=("-DCMAKE_PREFIX_PATH=$torch_prefix")
    echo "gpu-check: LibTorch from PyTorch ($torch_prefix)"
fi
json_include=()
if [ -d "$inputs/include/nlohmann" ]; then
    json_include=("-DIMPASTO_JSON_INCLUDE_DIR=$inputs/include")
fi

cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIMPASTO_ENGINE_ONLY=ON \
    "${prefix[@]}" "${json_include[@]}" >"$build_dir.configure.log" 2>&1 || {
    cat "$build_dir.configure.log" >&2
    exit 1
}
cmake --build "$build_dir" --target impasto-engine-check

program="$build_dir/bench/impasto-engine-check"
# The program's own links (ldd would also list what Debian's libtorch_cpu links, Qt 5 and
# OpenCV among them).
needed="$(readelf -d "$program" | grep NEEDED)"
if grep -E 'libQt|libopencv' <<<"$needed"; then
    echo "gpu-check: impasto-engine-check links Qt or OpenCV (above); the engine must not" >&2
    exit 1
fi

mkdir -p "$output"
"$program" --inputs "$inputs" --output "$output" $cpu
echo "gpu-check: report in $output/report.json"
