#include "nlp/classification_json.h"

#include "core/utf8.h"

namespace empathic {

nlohmann::json to_json(const Classification& result) {
    nlohmann::json evidence = nlohmann::json::array();
    for (std::size_t i = 0; i < result.labels.size() && i < result.evidence.size(); ++i) {
        const Span& span = result.evidence[i];
        evidence.push_back({
            {"label", result.labels[i]},
            {"start", utf8::chars_before(result.sequence, span.start)},
            {"end", utf8::chars_before(result.sequence, span.end)},
            {"text", result.sequence.substr(span.start, span.end - span.start)},
        });
    }
    return {
        {"sequence", result.sequence},
        {"labels", result.labels},
        {"scores", result.scores},
        {"evidence", evidence},
        {"engine", result.engine},
        {"model", result.model},
        {"mode", result.multi_label ? "multi-label" : "single-label"},
        {"template", result.hypothesis_template},
        {"understood", result.understood},
        {"warnings", result.warnings},
    };
}

}  // namespace empathic
