// The catalogue of recommended models, shipped as data in data/models/catalogue.json: which
// ONNX exports of zero-shot NLI models Empathic suggests, their sizes, languages and licences,
// and which one is the default that `empathic model pull` fetches when given no id.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace empathic::hub {

/// One downloadable form of a model: its ONNX file and size.
struct CatalogueVariant {
    std::string file;    // path in the repository, e.g. "onnx/model_quantized.onnx"
    double size_mb = 0;  // as the hub's file listing shows it (10^6 bytes)
};

/// A recommended model.
struct CatalogueEntry {
    std::string id;    // ONNX repository on the hub, "org/name"
    std::string role;  // "fast", "strong", "multilingual", "classic"
    std::string title;
    std::string source;        // the model the ONNX export was made from
    std::string architecture;  // config.json's model_type
    std::vector<std::string> languages;
    std::string license;
    std::string description;
    std::string default_variant = "quantized";
    std::map<std::string, CatalogueVariant> variants;  // "quantized", "full"
    bool is_default = false;

    /// Download size of a variant in MB (the ONNX file; 0 when the variant is unknown).
    double size_mb(const std::string& variant) const;
};

struct Catalogue {
    std::vector<CatalogueEntry> models;

    /// The entry marked as default. Throws Error(Internal) for a catalogue without one.
    const CatalogueEntry& default_entry() const;
    /// The entry for a hub id (case-insensitive), or nullptr.
    const CatalogueEntry* find(const std::string& id) const;
};

/// Parses catalogue JSON; `origin` names it in errors. Throws Error(Internal): a broken
/// catalogue is a defect of the shipped data, not the user's mistake.
Catalogue parse_catalogue(const std::string& json_text, const std::string& origin);

/// Loads paths::data_dir()/models/catalogue.json.
Catalogue load_catalogue();

}  // namespace empathic::hub
