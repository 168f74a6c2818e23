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

// Masks travel inside exported images with the recipe (issue 13): each one an 8-bit greyscale
// PNG in a private ancillary chunk "maSk" (safe to copy), whose data is the mask's name in ASCII
// ("style-1", "style-2"... for where the paintings apply, "source-1"... for the regions they
// are taken from, "keep"), a NUL and the PNG's bytes. A PNG holds the chunks before IEND; JPEG
// and TIFF, which have no such chunks, hold them as a chunk stream (maskChunkStream): a JPEG
// split over APP9 segments (core/image/JpegMaskSegments.h), a TIFF in the private tag
// kTiffMaskTag. Readers that do not know them skip them.
inline constexpr char kMaskChunkType[] = "maSk";
// A private tag (TIFF 6.0 leaves tags from 32768 up to private data), unregistered, of type
// UNDEFINED: one tag beside the recipe rather than pages that other programs show as pictures.
inline constexpr uint16_t kTiffMaskTag = 65013;
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
// The same chunks as a stream for the formats without PNG chunks: the PNG signature, the maSk
// chunks and IEND, so that one reader, with its checksums and bounds, reads every format's
// masks. Empty when there are no masks.
std::vector<uint8_t> maskChunkStream(const MaskSet& masks);
// The masks in a PNG's "maSk" chunks (`name` stands for the file in messages); the first of
// repeated names wins, unknown names are skipped. Throws impasto::Error for a chunk that fails
// its checksum, too many or too large masks, or a mask that cannot be decoded.
MaskSet masksFromPngChunks(const PngChunkList& chunks, const std::string& name);
// The masks embedded in an image file's bytes: a PNG's chunks, a JPEG's APP9 segments or a
// TIFF's tag; none for other files and for images without masks. Throws as masksFromPngChunks,
// and when the masks are truncated or their JPEG segments damaged: all masks or none.
MaskSet embeddedMasks(std::span<const uint8_t> bytes, const std::string& name);
// The masks embedded in `file` (embeddedMasks); presets and other files hold none. Throws as
// embeddedMasks, and when the file cannot be read.
MaskSet readEmbeddedMasks(const std::filesystem::path& file);

}  // namespace impasto
