// Reflections for a journal: the hook that reflects on each freshly tagged entry, and the
// conversation (answering a reflection's question) used by the CLI and the server.
//
// The journal stores what these functions compute: the reflection of an entry is saved with
// it (Journal::save_reflection, or by the hook after tagging), and an answer is an entry of
// its own (parent_id and question set) that is tagged and reflected on like any other, so a
// thread is searched and exported with the journal.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "journal/journal.h"
#include "reflect/reflect.h"

namespace empathic::reflect {

/// The reflection on `entry` from `tags` (one tagging run of the active label set), with the
/// writer's settings from config.json, the questions of their last 10 reflections, and the
/// NLI engine that tagged it (when there was one) from `engines`. Null when the settings ask
/// for no reflection on it. Nothing is saved.
nlohmann::json reflect_on_entry(const Journal& journal, const Entry& entry, const TagResult& tags,
                                const EngineFactory& engines = {});

/// The hook for Journal::set_reflector: reflects on each entry after it is tagged.
/// `engines` gives the engine for re-ranking (default: app's open_engine).
Reflector make_journal_reflector(const Journal& journal, EngineFactory engines = {});

/// Sets make_journal_reflector(journal) as the journal's reflector. Call it right after
/// opening a journal that tags entries (CLI and server).
void attach_reflector(Journal& journal, EngineFactory engines = {});

/// The entry's reflection: the stored one, or (when there is none, or `refresh`) one computed
/// now and saved. An entry not tagged yet is tagged first. Null when the writer switched
/// reflections off for it. NotFound for an unknown id.
nlohmann::json reflection_for(Journal& journal, std::int64_t entry_id, bool refresh = false,
                              const EngineFactory& engines = {});

/// Answers question number `question` (1-based) of the entry's latest reflection with
/// `text`: stores the answer as an entry of the thread, tags it and reflects on it. Returns
/// the stored answer (with its reflection). InvalidInput when the entry has no reflection
/// with questions or the number is out of range; the message says what to do.
Entry answer_question(Journal& journal, std::int64_t entry_id, const std::string& text,
                      int question = 1, const EngineFactory& engines = {});

}  // namespace empathic::reflect
