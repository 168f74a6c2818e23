// impasto-engine-images: packs photos into the safetensors file impasto-engine-check reads
// (it has no image decoder), and unpacks the check's result images into PNGs.

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

#include "bench/engine-check/EngineImages.h"
#include "core/common/Error.h"
#include "core/image/ImageLoader.h"
#include "core/image/PngExport.h"

namespace {

constexpr const char* kUsage =
    "Usage: impasto-engine-images pack OUTPUT.safetensors NAME=IMAGE... [--max-side PX]\n"
    "       impasto-engine-images unpack INPUT.safetensors FOLDER\n";

int pack(int argc, char** argv) {
    const std::filesystem::path output = argv[2];
    impasto::ImageLoadOptions options;
    options.maxSide = 1024;
    impasto::bench::NamedImages images;
    for (int i = 3; i < argc; ++i) {
        const std::string argument = argv[i];
        if (argument == "--max-side" && i + 1 < argc) {
            options.maxSide = std::stoi(argv[++i]);
            continue;
        }
        const auto equals = argument.find('=');
        if (equals == std::string::npos || equals == 0) {
            throw impasto::Error("Expected NAME=IMAGE, not \"" + argument + "\"");
        }
        images[argument.substr(0, equals)] =
            impasto::loadImage(argument.substr(equals + 1), options).image;
    }
    if (images.empty()) {
        throw impasto::Error("Name at least one image to pack");
    }
    impasto::bench::writeEngineImages(output, images);
    std::printf("Wrote %zu images to %s\n", images.size(), output.c_str());
    return 0;
}

int unpack(const std::filesystem::path& input, const std::filesystem::path& folder) {
    std::filesystem::create_directories(folder);
    for (const auto& [name, image] : impasto::bench::readEngineImages(input)) {
        const std::filesystem::path file = folder / (name + ".png");
        impasto::exportPng(file, image);
        std::printf("%s\n", file.c_str());
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string command = argc > 1 ? argv[1] : "";
    try {
        if (command == "pack" && argc >= 4) {
            return pack(argc, argv);
        }
        if (command == "unpack" && argc == 4) {
            return unpack(argv[2], argv[3]);
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "impasto-engine-images: %s\n", error.what());
        return 1;
    }
    std::fputs(kUsage, stderr);
    return 2;
}
