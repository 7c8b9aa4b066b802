// POST /api/classify, POST /models/{model-id} and GET /api/engine.
#include "app/engines.h"
#include "core/error.h"
#include "core/log.h"
#include "core/paths.h"
#include "hub/model_store.h"
#include "journal/journal.h"
#include "nlp/classification_json.h"
#include "server/routes.h"

namespace empathic::server {
namespace {

/// A model name from a URL or body: "default", "lexical", or the hub id of an installed model
/// ("org/name"). Folder paths are not accepted over HTTP, so a request cannot make the server
/// read arbitrary folders. Returns the name open_engine() takes.
std::string checked_model_name(const std::string& model) {
    if (model.empty() || model == "default") return "";
    if (model == kLexicalEngineName) return model;

    hub::check_model_id(model);
    if (!std::filesystem::is_directory(paths::models_dir() / model)) {
        throw Error(ErrorCode::NotFound, "model '" + model +
                                             "' is not installed; install it "
                                             "with `empathic model pull " +
                                             model + "`");
    }
    return model;
}

/// The most work one request may ask for: every label is scored against every window of the
/// text, so labels x text length x inputs bound the time and memory a request takes.
constexpr std::size_t kMaxLabels = 100;
constexpr std::size_t kMaxLabelBytes = 200;
constexpr std::size_t kMaxTemplateBytes = 500;
constexpr std::size_t kMaxTextBytes = kMaxEntryBytes;
constexpr std::size_t kMaxInputs = 16;

/// Refuses a request over the limits above, naming the limit.
void check_limits(const ClassifyRequest& request, const std::string& labels_field) {
    if (request.text.size() > kMaxTextBytes) {
        throw Error(ErrorCode::TooLarge,
                    fmt::format("the text is {} bytes; at most {} bytes (the size of the largest "
                                "journal entry) are classified in one request",
                                request.text.size(), kMaxTextBytes));
    }
    if (request.labels.size() > kMaxLabels) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("'{}' has {} labels; at most {} are scored in one request",
                                labels_field, request.labels.size(), kMaxLabels));
    }
    for (const std::string& label : request.labels) {
        if (label.size() > kMaxLabelBytes) {
            throw Error(ErrorCode::InvalidInput,
                        fmt::format("a label in '{}' is {} bytes; a label is at most {} bytes",
                                    labels_field, label.size(), kMaxLabelBytes));
        }
    }
    if (request.hypothesis_template.size() > kMaxTemplateBytes) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("the hypothesis template is {} bytes; at most {} are accepted",
                                request.hypothesis_template.size(), kMaxTemplateBytes));
    }
}

/// Validates a request and scores it with the named engine; warnings from validation are
/// added to the result's own.
Classification classify_with(const std::string& model, ClassifyRequest request) {
    std::vector<std::string> warnings;
    request = normalize_request(std::move(request), warnings);
    std::shared_ptr<Engine> engine = open_engine(checked_model_name(model));

    Classification result = engine->classify(request);
    result.warnings.insert(result.warnings.begin(), warnings.begin(), warnings.end());
    return result;
}

ApiResponse classify_route(const ApiRequest& req) {
    ClassifyRequest request;
    request.text = req_string(req.body, "text");
    auto labels = req.body.find("labels");
    if (labels == req.body.end() || labels->is_null()) {
        throw Error(ErrorCode::InvalidInput, "'labels' is required: give at least one label");
    }
    request.labels = string_list(*labels, "labels");
    request.hypothesis_template = opt_string(req.body, "template", kDefaultTemplate);
    request.multi_label = opt_bool(req.body, "multi_label", true);
    std::string model = opt_string(req.body, "model", "default");
    check_limits(request, "labels");

    Classification result = classify_with(model, std::move(request));
    EMP_LOG_DEBUG("server", "classified {} labels with {}", result.labels.size(), result.model);
    return {to_json(result)};
}

/// The Hugging Face zero-shot answer for one input: exactly sequence, labels and scores.
nlohmann::json hf_answer(const Classification& result) {
    return {{"sequence", result.sequence}, {"labels", result.labels}, {"scores", result.scores}};
}

ApiResponse hf_models_route(const ApiRequest& req) {
    const std::string& model = req.params.at(0);

    // "inputs": one text or a list of texts.
    auto inputs = req.body.find("inputs");
    if (inputs == req.body.end() || inputs->is_null()) {
        throw Error(ErrorCode::InvalidInput,
                    "'inputs' is required: the text to classify, or a "
                    "list of texts");
    }
    bool batch = inputs->is_array();
    std::vector<std::string> texts =
        string_list(batch ? *inputs : nlohmann::json::array({*inputs}), "inputs");
    if (batch && texts.empty()) {
        throw Error(ErrorCode::InvalidInput, "'inputs' is an empty list; give at least one text");
    }
    if (texts.size() > kMaxInputs) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("'inputs' has {} texts; at most {} are classified in one request",
                                texts.size(), kMaxInputs));
    }

    // "parameters": candidate_labels (list or comma-separated), hypothesis_template,
    // multi_label (false by default, as in the pipeline).
    nlohmann::json parameters = req.body.value("parameters", nlohmann::json::object());
    if (!parameters.is_object()) {
        throw Error(ErrorCode::InvalidInput, "'parameters' must be an object");
    }
    auto labels = parameters.find("candidate_labels");
    if (labels == parameters.end() || labels->is_null()) {
        throw Error(ErrorCode::InvalidInput,
                    "'parameters.candidate_labels' is required: a list "
                    "of labels or one comma-separated text");
    }
    ClassifyRequest request;
    request.labels = string_list(*labels, "parameters.candidate_labels");
    request.hypothesis_template = opt_string(parameters, "hypothesis_template", kDefaultTemplate);
    request.multi_label = opt_bool(parameters, "multi_label", false);
    std::size_t total_bytes = 0;
    for (const std::string& text : texts) {
        request.text = text;
        check_limits(request, "parameters.candidate_labels");
        total_bytes += text.size();
    }
    if (total_bytes > kMaxTextBytes) {
        throw Error(ErrorCode::TooLarge,
                    fmt::format("'inputs' hold {} bytes together; at most {} bytes are "
                                "classified in one request",
                                total_bytes, kMaxTextBytes));
    }

    nlohmann::json answers = nlohmann::json::array();
    for (const std::string& text : texts) {
        request.text = text;
        answers.push_back(hf_answer(classify_with(model, request)));
    }
    return {batch ? answers : answers.at(0)};
}

ApiResponse models_route(const ApiRequest&) {
    nlohmann::json models = nlohmann::json::array();
    for (const hub::InstalledModel& model : hub::list_installed_models()) {
        models.push_back({{"id", model.id},
                          {"model_type", model.model_type},
                          {"labels", model.labels},
                          {"languages", model.languages},
                          {"size_bytes", model.size_bytes},
                          {"in_use", model.in_use}});
    }
    return {{{"models", models}}};
}

ApiResponse engine_route(const ApiRequest&) {
    std::shared_ptr<Engine> engine = open_engine("");
    return {{{"kind", engine->kind()}, {"model", engine->model_id()}}};
}

}  // namespace

void add_classify_routes(Api& api) {
    api.post("/api/classify", classify_route);
    api.post("/models/{model-id...}", hf_models_route);
    api.get("/api/engine", engine_route);
    api.get("/api/models", models_route);
}

}  // namespace empathic::server
