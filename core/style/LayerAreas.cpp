#include "core/style/LayerAreas.h"

#include <algorithm>

namespace impasto {

bool contains(const Area& outer, const Area& inner) {
    return inner.top >= outer.top && inner.left >= outer.left &&
           inner.top + inner.rows <= outer.top + outer.rows &&
           inner.left + inner.columns <= outer.left + outer.columns;
}

bool intersect(const Area& a, const Area& b) {
    const Area both = overlap(a, b);
    return both.rows > 0 && both.columns > 0;
}

Area overlap(const Area& a, const Area& b) {
    const int64_t top = std::max(a.top, b.top);
    const int64_t left = std::max(a.left, b.left);
    return {top, left, std::min(a.top + a.rows, b.top + b.rows) - top,
            std::min(a.left + a.columns, b.left + b.columns) - left};
}

at::Tensor part(const at::Tensor& tensor, const Area& area, const Area& origin) {
    return tensor.slice(2, area.top - origin.top, area.top - origin.top + area.rows)
        .slice(3, area.left - origin.left, area.left - origin.left + area.columns);
}

std::vector<Area> cells(const Area& whole, const std::vector<Area>& areas) {
    std::vector<int64_t> rows{whole.top, whole.top + whole.rows};
    std::vector<int64_t> columns{whole.left, whole.left + whole.columns};
    for (const Area& area : areas) {
        if (area.rows > 0 && area.columns > 0) {
            rows.insert(rows.end(), {area.top, area.top + area.rows});
            columns.insert(columns.end(), {area.left, area.left + area.columns});
        }
    }
    auto sorted = [&](std::vector<int64_t>& edges, int64_t first, int64_t last) {
        std::erase_if(edges, [&](int64_t edge) { return edge < first || edge > last; });
        std::sort(edges.begin(), edges.end());
        edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    };
    sorted(rows, whole.top, whole.top + whole.rows);
    sorted(columns, whole.left, whole.left + whole.columns);
    std::vector<Area> result;
    for (size_t r = 0; r + 1 < rows.size(); ++r) {
        for (size_t c = 0; c + 1 < columns.size(); ++c) {
            result.push_back(
                {rows[r], columns[c], rows[r + 1] - rows[r], columns[c + 1] - columns[c]});
        }
    }
    return result;
}

void zeroUncovered(at::Tensor& layer, const std::vector<Area>& areas) {
    for (const Area& cell : cells({0, 0, layer.size(2), layer.size(3)}, areas)) {
        if (std::none_of(areas.begin(), areas.end(),
                         [&](const Area& area) { return contains(area, cell); })) {
            part(layer, cell).zero_();
        }
    }
}

void writeMasked(at::Tensor& out, const at::Tensor& values, const at::Tensor& mask,
                 const Area& area, const Area& origin, const Area& ones,
                 const std::vector<Area>& written) {
    std::vector<Area> edges = written;
    edges.push_back(ones);
    for (const Area& cell : cells(area, edges)) {
        at::Tensor target = part(out, cell, origin);
        const at::Tensor source = part(values, cell, origin);
        const bool unit = ones.rows > 0 && contains(ones, cell);
        const bool add = std::any_of(written.begin(), written.end(),
                                     [&](const Area& earlier) { return contains(earlier, cell); });
        if (unit) {
            add ? target.add_(source) : target.copy_(source);
        } else if (add) {
            target.addcmul_(source, part(mask, cell, origin));
        } else {
            at::mul_out(target, source, part(mask, cell, origin));
        }
    }
}

}  // namespace impasto
