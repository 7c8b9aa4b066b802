#include "nlp/engine.h"

#include <set>

#include "core/error.h"
#include "core/utf8.h"

namespace empathic {

ClassifyRequest normalize_request(ClassifyRequest request, std::vector<std::string>& warnings) {
    utf8::require_valid(request.text, "the text");
    if (utf8::trim(request.text).empty()) {
        throw Error(ErrorCode::InvalidInput, "the text is empty; write something to classify");
    }

    utf8::require_valid(request.hypothesis_template, "the template");
    auto first = request.hypothesis_template.find("{}");
    if (first == std::string::npos) {
        throw Error(ErrorCode::InvalidInput,
                    "the template has no \"{}\"; put {} where the label goes, for example "
                    "\"This example is {}.\"");
    }
    if (request.hypothesis_template.find("{}", first + 2) != std::string::npos) {
        throw Error(ErrorCode::InvalidInput,
                    "the template has more than one \"{}\"; use exactly one, where the label "
                    "goes");
    }

    std::vector<std::string> labels;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < request.labels.size(); ++i) {
        utf8::require_valid(request.labels[i], "label " + std::to_string(i + 1));
        auto label = utf8::trim(request.labels[i]);
        if (label.empty()) {
            warnings.push_back("empty label ignored");
            continue;
        }
        if (!seen.insert(utf8::lower(label)).second) {
            warnings.push_back("duplicate label '" + label + "' ignored");
            continue;
        }
        labels.push_back(std::move(label));
    }
    if (labels.empty()) {
        throw Error(ErrorCode::InvalidInput,
                    "no labels given; give at least one label, for example \"joy, grief\"");
    }
    request.labels = std::move(labels);
    return request;
}

std::vector<std::string> split_labels(const std::string& comma_separated) {
    std::vector<std::string> labels;
    std::size_t start = 0;
    while (start <= comma_separated.size()) {
        auto comma = comma_separated.find(',', start);
        if (comma == std::string::npos) comma = comma_separated.size();
        labels.push_back(comma_separated.substr(start, comma - start));
        start = comma + 1;
    }
    return labels;
}

std::string make_hypothesis(const std::string& hypothesis_template, const std::string& label) {
    auto pos = hypothesis_template.find("{}");
    if (pos == std::string::npos) return hypothesis_template;
    return hypothesis_template.substr(0, pos) + label + hypothesis_template.substr(pos + 2);
}

}  // namespace empathic
