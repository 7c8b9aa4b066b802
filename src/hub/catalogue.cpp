#include "hub/catalogue.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/fs_util.h"
#include "core/paths.h"
#include "core/utf8.h"

namespace empathic::hub {

double CatalogueEntry::size_mb(const std::string& variant) const {
    auto it = variants.find(variant);
    return it == variants.end() ? 0 : it->second.size_mb;
}

const CatalogueEntry& Catalogue::default_entry() const {
    for (const auto& entry : models) {
        if (entry.is_default) return entry;
    }
    throw Error(ErrorCode::Internal, "the model catalogue names no default model");
}

const CatalogueEntry* Catalogue::find(const std::string& id) const {
    auto wanted = utf8::lower(id);
    for (const auto& entry : models) {
        if (utf8::lower(entry.id) == wanted) return &entry;
    }
    return nullptr;
}

Catalogue parse_catalogue(const std::string& json_text, const std::string& origin) {
    Catalogue catalogue;
    try {
        auto root = nlohmann::json::parse(json_text);
        std::string default_id = root.at("default").get<std::string>();
        for (const auto& item : root.at("models")) {
            CatalogueEntry entry;
            entry.id = item.at("id").get<std::string>();
            entry.role = item.value("role", "");
            entry.title = item.value("title", entry.id);
            entry.source = item.value("source", "");
            entry.architecture = item.value("architecture", "");
            entry.languages = item.value("languages", std::vector<std::string>{});
            entry.license = item.value("license", "");
            entry.description = item.value("description", "");
            entry.default_variant = item.value("default_variant", "quantized");
            for (const auto& [name, variant] : item.at("variants").items()) {
                entry.variants[name] = CatalogueVariant{variant.at("file").get<std::string>(),
                                                        variant.value("size_mb", 0.0)};
            }
            entry.is_default = entry.id == default_id;
            catalogue.models.push_back(std::move(entry));
        }
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorCode::Internal,
                    "the model catalogue " + origin + " is malformed: " + e.what());
    }
    catalogue.default_entry();  // a catalogue must name one of its models as the default
    return catalogue;
}

Catalogue load_catalogue() {
    auto path = paths::data_dir() / "models" / "catalogue.json";
    return parse_catalogue(read_file(path), path.string());
}

}  // namespace empathic::hub
