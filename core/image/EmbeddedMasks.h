#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/image/MaskSet.h"
#include "core/image/PngChunks.h"

namespace impasto {

// Masks travel inside exported PNGs with the recipe (issue 13): each one an 8-bit greyscale PNG
// in a private ancillary chunk "maSk" (safe to copy), whose data is the mask's name in ASCII
// ("style-1", "style-2"... for where the paintings apply, "source-1"... for the regions they
// are taken from, "keep"), a NUL and the PNG's bytes. Readers that do not know the chunk skip
// it. JPEG and TIFF exports carry the recipe but no masks (see README).
inline constexpr char kMaskChunkType[] = "maSk";
// What a reader takes at most, so that a hostile file costs bounded memory: masks (a chunk
// more is refused), painting number, bytes of one chunk, pixels of one mask (refused by the
// decoder from the header, before decoding; larger masks are shrunk to fit when written) and
// of all of them together.
inline constexpr size_t kMaxEmbeddedMasks = 65;
inline constexpr int kMaxEmbeddedMaskPainting = 32;
inline constexpr size_t kMaxMaskChunkBytes = 32u << 20;
inline constexpr double kMaxEmbeddedMaskMegapixels = 16.8;  // 4096 x 4096
inline constexpr double kMaxEmbeddedMasksMegapixels = 64.0;

// The chunks' data for `masks`, in order: paintings, sources, keep.
std::vector<std::vector<uint8_t>> maskChunkData(const MaskSet& masks);
// The masks in a PNG's "maSk" chunks (`name` stands for the file in messages); the first of
// repeated names wins, unknown names are skipped. Throws impasto::Error for a chunk that fails
// its checksum, too many or too large masks, or a mask that cannot be decoded.
MaskSet masksFromPngChunks(const PngChunkList& chunks, const std::string& name);
// The masks embedded in `file`: none for files other than PNG. Throws as masksFromPngChunks,
// and when the file cannot be read.
MaskSet readEmbeddedMasks(const std::filesystem::path& file);

}  // namespace impasto
