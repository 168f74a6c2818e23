#include "bench/IterationProfile.h"

#include <torch/csrc/autograd/profiler_legacy.h>

#include <algorithm>
#include <chrono>
#include <map>

namespace impasto::bench {

namespace {

namespace profiler = torch::autograd::profiler;
using torch::profiler::impl::ProfilerConfig;
using torch::profiler::impl::ProfilerState;

struct Totals {
    double selfUs = 0.0;
    int calls = 0;
};

// Self time per operator name from each thread's nested push/pop events.
std::map<std::string, Totals> selfTimes(const profiler::thread_event_lists& threads) {
    struct Open {
        const profiler::LegacyEvent* push;
        double childrenUs = 0.0;
    };
    std::map<std::string, Totals> totals;
    for (const auto& events : threads) {
        std::vector<Open> stack;
        for (const profiler::LegacyEvent& event : events) {
            if (event.kind() == profiler::EventKind::PushRange) {
                stack.push_back({&event});
            } else if (event.kind() == profiler::EventKind::PopRange && !stack.empty()) {
                const Open open = stack.back();
                stack.pop_back();
                const double elapsedUs = open.push->cpuElapsedUs(event);
                Totals& total = totals[open.push->name()];
                total.selfUs += elapsedUs - open.childrenUs;
                ++total.calls;
                if (!stack.empty()) {
                    stack.back().childrenUs += elapsedUs;
                }
            }
        }
    }
    return totals;
}

}  // namespace

StepProfile profileSteps(StyleSession& session, int steps) {
    profiler::thread_event_lists events;
    const auto start = std::chrono::steady_clock::now();
    {
        const profiler::TLSLegacyProfilerGuard guard(
            ProfilerConfig(ProfilerState::CPU),
            [&events](const profiler::thread_event_lists& recorded) { events = recorded; });
        for (int i = 0; i < steps; ++i) {
            session.step();
        }
    }
    const std::chrono::duration<double, std::milli> elapsed =
        std::chrono::steady_clock::now() - start;
    StepProfile profile;
    profile.msPerStep = elapsed.count() / steps;
    for (const auto& [name, total] : selfTimes(events)) {
        profile.operators.push_back(
            {name, total.selfUs / 1000.0 / steps, static_cast<double>(total.calls) / steps});
    }
    std::sort(profile.operators.begin(), profile.operators.end(),
              [](const OperatorTime& a, const OperatorTime& b) {
                  return a.selfMsPerStep > b.selfMsPerStep;
              });
    return profile;
}

void printProfile(std::FILE* out, const std::string& title, const StepProfile& profile,
                  size_t rows) {
    std::fprintf(out, "\n%s: %.1f ms per step under the profiler\n\n", title.c_str(),
                 profile.msPerStep);
    std::fprintf(out, "| operator (self time) | ms per step | share | calls per step |\n");
    std::fprintf(out, "| --- | --- | --- | --- |\n");
    double shown = 0.0;
    for (size_t i = 0; i < std::min(rows, profile.operators.size()); ++i) {
        const OperatorTime& op = profile.operators[i];
        shown += op.selfMsPerStep;
        std::fprintf(out, "| %s | %.2f | %.1f%% | %.0f |\n", op.name.c_str(), op.selfMsPerStep,
                     100.0 * op.selfMsPerStep / profile.msPerStep, op.callsPerStep);
    }
    const double rest = profile.msPerStep - shown;
    std::fprintf(out,
                 "| everything else (other operators, outside operators) | %.2f | %.1f%% | |\n",
                 rest, 100.0 * rest / profile.msPerStep);
    std::fflush(out);
}

}  // namespace impasto::bench
