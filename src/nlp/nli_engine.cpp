#include "nlp/nli_engine.h"

#include <chrono>

#include "core/error.h"
#include "core/log.h"
#include "core/paths.h"
#include "nlp/onnx_session.h"

namespace empathic {
namespace fs = std::filesystem;
namespace {

// A hub id is "org/name" (or "name"): no empty, "." or ".." parts, so it stays inside
// models_dir().
bool is_safe_hub_id(const std::string& model) {
    if (model.empty() || model.front() == '/') return false;
    for (const auto& part : fs::path(model)) {
        if (part.empty() || part == "." || part == "..") return false;
    }
    return true;
}

ScoringSetup setup_for(const ModelFolder& folder, const NliOptions& options) {
    ScoringSetup setup;
    setup.entailment_index = folder.classes.entailment;
    setup.contradiction_index = folder.classes.contradiction;
    setup.max_length = folder.max_length;
    setup.batch_size = options.batch_size;
    setup.sentence_evidence = options.sentence_evidence;
    return setup;
}

}  // namespace

fs::path resolve_model_folder(const std::string& model) {
    if (model.empty()) {
        throw Error(ErrorCode::InvalidInput,
                    "no model named; give a model folder or a hub id "
                    "such as org/name");
    }
    std::error_code ec;
    if (fs::is_directory(model, ec)) return model;
    if (is_safe_hub_id(model)) {
        fs::path installed = paths::models_dir() / model;
        if (fs::is_directory(installed, ec)) return installed;
    }
    throw Error(ErrorCode::NotFound,
                "model '" + model + "' is neither a folder nor installed under " +
                    paths::models_dir().string() + "; install it with `empathic model pull " +
                    model + "` or pass the path of a model folder");
}

NliEngine::NliEngine(ModelFolder folder, std::unique_ptr<Tokenizer> tokenizer,
                     std::unique_ptr<PairScorer> scorer, const NliOptions& options)
    : folder_(std::move(folder)),
      tokenizer_(std::move(tokenizer)),
      scorer_(std::move(scorer)),
      zero_shot_(*tokenizer_, *scorer_, setup_for(folder_, options)) {}

Classification NliEngine::classify(const ClassifyRequest& request) {
    std::vector<std::string> warnings;
    ClassifyRequest normalized = normalize_request(request, warnings);
    Classification result = zero_shot_.classify(normalized);
    result.engine = kind();
    result.model = folder_.id;
    result.warnings = std::move(warnings);
    return result;
}

std::unique_ptr<Engine> load_nli_engine(const std::string& model, const NliOptions& options) {
    auto started = std::chrono::steady_clock::now();
    ModelFolder folder = read_model_folder(resolve_model_folder(model), options.prefer_quantized);
    if (!options.prefer_quantized && folder.quantized) {
        EMP_LOG_WARN("nli", "{} has only a quantized ONNX file; using it", folder.id);
    }

    auto tokenizer = Tokenizer::load(folder.tokenizer_json, folder.tokenizer_config_json);
    auto scorer =
        std::make_unique<OnnxPairScorer>(folder.onnx_file, folder.classes.names.size(),
                                         tokenizer->pad_id(), OnnxSessionOptions{options.threads});
    auto engine = std::make_unique<NliEngine>(std::move(folder), std::move(tokenizer),
                                              std::move(scorer), options);

    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count();
    EMP_LOG_INFO("nli", "model {} ready ({}, max {} tokens per pair) in {:.0f} ms",
                 engine->model_id(), engine->folder().quantized ? "quantized" : "float32",
                 engine->folder().max_length, ms);
    return engine;
}

}  // namespace empathic
