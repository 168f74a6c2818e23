#pragma once

namespace impasto {

// Each term as it enters the total, i.e. already multiplied by its weight.
struct LossBreakdown {
    double content = 0.0;
    double style = 0.0;
    double totalVariation = 0.0;
    double total = 0.0;
};

}  // namespace impasto
