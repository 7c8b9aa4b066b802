// The safety check: phrase rules sentence by sentence, plus the safety label set when an NLI
// engine is at hand. Either source alone is enough to give the safety response.
#include <algorithm>
#include <utility>

#include "core/error.h"
#include "core/log.h"
#include "core/utf8.h"
#include "reflect/data.h"
#include "reflect/reflect.h"

namespace empathic::reflect {
namespace {

/// Reading cost: about 40 ms for a page of writing (1.5 KB) and 3 s for an entry of the maximum
/// size (100 KB) on one core, as std::regex tries every pattern at every position. Tagging such
/// an entry costs far more, so this is not the bottleneck; a linear-time regex library (RE2)
/// would remove it.
/// Longest piece of text one regular expression search sees. Longer sentences are read in
/// overlapping windows, which keeps std::regex's backtracking (and its stack) small.
constexpr std::size_t kWindowBytes = 600;
constexpr std::size_t kWindowOverlap = 150;

/// Splits normalized text into sentences at . ! ? ; and line ends (already single spaces),
/// then long sentences into overlapping windows cut at spaces.
std::vector<std::string> sentence_windows(const std::string& text) {
    std::vector<std::string> sentences;
    std::string current;
    for (char c : text) {
        if (c == '.' || c == '!' || c == '?' || c == ';') {
            if (!current.empty()) sentences.push_back(std::move(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) sentences.push_back(std::move(current));

    std::vector<std::string> windows;
    for (auto& sentence : sentences) {
        std::string trimmed = utf8::trim(sentence);
        if (trimmed.empty()) continue;
        if (trimmed.size() <= kWindowBytes) {
            windows.push_back(std::move(trimmed));
            continue;
        }
        std::size_t start = 0;
        while (start < trimmed.size()) {
            std::size_t end = std::min(trimmed.size(), start + kWindowBytes);
            if (end < trimmed.size()) {
                std::size_t space = trimmed.rfind(' ', end);
                if (space != std::string::npos && space > start) end = space;
            }
            windows.push_back(trimmed.substr(start, end - start));
            if (end >= trimmed.size()) break;
            std::size_t next = end > kWindowOverlap ? end - kWindowOverlap : end;
            std::size_t space = trimmed.find(' ', next);
            start = (space != std::string::npos && space < end) ? space + 1 : end;
        }
    }
    return windows;
}

using Spans = std::vector<std::pair<std::size_t, std::size_t>>;

/// Whether `re` matches somewhere in `sentence` outside every exception span.
bool matches_outside(const std::regex& re, const std::string& sentence, const Spans& exceptions) {
    for (auto it = std::sregex_iterator(sentence.begin(), sentence.end(), re);
         it != std::sregex_iterator(); ++it) {
        std::size_t start = static_cast<std::size_t>(it->position());
        std::size_t end = start + static_cast<std::size_t>(it->length());
        bool excused = std::any_of(exceptions.begin(), exceptions.end(), [&](const auto& span) {
            return span.first < std::max(end, start + 1) && start < span.second;
        });
        if (!excused) return true;
    }
    return false;
}

void apply_rules(const std::string& text, const detail::Data& data, SafetyAssessment& out) {
    std::string normalized = detail::normalize_for_rules(text, data);
    for (const auto& sentence : sentence_windows(normalized)) {
        for (const auto& rule : data.rules) {
            if (std::find(out.rules.begin(), out.rules.end(), rule.id) != out.rules.end()) {
                continue;
            }

            // Exceptions are looked for only once some pattern matched: most sentences match
            // nothing, and skipping them there halves the work.
            bool candidate = std::any_of(
                rule.patterns.begin(), rule.patterns.end(),
                [&](const auto& p) { return std::regex_search(sentence, p.parts.front()); });
            if (!candidate) continue;

            // Look-alikes: a match inside one of them does not count.
            Spans exceptions;
            for (const auto& re : rule.exceptions) {
                for (auto it = std::sregex_iterator(sentence.begin(), sentence.end(), re);
                     it != std::sregex_iterator(); ++it) {
                    auto start = static_cast<std::size_t>(it->position());
                    exceptions.emplace_back(start, start + static_cast<std::size_t>(it->length()));
                }
            }

            bool hit = std::any_of(rule.patterns.begin(), rule.patterns.end(), [&](const auto& p) {
                return std::all_of(p.parts.begin(), p.parts.end(), [&](const std::regex& re) {
                    return matches_outside(re, sentence, exceptions);
                });
            });
            if (!hit) continue;

            out.rules.push_back(rule.id);
            if (!out.at_risk) out.concern = rule.concern;
            out.at_risk = true;
        }
    }
}

void apply_label_set(std::string_view text, Engine& engine, const detail::Data& data,
                     SafetyAssessment& out) {
    if (data.safety_labels.empty()) return;
    ClassifyRequest request;
    request.text = std::string(text);
    request.hypothesis_template = data.safety_template;
    request.multi_label = true;
    for (const auto& label : data.safety_labels) request.labels.push_back(label.label);

    Classification answer;
    try {
        std::vector<std::string> warnings;
        answer = engine.classify(normalize_request(request, warnings));
    } catch (const Error& e) {
        // The phrase rules have already run; a failing model must not hide their answer.
        EMP_LOG_WARN("reflect", "safety label set could not be scored: {}", e.what());
        return;
    }

    for (std::size_t i = 0; i < answer.labels.size() && i < answer.scores.size(); ++i) {
        out.model_score = std::max(out.model_score, answer.scores[i]);
        if (answer.scores[i] < data.safety_threshold) continue;
        auto it = std::find_if(data.safety_labels.begin(), data.safety_labels.end(),
                               [&](const auto& l) { return l.label == answer.labels[i]; });
        if (!out.at_risk && it != data.safety_labels.end()) out.concern = it->concern;
        out.at_risk = true;
    }
}

}  // namespace

std::string_view concern_name(Concern concern) {
    switch (concern) {
        case Concern::None: return "none";
        case Concern::SelfHarm: return "self_harm";
        case Concern::HarmedByOthers: return "harmed_by_others";
    }
    return "none";
}

SafetyAssessment assess_safety(std::string_view text, Engine* engine) {
    utf8::require_valid(text, "the entry");
    SafetyAssessment out;
    if (utf8::trim(text).empty()) return out;

    auto data = detail::data();
    apply_rules(std::string(text), *data, out);
    if (engine != nullptr && engine->kind() == "nli") apply_label_set(text, *engine, *data, out);
    return out;
}

}  // namespace empathic::reflect
