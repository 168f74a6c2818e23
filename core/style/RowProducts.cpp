#include "core/style/RowProducts.h"

#ifdef IMPASTO_ONEDNN_ROW_PRODUCTS

#include <oneapi/dnnl/dnnl.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/style/OneThreadKernels.h"

namespace impasto {

namespace {

// One row's product: positions x channels times channels x outChannels (rowProducts), or the
// row's Gram matrix added to a float32 sum (addRowGrams, outChannels = channels).
struct RowShape {
    at::ScalarType type;
    bool gram = false;
    int64_t positions = 0;
    int64_t channels = 0;
    int64_t outChannels = 0;
    auto operator<=>(const RowShape&) const = default;
};

struct RowProduct {
    dnnl::matmul::primitive_desc description;
    dnnl::matmul primitive;
};

const dnnl::engine& cpuEngine() {
    static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    return engine;
}

// A row-major matrix, or with `transposed` the transpose of a row-major columns x rows one.
dnnl::memory::desc matrix(at::ScalarType type, int64_t rows, int64_t columns,
                          bool transposed = false) {
    return {{rows, columns},
            type == at::kBFloat16 ? dnnl::memory::data_type::bf16 : dnnl::memory::data_type::f32,
            transposed ? dnnl::memory::dims{1, rows} : dnnl::memory::dims{columns, 1}};
}

dnnl::matmul::desc productOf(const RowShape& shape) {
    if (shape.gram) {
        return {matrix(shape.type, shape.channels, shape.positions, true),
                matrix(shape.type, shape.positions, shape.channels),
                matrix(at::kFloat, shape.channels, shape.channels)};
    }
    return {matrix(shape.type, shape.positions, shape.channels),
            matrix(shape.type, shape.channels, shape.outChannels),
            matrix(shape.type, shape.positions, shape.outChannels)};
}

// The most shapes kept built: crops change size as masks are painted.
constexpr size_t kKeptProducts = 64;

// Built once per shape (a JIT kernel) for one thread, as rowProducts runs; the scratchpad is
// the caller's, so threads may run one primitive at once.
std::shared_ptr<const RowProduct> rowProduct(const RowShape& shape) {
    // The engine first, so that it outlives the primitives kept below.
    const dnnl::engine& engine = cpuEngine();
    static std::mutex mutex;
    static std::map<RowShape, std::shared_ptr<const RowProduct>> built;
    const std::lock_guard lock(mutex);
    auto found = built.find(shape);
    if (found == built.end()) {
        if (built.size() >= kKeptProducts) {
            built.clear();
        }
        dnnl::primitive_attr attributes;
        attributes.set_scratchpad_mode(dnnl::scratchpad_mode::user);
        if (shape.gram) {
            dnnl::post_ops sum;
            sum.append_sum(1.0f);
            attributes.set_post_ops(sum);
        }
        dnnl::matmul::primitive_desc description(productOf(shape), attributes, engine);
        const RowProduct product{description, dnnl::matmul(description)};
        found = built.emplace(shape, std::make_shared<const RowProduct>(product)).first;
    }
    return found->second;
}

// Runs `shape`'s product once per row of `in`, the source (and the weights of a Gram matrix)
// at the row's start, the destination at `out`'s row or `out` itself (`outRowStride` 0).
void runPerRow(const RowShape& shape, const at::Tensor& in, const at::Tensor& weights,
               const at::Tensor& out, int64_t outRowStride) {
    const OneThreadKernels oneThread;
    const std::shared_ptr<const RowProduct> product = rowProduct(shape);
    thread_local std::vector<char> scratchpad;
    scratchpad.resize(product->description.scratchpad_desc().get_size());
    thread_local dnnl::stream stream(cpuEngine());
    dnnl::memory source(product->description.src_desc(), cpuEngine(), DNNL_MEMORY_NONE);
    dnnl::memory rowWeights(product->description.weights_desc(), cpuEngine(),
                            shape.gram ? DNNL_MEMORY_NONE : weights.data_ptr());
    dnnl::memory destination(product->description.dst_desc(), cpuEngine(), out.data_ptr());
    const std::unordered_map<int, dnnl::memory> arguments{
        {DNNL_ARG_SRC, source},
        {DNNL_ARG_WEIGHTS, rowWeights},
        {DNNL_ARG_DST, destination},
        {DNNL_ARG_SCRATCHPAD,
         dnnl::memory(product->description.scratchpad_desc(), cpuEngine(), scratchpad.data())}};
    auto* const inBytes = static_cast<char*>(in.data_ptr());
    auto* const outBytes = static_cast<char*>(out.data_ptr());
    for (int64_t row = 0; row < in.size(0); ++row) {
        void* const rowStart = inBytes + row * in.stride(0) * in.element_size();
        source.set_data_handle(rowStart);
        if (shape.gram) {
            rowWeights.set_data_handle(rowStart);
        } else {
            destination.set_data_handle(outBytes + row * outRowStride * out.element_size());
        }
        product->primitive.execute(stream, arguments);
    }
}

// Whether oneDNN has more than its reference loops for a row product of `type` here.
bool realKernelFor(at::ScalarType type) {
    try {
        const std::string implementation =
            rowProduct({type, false, 16, 16, 16})->description.impl_info_str();
        return implementation.rfind("ref", 0) != 0;
    } catch (const dnnl::error&) {
        return false;  // no kernel at all for the type on this processor
    }
}

// Whether each row of a rows x positions x channels band is one dense row-major matrix.
bool denseRows(const at::Tensor& band) {
    return band.dim() == 3 && band.is_cpu() && band.stride(2) == 1 &&
           (band.size(1) == 1 || band.stride(1) == band.size(2));
}

bool productType(at::ScalarType type) {
    return type == at::kFloat || type == at::kBFloat16;
}

// `band`'s rows as one where they follow each other in memory (whole rows of a layer): one
// product then does them all.
at::Tensor joinedRows(const at::Tensor& band) {
    return band.stride(0) == band.size(1) * band.size(2)
               ? band.view({1, band.size(0) * band.size(1), band.size(2)})
               : band;
}

}  // namespace

bool rowProductsRun(at::ScalarType type) {
    static const bool floats = realKernelFor(at::kFloat);
    static const bool bfloat16 = realKernelFor(at::kBFloat16);
    return type == at::kFloat ? floats : type == at::kBFloat16 && bfloat16;
}

void rowProducts(const at::Tensor& out, const at::Tensor& in, const at::Tensor& weights) {
    TORCH_CHECK(denseRows(in) && denseRows(out) && weights.dim() == 2 && weights.is_contiguous(),
                "rowProducts: rows of dense positions and channels on the CPU");
    TORCH_CHECK(in.size(0) == out.size(0) && in.size(1) == out.size(1) &&
                    in.size(2) == weights.size(0) && out.size(2) == weights.size(1),
                "rowProducts: sizes");
    TORCH_CHECK(productType(weights.scalar_type()) && in.scalar_type() == weights.scalar_type() &&
                    out.scalar_type() == weights.scalar_type(),
                "rowProducts: float32 or bfloat16 throughout");
    const bool joined =
        in.stride(0) == in.size(1) * in.size(2) && out.stride(0) == out.size(1) * out.size(2);
    const at::Tensor source = joined ? joinedRows(in) : in;
    const at::Tensor target = joined ? joinedRows(out) : out;
    runPerRow({weights.scalar_type(), false, source.size(1), source.size(2), target.size(2)},
              source, weights, target, target.stride(0));
}

void addRowGrams(const at::Tensor& gram, const at::Tensor& in) {
    TORCH_CHECK(denseRows(in) && productType(in.scalar_type()),
                "addRowGrams: rows of dense float32 or bfloat16 positions and channels");
    TORCH_CHECK(gram.scalar_type() == at::kFloat && gram.is_contiguous() &&
                    gram.sizes() == at::IntArrayRef({in.size(2), in.size(2)}),
                "addRowGrams: a float32 channels x channels sum");
    const at::Tensor source = joinedRows(in);
    runPerRow({in.scalar_type(), true, source.size(1), source.size(2), source.size(2)}, source,
              at::Tensor(), gram, 0);
}

}  // namespace impasto

#else  // built without oneDNN's headers: callers copy their bands (rowProductsRun is false)

namespace impasto {

bool rowProductsRun(at::ScalarType) {
    return false;
}

void rowProducts(const at::Tensor&, const at::Tensor&, const at::Tensor&) {
    TORCH_CHECK(false, "rowProducts: built without oneDNN (libdnnl-dev)");
}

void addRowGrams(const at::Tensor&, const at::Tensor&) {
    TORCH_CHECK(false, "addRowGrams: built without oneDNN (libdnnl-dev)");
}

}  // namespace impasto

#endif
