#include "core/settings/SettingNames.h"

namespace impasto {

namespace {

template <typename Enum>
std::string nameOf(Enum value) {
    for (const ChoiceName<Enum>& choice : choiceNames(value)) {
        if (choice.value == value && !choice.alias) {
            return std::string(choice.name);
        }
    }
    return std::string(choiceNames(value).front().name);  // not reached: every value has a name
}

}  // namespace

std::string toString(OptimizerKind optimizer) {
    return nameOf(optimizer);
}

std::string toString(InitKind init) {
    return nameOf(init);
}

std::string toString(PoolingMode pooling) {
    return nameOf(pooling);
}

std::string toString(Precision precision) {
    return nameOf(precision);
}

std::string toString(StyleLoss styleLoss) {
    return nameOf(styleLoss);
}

}  // namespace impasto
