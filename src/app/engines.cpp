#include "app/engines.h"

#include <map>
#include <mutex>

#include "app/config.h"
#include "core/log.h"
#include "lexical/lexical_engine.h"
#include "nlp/nli_engine.h"

namespace empathic {
namespace {

std::mutex g_mutex;
std::map<std::string, std::shared_ptr<Engine>> g_engines;

}  // namespace

std::shared_ptr<Engine> open_engine(const std::string& model) {
    std::string name = model;
    Config config = Config::load();
    if (name.empty() || name == "default") {
        name = config.get("model", "").get<std::string>();
        if (name.empty()) name = kLexicalEngineName;
    }

    std::lock_guard lock(g_mutex);
    if (auto it = g_engines.find(name); it != g_engines.end()) return it->second;

    std::shared_ptr<Engine> engine;
    if (name == kLexicalEngineName) {
        engine = make_lexical_engine();
    } else {
        NliOptions options;
        options.threads = config.get("threads", 0).get<int>();
        engine = load_nli_engine(name, options);
    }
    EMP_LOG_INFO("engines", "loaded engine {} ({})", engine->model_id(), engine->kind());
    g_engines[name] = engine;
    return engine;
}

void reset_engines() {
    std::lock_guard lock(g_mutex);
    g_engines.clear();
}

}  // namespace empathic
