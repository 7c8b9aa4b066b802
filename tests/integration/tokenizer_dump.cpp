// Prints Empathic's encodings as JSON, for the parity check against transformers.js
// (tests/node/tokenizer_parity.mjs). Reads from stdin:
//   {"folder": "<tokenizer folder>", "cases": [{"text": "...", "pair": "..."?,
//    "plain": true?, "max_length": 0?}, ...]}
// and writes [{"ids": [...], "type_ids": [...], "attention_mask": [...]} | {"error": "..."}].
// "plain" asks for the ids without special tokens (Tokenizer::tokenize).
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "nlp/tokenizer.h"

int main() {
    using nlohmann::json;
    try {
        std::string input((std::istreambuf_iterator<char>(std::cin)), {});
        json request = json::parse(input);
        std::filesystem::path folder = request.at("folder").get<std::string>();
        auto tokenizer =
            empathic::Tokenizer::load(folder / "tokenizer.json", folder / "tokenizer_config.json");
        json out = json::array();
        for (const auto& c : request.at("cases")) {
            try {
                std::string text = c.at("text").get<std::string>();
                if (c.value("plain", false)) {
                    out.push_back({{"ids", tokenizer->tokenize(text)}});
                    continue;
                }
                empathic::Encoding e =
                    c.contains("pair")
                        ? tokenizer->encode_pair(text, c["pair"].get<std::string>(),
                                                 c.value("max_length", std::size_t{0}))
                        : tokenizer->encode(text);
                out.push_back({{"ids", e.ids},
                               {"type_ids", e.type_ids},
                               {"attention_mask", e.attention_mask}});
            } catch (const empathic::Error& e) {
                out.push_back({{"error", e.what()}});
            }
        }
        std::cout << out.dump() << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "tokenizer_dump: " << e.what() << "\n";
        return 1;
    }
}
