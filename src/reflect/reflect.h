// Reflections: what Empathic says back after an entry is tagged.
//
// A reflection is a short acknowledgement that names the feelings found (without judging or
// diagnosing), one to three open questions from the question bank, and a prompt to continue
// writing (a sentence starter). reflect() computes it from the entry's text and tags only and
// stores nothing; journal_reflector.h connects it to the journal, which stores the JSON.
//
// Safety comes first: every text is assessed for risk of self-harm or suicide, or of being
// harmed by someone, with explicit phrase rules (data/reflect/safety.json, which work offline)
// plus a dedicated label set scored by the engine when it is an NLI one. A text at risk gets a
// warm message and the configured resources instead of questions, even when the writer has
// switched reflections off. The assessment is never a mood tag and is never logged together
// with anything but the entry id.
//
// Data: the question bank data_dir()/reflect/questions.json, merged with the user's own
// home()/questions.json when present (same shape; an entry with a shipped id replaces it, and
// "remove": [ids] hides shipped questions); messages in data_dir()/reflect/messages.json.
//
// Output of reflect(), a JSON object (or null when the writer's settings ask for no
// reflection on this entry and it is not at risk):
//   {
//     "acknowledgement": "It sounds like pride and exhaustion are both here today.",
//     "questions": [{"id": "proud-savour-2", "text": "...?", "kind": "savour",
//                    "feeling": "proud"}],  // feeling: a label, "mixed" or "general";
//                                           // 1 to 3 questions; none when "safety" is set
//     "prompt": "The part of today I most want to keep is",  // "" when "safety" is set
//     "mixed": true,            // positive and negative feelings both present
//     "general": false,         // true when no clear feeling was found
//     "feelings": [{"label": "proud", "score": 0.91, "valence": "positive"}],  // named ones
//     "safety": null | {"message": "...", "resources": "...",
//                       "concern": "self_harm" | "harmed_by_others"},
//     "engine": "nli" | "bank", // "nli" when the NLI engine re-ranked the questions
//     "version": 1
//   }
// Question kinds: clarify, cause, body, reframe, ahead, savour.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.h"
#include "nlp/engine.h"

namespace empathic::reflect {

/// One tag of the entry, as the journal stores it with its label set's settings.
struct Tag {
    std::string label;                // the label set's word ("proud", "burned out")
    double score = 0.0;               // engine score in [0, 1]
    Span evidence;                    // bytes of the entry text that best support the tag
    std::string valence = "neutral";  // "positive", "negative" or "neutral"
    double threshold = 0.5;           // the label set's threshold: below it, not a feeling found
};

/// What the writer chose (config.json keys "reflections" and "safety").
struct Settings {
    /// false: no reflections at all (the safety response is still given).
    bool enabled = true;
    /// Non-empty: reflect only on entries that have at least one of these feelings, and name
    /// only these. Compared case-insensitively.
    std::vector<std::string> feelings;
    /// Text shown with the safety message; empty = the shipped default, which points to local
    /// emergency numbers and crisis lines without naming any number.
    std::string resources;

    /// Reads "reflections": {"enabled", "feelings"} and "safety": {"resources"}; a wrongly
    /// typed value throws Error(InvalidInput) naming the key.
    static Settings from_config(const Config& config);
};

/// Everything a reflection depends on.
struct ReflectInput {
    std::string text;   // the entry (or answer) text, UTF-8
    std::string title;  // the entry's title, if any: assessed for safety with the text
    std::vector<Tag> tags;
    /// Ids of questions shown in the writer's recent reflections (the last 10); they are not
    /// asked again while other questions fit.
    std::vector<std::string> recent_question_ids;
    Settings settings;
    /// Optional; used only when engine->kind() == "nli": re-ranks candidate questions and
    /// scores the safety label set. Not owned.
    Engine* engine = nullptr;
    /// Set when `text` answers a question of an earlier reflection (a conversation turn).
    std::optional<std::string> answered_question;
    /// Only for log lines; never logged with anything else that identifies the entry.
    std::int64_t entry_id = 0;
};

/// Kinds of risk the safety response covers.
enum class Concern { None, SelfHarm, HarmedByOthers };

/// "none", "self_harm", "harmed_by_others".
std::string_view concern_name(Concern concern);

/// Result of the safety check. Internal: never shown as a tag.
struct SafetyAssessment {
    bool at_risk = false;
    Concern concern = Concern::None;
    /// Ids of the phrase rules that matched (for tests and audits, not for logs).
    std::vector<std::string> rules;
    /// Highest score of the safety label set, or -1 when no NLI engine scored it.
    double model_score = -1.0;
};

/// Assesses `text` with the phrase rules, and with the safety label set when `engine` is an
/// NLI engine. Errs towards caution: either source alone marks the text at risk. Invalid
/// UTF-8 throws Error(InvalidInput).
SafetyAssessment assess_safety(std::string_view text, Engine* engine = nullptr);

/// The reflection for an entry or answer, shaped as documented at the top of this file.
nlohmann::json reflect(const ReflectInput& input);

/// Builds tags from an engine's classification, given each label's valence (labels missing
/// from `valences` are neutral) and the label set's threshold.
std::vector<Tag> tags_from_classification(
    const Classification& classification,
    const std::vector<std::pair<std::string, std::string>>& valences, double threshold);

/// A reflection as plain text for a terminal: the acknowledgement, the numbered questions and
/// the prompt, or the safety message and resources instead. "" for null.
std::string to_text(const nlohmann::json& reflection);

/// The ids of the questions a stored reflection asked (empty for null or a safety response).
std::vector<std::string> question_ids(const nlohmann::json& reflection);

/// One question of the bank.
struct Question {
    std::string id;
    std::string text;
    std::string kind;     // clarify, cause, body, reframe, ahead, savour
    std::string feeling;  // a label, or a pool: general, mixed, positive, negative, neutral
};

/// The question bank as loaded: shipped questions merged with the user's extension file.
/// Throws Error(InvalidInput) naming the file and the question when a question does not end
/// with "?", repeats an id or a text, or names an unknown kind.
std::vector<Question> load_question_bank();

/// Forgets the cached bank, rules and messages (after the user edits their files).
void reload_data();

}  // namespace empathic::reflect
