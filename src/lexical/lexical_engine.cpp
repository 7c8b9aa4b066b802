// Placeholder until the lexical engine lands.
#include "lexical/lexical_engine.h"

#include "core/error.h"

namespace empathic {

std::unique_ptr<Engine> make_lexical_engine() {
    throw Error(ErrorCode::Internal, "lexical engine not built yet");
}

}  // namespace empathic
