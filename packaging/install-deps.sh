#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Impasto builds with: Qt 6, LibTorch (CPU), OpenCV, CMake,
# Ninja. Runs apt only for what is missing; uses sudo when not root.
set -euo pipefail

# libopenblas0-pthread: without it libblas.so.3 is the reference BLAS, which made every
# iteration 4x slower.
# dpkg-dev, librsvg2-bin, desktop-file-utils, appstream: the Debian package (dpkg-shlibdeps), its
# icons, and the validation of its menu entry and metainfo.
packages=(cmake ninja-build g++ qt6-base-dev libtorch-dev libopencv-dev libopenblas0-pthread nlohmann-json3-dev zlib1g-dev
          dpkg-dev librsvg2-bin desktop-file-utils appstream)
# clang and libclang-rt-dev (libFuzzer and the sanitizer runtimes; on bookworm it pulls in
# libclang-rt-14-dev) build the fuzz targets that the test suite runs briefly (tests/fuzz/).
packages+=(clang libclang-rt-dev)
# libwebp-dev (through pkgconf): WebP headers are judged, and large WebPs decoded at their shrunk
# size, by OpenCV's own WebP library.
packages+=(libwebp-dev pkgconf)
# libtiff-dev: TIFF outputs (16-bit, with the settings in ImageDescription) are written by libtiff.
packages+=(libtiff-dev)
# libpng-dev: PNG inputs are decoded by libpng directly, so that its warnings never reach stderr.
packages+=(libpng-dev)
# libdnnl-dev: oneDNN's headers (the library itself comes with LibTorch), for the per-row
# products of masked style layers.
packages+=(libdnnl-dev)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "All build dependencies are installed."
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
echo "Installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
