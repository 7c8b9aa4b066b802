// The user's settings, kept in $EMPATHIC_HOME/config.json and shared by the CLI and server.
//
// Keys (all optional):
//   "model":       hub id or folder of the NLI model used for tagging; absent = lexical engine
//   "threads":     inference threads (0 = ONNX Runtime's choice)
//   "reflections": {"enabled": bool, "feelings": [labels]}  (src/reflect)
//   "safety":      {"resources": "text shown with the safety message"}  (src/reflect)
// Unknown keys are kept as they are. Writes replace the file atomically.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace empathic {

class Config {
  public:
    /// Reads home()/config.json; a missing file is an empty config. A malformed file throws
    /// Error(InvalidInput) naming the file.
    static Config load();

    /// The value at `key`, or `fallback` when absent.
    nlohmann::json get(const std::string& key, nlohmann::json fallback = nullptr) const;
    void set(const std::string& key, nlohmann::json value);
    void erase(const std::string& key);

    /// Writes home()/config.json atomically (temporary file, fsync, rename).
    void save() const;

  private:
    nlohmann::json values_ = nlohmann::json::object();
};

}  // namespace empathic
