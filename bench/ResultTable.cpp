#include "bench/ResultTable.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace impasto::bench {

double median(std::vector<double> samples) {
    if (samples.empty() ||
        std::any_of(samples.begin(), samples.end(), [](double x) { return std::isnan(x); })) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    std::sort(samples.begin(), samples.end());
    const size_t middle = samples.size() / 2;
    return samples.size() % 2 == 1 ? samples[middle]
                                   : 0.5 * (samples[middle - 1] + samples[middle]);
}

ResultTable::ResultTable(std::string baselineName, std::string fastName)
    : baselineName_(std::move(baselineName)), fastName_(std::move(fastName)) {}

void ResultTable::add(const std::string& what, const std::string& unit,
                      std::vector<double> baseline, std::vector<double> fast) {
    Row row{what, unit, median(baseline), median(fast), std::max(baseline.size(), fast.size())};
    printRow(stdout, row);
    std::fflush(stdout);
    rows_.push_back(std::move(row));
}

void ResultTable::printRow(std::FILE* out, const Row& row) {
    auto number = [](double value) {
        char text[32];
        if (std::isnan(value)) {
            return std::string("not reached");
        }
        std::snprintf(text, sizeof text, std::abs(value) >= 100 ? "%.0f" : "%.3g", value);
        return std::string(text);
    };
    const bool comparable = !std::isnan(row.baseline) && !std::isnan(row.fast) && row.fast > 0.0;
    std::fprintf(out, "| %s | %s | %s | %s | %s | %zu |\n", row.what.c_str(), row.unit.c_str(),
                 number(row.baseline).c_str(), number(row.fast).c_str(),
                 comparable ? (number(row.baseline / row.fast) + "x").c_str() : "-", row.samples);
}

void ResultTable::print(std::FILE* out) const {
    std::fprintf(out,
                 "| measurement | unit | %s | %s | %s / %s | samples |\n"
                 "| --- | --- | --- | --- | --- | --- |\n",
                 baselineName_.c_str(), fastName_.c_str(), baselineName_.c_str(),
                 fastName_.c_str());
    for (const Row& row : rows_) {
        printRow(out, row);
    }
}

}  // namespace impasto::bench
