// Reflections as plain text, for the CLI (reflect, answer, show).
#include <string>

#include "reflect/reflect.h"

namespace empathic::reflect {

std::string to_text(const nlohmann::json& reflection) {
    if (!reflection.is_object()) return "";
    std::string out = reflection.value("acknowledgement", "") + "\n";

    // Safety: the message and resources, never questions.
    if (const auto& safety = reflection.value("safety", nlohmann::json()); safety.is_object()) {
        out += "\n" + safety.value("message", "") + "\n\n" + safety.value("resources", "") + "\n";
        return out;
    }

    const auto questions = reflection.value("questions", nlohmann::json::array());
    if (!questions.empty()) out += "\n";
    int n = 0;
    for (const auto& q : questions) {
        out += "  " + std::to_string(++n) + ". " + q.value("text", "") + "\n";
    }
    std::string prompt = reflection.value("prompt", "");
    if (!prompt.empty()) out += "\nKeep writing: " + prompt + "...\n";
    return out;
}

}  // namespace empathic::reflect
