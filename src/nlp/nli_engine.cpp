// Placeholder until the ONNX engine lands.
#include "nlp/nli_engine.h"

#include "core/error.h"

namespace empathic {

std::filesystem::path resolve_model_folder(const std::string& model) { return model; }

std::unique_ptr<Engine> load_nli_engine(const std::string& model, const NliOptions&) {
    throw Error(ErrorCode::ModelError, "NLI engine not built yet: " + model);
}

}  // namespace empathic
