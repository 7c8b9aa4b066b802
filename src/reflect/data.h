// The reflect component's data, loaded once per process from data_dir()/reflect and the
// user's home(): the question bank, prompts, messages and safety rules, checked and compiled.
//
// Ownership: data() hands out a shared, immutable snapshot; reload_data() makes the next call
// load afresh while readers keep the snapshot they hold. Safe to use from several threads.
#pragma once

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "reflect/reflect.h"

namespace empathic::reflect::detail {

/// A kind of question and what makes it fit an entry.
struct Kind {
    std::string name;
    std::string hypothesis;         // scored by an NLI engine against the entry
    std::vector<std::string> cues;  // lower-case words or phrases that suggest this kind
};

/// A pattern of a safety rule: every part must match the same sentence.
struct Pattern {
    std::vector<std::regex> parts;
};

/// One safety rule: patterns, and look-alike exceptions that cancel matches they overlap.
struct Rule {
    std::string id;
    Concern concern = Concern::None;
    std::vector<Pattern> patterns;
    std::vector<std::regex> exceptions;
};

/// A label of the safety label set, scored by an NLI engine.
struct SafetyLabel {
    std::string label;
    Concern concern = Concern::None;
};

/// The acknowledgement templates and safety texts of messages.json.
struct Messages {
    std::map<std::string, std::string> nouns;  // label -> noun ("proud" -> "pride")
    std::map<std::string, std::vector<std::string>> acknowledgements;  // case -> templates
    std::string safety_acknowledgement;
    std::string safety_self_harm;
    std::string safety_harmed_by_others;
    std::string default_resources;
};

/// Everything loaded, checked and compiled.
struct Data {
    std::vector<Question> questions;
    std::map<std::string, Kind> kinds;
    std::map<std::string, std::vector<std::string>> prompts;  // feeling or pool -> starters
    Messages messages;
    std::map<std::string, std::string> contractions;
    std::vector<Rule> rules;
    std::string safety_template;
    double safety_threshold = 0.9;
    std::vector<SafetyLabel> safety_labels;
};

/// The current snapshot, loading it on first use. Throws Error naming the file when a data
/// file is missing or malformed.
std::shared_ptr<const Data> data();

/// Lower-cases `text`, straightens curly apostrophes, expands contractions and collapses
/// whitespace, as the safety patterns expect.
std::string normalize_for_rules(const std::string& text, const Data& data);

/// 64-bit FNV-1a hash, for choices that must be stable for one entry and vary across entries.
std::uint64_t stable_hash(std::string_view text);

}  // namespace empathic::reflect::detail
