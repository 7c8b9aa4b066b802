// JSON form of a Classification, shared by `empathic classify --json`, the journal export and
// the HTTP API. Evidence offsets are in characters (code points) of `sequence`.
#pragma once

#include <nlohmann/json.hpp>

#include "nlp/engine.h"

namespace empathic {

/// {"sequence","labels","scores","evidence":[{"label","start","end","text"}],"engine","model",
///  "mode":"multi-label"|"single-label","template","understood","warnings"}
nlohmann::json to_json(const Classification& result);

}  // namespace empathic
