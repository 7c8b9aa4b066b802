// The lexical engine: scores any label with no model download, by expanding the label through
// WordNet and curated seed words and matching lemmas of the entry (negation, intensity and a
// calibration to [0, 1] included). Weaker than a good NLI model; results say engine "lexical".
#pragma once

#include <memory>

#include "nlp/engine.h"

namespace empathic {

/// The lexical engine with the WordNet data and seed lists found under paths::data_dir() and
/// the system's WordNet (Debian's wordnet-base).
std::unique_ptr<Engine> make_lexical_engine();

}  // namespace empathic
