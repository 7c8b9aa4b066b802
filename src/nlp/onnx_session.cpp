#include "nlp/onnx_session.h"

// The C++ API's global function table is filled by hand (see shared_env) so that a runtime
// older than these headers gives a clear error instead of a null-pointer crash.
#define ORT_API_MANUAL_INIT
#include <onnxruntime_cxx_api.h>
#undef ORT_API_MANUAL_INIT

#include <algorithm>
#include <array>
#include <chrono>

#include "core/error.h"
#include "core/log.h"

namespace empathic {
namespace {

// The function table for ORT_API_VERSION, or null when the loaded library is older.
const OrtApi* api_or_null() {
    static const OrtApi* api = OrtGetApiBase()->GetApi(ORT_API_VERSION);
    return api;
}

const OrtApi& checked_api() {
    const OrtApi* api = api_or_null();
    if (api == nullptr) {
        throw Error(ErrorCode::Unavailable,
                    std::string("the ONNX Runtime library in use (") +
                        OrtGetApiBase()->GetVersionString() +
                        ") is older than the one Empathic was built for (API version " +
                        std::to_string(ORT_API_VERSION) +
                        "); install a newer ONNX Runtime or run scripts/fetch-onnxruntime");
    }
    return *api;
}

// Receives ONNX Runtime's own log lines and writes them through our logger.
void ORT_API_CALL route_log(void* /*param*/, OrtLoggingLevel severity, const char* category,
                            const char* /*logid*/, const char* code_location, const char* message) {
    log::Level level = log::Level::Debug;
    switch (severity) {
        case ORT_LOGGING_LEVEL_VERBOSE:
        case ORT_LOGGING_LEVEL_INFO: level = log::Level::Debug; break;
        case ORT_LOGGING_LEVEL_WARNING: level = log::Level::Warn; break;
        case ORT_LOGGING_LEVEL_ERROR:
        case ORT_LOGGING_LEVEL_FATAL: level = log::Level::Error; break;
    }
    EMP_LOG_AT(level, "onnxruntime", "{} ({}: {})", message ? message : "",
               category ? category : "", code_location ? code_location : "");
}

// The one Ort::Env of the process. It is created on first use and never destroyed, so it
// outlives every session whatever the order of static destruction at exit.
Ort::Env& shared_env() {
    static Ort::Env* env = [] {
        Ort::InitApi(&checked_api());
        OrtLoggingLevel ort_level =
            log::level() <= log::Level::Debug ? ORT_LOGGING_LEVEL_INFO : ORT_LOGGING_LEVEL_WARNING;
        auto* created = new Ort::Env(ort_level, "empathic", route_log, nullptr);
        EMP_LOG_INFO("nli", "ONNX Runtime {} started (API version {})",
                     OrtGetApiBase()->GetVersionString(), ORT_API_VERSION);
        return created;
    }();
    return *env;
}

// Which encoding field feeds a graph input.
enum class InputKind { Ids, Mask, TypeIds };

struct InputSlot {
    std::string name;
    InputKind kind;
    ONNXTensorElementDataType type;
};

// Copies an int64 matrix into a tensor of the input's element type (int64 or int32).
Ort::Value make_tensor(const std::vector<int64_t>& values, ONNXTensorElementDataType type,
                       const std::array<int64_t, 2>& shape, std::vector<int32_t>& narrow) {
    static const Ort::MemoryInfo kCpu =
        Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    if (type == ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32) {
        narrow.assign(values.begin(), values.end());
        return Ort::Value::CreateTensor<int32_t>(kCpu, narrow.data(), narrow.size(), shape.data(),
                                                 shape.size());
    }
    return Ort::Value::CreateTensor<int64_t>(kCpu, const_cast<int64_t*>(values.data()),
                                             values.size(), shape.data(), shape.size());
}

}  // namespace

struct OnnxPairScorer::Impl {
    Ort::Session session{nullptr};
    std::vector<InputSlot> inputs;
    std::vector<std::string> input_names;
    std::string output_name;
    int64_t pad_id = 0;
    std::filesystem::path file;
};

std::string onnx_runtime_version() {
    checked_api();
    return OrtGetApiBase()->GetVersionString();
}

OnnxPairScorer::OnnxPairScorer(const std::filesystem::path& onnx_file, std::size_t num_classes,
                               int64_t pad_id, const OnnxSessionOptions& options)
    : impl_(std::make_unique<Impl>()), num_classes_(num_classes) {
    impl_->pad_id = pad_id;
    impl_->file = onnx_file;
    Ort::Env& env = shared_env();
    auto started = std::chrono::steady_clock::now();

    // Session: graph optimisations on, intra-op threads as asked, one inter-op thread.
    try {
        Ort::SessionOptions session_options;
        session_options.SetIntraOpNumThreads(std::max(0, options.threads));
        session_options.SetInterOpNumThreads(1);
        session_options.SetExecutionMode(ExecutionMode::ORT_SEQUENTIAL);
        session_options.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
        impl_->session = Ort::Session(env, onnx_file.c_str(), session_options);
    } catch (const Ort::Exception& e) {
        throw Error(ErrorCode::ModelError, onnx_file.string() + " is not a readable ONNX model (" +
                                               e.what() + "); download the model again");
    }

    // Inputs: named as the hub's exports name them; token_type_ids is optional.
    Ort::AllocatorWithDefaultOptions allocator;
    bool has_ids = false;
    bool has_mask = false;
    for (std::size_t i = 0; i < impl_->session.GetInputCount(); ++i) {
        std::string name = impl_->session.GetInputNameAllocated(i, allocator).get();
        auto type = impl_->session.GetInputTypeInfo(i).GetTensorTypeAndShapeInfo().GetElementType();
        impl_->input_names.push_back(name);
        InputKind kind;
        if (name == "input_ids") {
            kind = InputKind::Ids;
            has_ids = true;
        } else if (name == "attention_mask") {
            kind = InputKind::Mask;
            has_mask = true;
        } else if (name == "token_type_ids") {
            kind = InputKind::TypeIds;
        } else {
            throw Error(ErrorCode::ModelError,
                        onnx_file.string() + " has an input \"" + name +
                            "\" that Empathic cannot fill (it feeds input_ids, attention_mask "
                            "and token_type_ids); use a sequence-classification export");
        }
        if (type != ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 &&
            type != ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32) {
            throw Error(ErrorCode::ModelError, onnx_file.string() + ": input \"" + name +
                                                   "\" is not an integer tensor; use a "
                                                   "sequence-classification export");
        }
        impl_->inputs.push_back({name, kind, type});
    }
    if (!has_ids || !has_mask) {
        throw Error(ErrorCode::ModelError,
                    onnx_file.string() +
                        " lacks the input_ids or attention_mask input; use a "
                        "sequence-classification export");
    }

    // Output: "logits" when present, else the first output.
    std::size_t outputs = impl_->session.GetOutputCount();
    if (outputs == 0) {
        throw Error(ErrorCode::ModelError, onnx_file.string() + " has no outputs");
    }
    impl_->output_name = impl_->session.GetOutputNameAllocated(0, allocator).get();
    for (std::size_t i = 0; i < outputs; ++i) {
        std::string name = impl_->session.GetOutputNameAllocated(i, allocator).get();
        if (name == "logits") impl_->output_name = name;
    }

    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count();
    EMP_LOG_INFO("nli", "loaded {} ({} inputs, {} threads) in {:.0f} ms",
                 onnx_file.filename().string(), impl_->inputs.size(), options.threads, ms);
}

OnnxPairScorer::~OnnxPairScorer() = default;

const std::vector<std::string>& OnnxPairScorer::input_names() const {
    return impl_->input_names;
}

LogitMatrix OnnxPairScorer::score(const std::vector<const Encoding*>& batch) const {
    LogitMatrix result;
    if (batch.empty()) return result;

    // Pad to the longest encoding: pad id, type 0, mask 0 (so attention skips the padding).
    const std::size_t rows = batch.size();
    std::size_t length = 0;
    for (const Encoding* e : batch) length = std::max(length, e->ids.size());
    std::vector<int64_t> ids(rows * length, impl_->pad_id);
    std::vector<int64_t> types(rows * length, 0);
    std::vector<int64_t> mask(rows * length, 0);
    for (std::size_t r = 0; r < rows; ++r) {
        const Encoding& e = *batch[r];
        std::copy(e.ids.begin(), e.ids.end(), ids.begin() + r * length);
        if (e.type_ids.size() == e.ids.size()) {
            std::copy(e.type_ids.begin(), e.type_ids.end(), types.begin() + r * length);
        }
        if (e.attention_mask.size() == e.ids.size()) {
            std::copy(e.attention_mask.begin(), e.attention_mask.end(), mask.begin() + r * length);
        } else {
            std::fill_n(mask.begin() + r * length, e.ids.size(), 1);
        }
    }

    // Tensors in the graph's input order.
    const std::array<int64_t, 2> shape = {static_cast<int64_t>(rows), static_cast<int64_t>(length)};
    std::vector<Ort::Value> values;
    std::vector<const char*> names;
    std::vector<std::vector<int32_t>> narrow(impl_->inputs.size());
    for (std::size_t i = 0; i < impl_->inputs.size(); ++i) {
        const InputSlot& slot = impl_->inputs[i];
        const auto& source = slot.kind == InputKind::Ids    ? ids
                             : slot.kind == InputKind::Mask ? mask
                                                            : types;
        values.push_back(make_tensor(source, slot.type, shape, narrow[i]));
        names.push_back(slot.name.c_str());
    }

    // One run for the whole batch.
    const char* output_name = impl_->output_name.c_str();
    std::vector<Ort::Value> outputs;
    try {
        outputs = impl_->session.Run(Ort::RunOptions{nullptr}, names.data(), values.data(),
                                     values.size(), &output_name, 1);
    } catch (const Ort::Exception& e) {
        throw Error(ErrorCode::ModelError, impl_->file.string() + " failed to run (" + e.what() +
                                               "); the model may be corrupt");
    }

    // Logits: [rows, classes] floats.
    auto info = outputs.front().GetTensorTypeAndShapeInfo();
    auto out_shape = info.GetShape();
    if (info.GetElementType() != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT || out_shape.size() != 2 ||
        out_shape[0] != static_cast<int64_t>(rows) ||
        out_shape[1] != static_cast<int64_t>(num_classes_)) {
        throw Error(ErrorCode::ModelError,
                    impl_->file.string() + " does not output float logits of shape [batch, " +
                        std::to_string(num_classes_) +
                        "] (the classes config.json lists); the folder mixes files of "
                        "different models");
    }
    const float* data = outputs.front().GetTensorData<float>();
    result.rows = rows;
    result.cols = num_classes_;
    result.values.assign(data, data + rows * num_classes_);
    return result;
}

}  // namespace empathic
