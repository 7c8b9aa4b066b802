#include "app/config.h"

#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/fs_util.h"
#include "core/paths.h"

namespace empathic {

Config Config::load() {
    Config config;
    auto path = paths::home() / "config.json";
    std::ifstream in(path);
    if (!in) return config;
    std::stringstream buffer;
    buffer << in.rdbuf();
    try {
        auto parsed = nlohmann::json::parse(buffer.str());
        if (!parsed.is_object()) throw std::runtime_error("not an object");
        config.values_ = std::move(parsed);
    } catch (const std::exception&) {
        throw Error(ErrorCode::InvalidInput, path.string() +
                                                 " is not a JSON object; fix it or delete it to "
                                                 "return to the defaults");
    }
    return config;
}

nlohmann::json Config::get(const std::string& key, nlohmann::json fallback) const {
    auto it = values_.find(key);
    return it == values_.end() ? fallback : *it;
}

void Config::set(const std::string& key, nlohmann::json value) {
    values_[key] = std::move(value);
}

void Config::erase(const std::string& key) {
    values_.erase(key);
}

void Config::save() const {
    write_file_atomically(paths::home() / "config.json", values_.dump(2) + "\n");
}

}  // namespace empathic
