#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace impasto::bench {

// The benchmark's results: per quantity, the median of the baseline's and of the fast paths'
// samples and their ratio, baseline / fast (above 1: the fast paths win, whether the quantity
// is time, memory or loss). Each row is printed as it comes in; print() gives the whole table.
class ResultTable {
public:
    // The columns' names: "single-scale baseline" and "fast", "float32" and "bfloat16".
    ResultTable(std::string baselineName, std::string fastName);

    // A missing sample (NaN) is a run that never got there; the median then says so.
    void add(const std::string& what, const std::string& unit, std::vector<double> baseline,
             std::vector<double> fast);
    // Markdown, for pasting into notes.
    void print(std::FILE* out) const;

private:
    struct Row {
        std::string what;
        std::string unit;
        double baseline = 0.0;
        double fast = 0.0;
        size_t samples = 0;
    };
    static void printRow(std::FILE* out, const Row& row);
    std::string baselineName_;
    std::string fastName_;
    std::vector<Row> rows_;
};

// The median; NaN when any sample is NaN (a run that did not finish) or there are none.
double median(std::vector<double> samples);

}  // namespace impasto::bench
