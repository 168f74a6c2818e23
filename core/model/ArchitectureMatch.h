#pragma once

#include "core/model/NetworkDescription.h"
#include "core/weights/TensorSet.h"

namespace impasto {

// Who named the architecture a weight file is loaded as, for the message when it is wrong.
enum class ArchitectureSource { ModelList, FileMetadata, TensorNames };

// Refuses a file whose tensors are not `architecture`'s, instead of building the few layers the
// names happen to share (SqueezeNet's conv1 is VGG's conv1_1 to the shape). Every tensor in
// `weights` (read with the known-networks filter) must belong to the layers the file provides,
// from the first one on without a gap: a partial file stops at a layer, a damaged or mislabelled
// one leaves tensors over. The message names what was claimed, by whom, the network the tensors
// do fit (if any), the first tensor missing and the first one left over. Throws impasto::Error.
void requireTensorsOf(const NetworkDescription& architecture, const TensorSet& weights,
                      ArchitectureSource source);

}  // namespace impasto
