#pragma once

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/settings/StyleSettings.h"

namespace impasto {

// The names of the settings' choices, one table per enum: toJson writes them, settingsFromJson
// and impasto-cli read them, and their messages list them. An alias is another spelling that
// only the command line accepts (neural-style's "random" init); the JSON form uses the names.
template <typename Enum>
struct ChoiceName {
    Enum value;
    std::string_view name;
    bool alias = false;
};

inline constexpr ChoiceName<OptimizerKind> kOptimizerNames[] = {
    {OptimizerKind::Lbfgs, "lbfgs"},
    {OptimizerKind::Adam, "adam"},
};
inline constexpr ChoiceName<InitKind> kInitNames[] = {
    {InitKind::Content, "content"},
    {InitKind::Noise, "noise"},
    {InitKind::Noise, "random", true},
    {InitKind::Image, "image"},
};
inline constexpr ChoiceName<PoolingMode> kPoolingNames[] = {
    {PoolingMode::Max, "max"},
    {PoolingMode::Average, "avg"},
    {PoolingMode::Average, "average", true},
};
inline constexpr ChoiceName<Precision> kPrecisionNames[] = {
    {Precision::Auto, "auto"},
    {Precision::Float32, "float32"},
    {Precision::Bfloat16, "bfloat16"},
};

inline constexpr ChoiceName<StyleLoss> kStyleLossNames[] = {
    {StyleLoss::Gram, "gram"},
    {StyleLoss::Wasserstein, "wasserstein"},
};

constexpr std::span<const ChoiceName<OptimizerKind>> choiceNames(OptimizerKind) {
    return kOptimizerNames;
}
constexpr std::span<const ChoiceName<InitKind>> choiceNames(InitKind) {
    return kInitNames;
}
constexpr std::span<const ChoiceName<PoolingMode>> choiceNames(PoolingMode) {
    return kPoolingNames;
}
constexpr std::span<const ChoiceName<Precision>> choiceNames(Precision) {
    return kPrecisionNames;
}
constexpr std::span<const ChoiceName<StyleLoss>> choiceNames(StyleLoss) {
    return kStyleLossNames;
}

std::string toString(OptimizerKind optimizer);
std::string toString(InitKind init);
std::string toString(PoolingMode pooling);
std::string toString(Precision precision);
std::string toString(StyleLoss styleLoss);

enum class Aliases { Refused, Accepted };

// The value `name` names, or nullopt: parseChoice<PoolingMode>("avg").
template <typename Enum>
std::optional<Enum> parseChoice(std::string_view name, Aliases aliases = Aliases::Refused) {
    for (const ChoiceName<Enum>& choice : choiceNames(Enum{})) {
        if (choice.name == name && (!choice.alias || aliases == Aliases::Accepted)) {
            return choice.value;
        }
    }
    return std::nullopt;
}

// The names (without aliases) for messages, in alphabetical order: "adam, lbfgs".
template <typename Enum>
std::string choiceList() {
    std::vector<std::string_view> names;
    for (const ChoiceName<Enum>& choice : choiceNames(Enum{})) {
        if (!choice.alias) {
            names.push_back(choice.name);
        }
    }
    std::sort(names.begin(), names.end());
    std::string list;
    for (const std::string_view name : names) {
        list += (list.empty() ? "" : ", ") + std::string(name);
    }
    return list;
}

}  // namespace impasto
