// Which engine tags the journal, and a cache of loaded engines.
//
// The journal tags with the NLI model named in config.json ("model") when one is set and
// installed, and with the lexical engine otherwise; every result says which engine made it.
// Loading a model takes seconds, so engines are loaded once per process and shared.
#pragma once

#include <memory>
#include <string>

#include "nlp/engine.h"

namespace empathic {

/// Name that selects the lexical engine wherever a model can be named.
inline constexpr const char* kLexicalEngineName = "lexical";

/// The engine for `model`: "" or "default" = the configured one (see above), "lexical" = the
/// lexical engine, otherwise a model folder or installed hub id. Cached per name.
/// Throws Error when a named model cannot be loaded; the default silently falls back to the
/// lexical engine only when no model is configured.
std::shared_ptr<Engine> open_engine(const std::string& model = "");

/// Forgets cached engines (after `model use` or `model remove`).
void reset_engines();

}  // namespace empathic
