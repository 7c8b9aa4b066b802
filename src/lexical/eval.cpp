#include "lexical/eval.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

#include "core/error.h"
#include "core/fs_util.h"
#include "core/log.h"
#include "lexical/lexical_engine.h"

namespace empathic::eval {
namespace fs = std::filesystem;
namespace {

// XED's ids: 1 anger, 2 anticipation, 3 disgust, 4 fear, 5 joy, 6 sadness, 7 surprise, 8 trust.
const std::vector<std::string> kXedIds = {"anger", "anticipation", "disgust",  "fear",
                                          "joy",   "sadness",      "surprise", "trust"};

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find(separator, start);
        if (end == std::string_view::npos) end = text.size();
        out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\r')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.remove_suffix(1);
    return text;
}

std::vector<int> parse_ids(std::string_view field, int base, std::size_t count,
                           const fs::path& file, std::size_t line) {
    std::vector<int> ids;
    for (auto part : split(field, ',')) {
        part = trim(part);
        if (part.empty()) continue;
        int id = -1;
        try {
            id = std::stoi(std::string(part)) - base;
        } catch (const std::exception&) {
        }
        if (id < 0 || id >= static_cast<int>(count)) {
            throw Error(ErrorCode::InvalidInput, file.string() + " line " + std::to_string(line) +
                                                     ": label id '" + std::string(part) +
                                                     "' is not in the label list");
        }
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
    return ids;
}

/// Keeps `limit` rows spread evenly over the file (files may be sorted by label); 0 keeps all.
void keep_spread(Dataset& data, std::size_t limit) {
    auto rows = data.texts.size();
    if (limit == 0 || limit >= rows) return;
    std::vector<std::string> texts;
    std::vector<std::vector<int>> gold;
    for (std::size_t i = 0; i < limit; ++i) {
        auto row = i * rows / limit;
        texts.push_back(std::move(data.texts[row]));
        gold.push_back(std::move(data.gold[row]));
    }
    data.texts = std::move(texts);
    data.gold = std::move(gold);
}

/// F1 from counts; 0 when there is nothing to count.
double f1_of(double tp, double fp, double fn) {
    double denominator = 2 * tp + fp + fn;
    return denominator > 0 ? 2 * tp / denominator : 0.0;
}

struct Counts {
    double tp = 0, fp = 0, fn = 0;
};

/// The threshold with the best F1 of `label` on `rows`; +infinity when no positive score helps.
double choose_threshold(const ScoreTable& table, const Dataset& data,
                        const std::vector<std::size_t>& rows, std::size_t label,
                        const std::vector<std::vector<bool>>& is_gold) {
    std::vector<std::pair<double, bool>> scored;
    double positives = 0;
    for (auto row : rows) {
        bool gold = is_gold[row][label];
        positives += gold;
        double score = table.scores[row][label];
        if (score > 0.0) scored.push_back({score, gold});
    }
    std::sort(scored.begin(), scored.end(), [](auto& a, auto& b) { return a.first > b.first; });

    double best_f1 = 0.0;
    double best = std::numeric_limits<double>::infinity();
    double tp = 0, fp = 0;
    for (std::size_t i = 0; i < scored.size(); ++i) {
        (scored[i].second ? tp : fp) += 1;
        if (i + 1 < scored.size() && scored[i + 1].first == scored[i].first) continue;
        double f1 = f1_of(tp, fp, positives - tp);
        if (f1 > best_f1) {
            best_f1 = f1;
            best = scored[i].first;
        }
    }
    return best;
}

std::string pad(std::string text, std::size_t width) {
    if (text.size() < width) text += std::string(width - text.size(), ' ');
    return text;
}

std::string number(double value, int decimals = 3) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

}  // namespace

Dataset load_goemotions(const fs::path& dir, std::size_t limit) {
    Dataset data;
    data.name = "goemotions";
    auto labels_text = read_file(dir / "labels.txt");
    for (auto line : split(labels_text, '\n')) {
        line = trim(line);
        if (!line.empty()) data.labels.emplace_back(line);
    }
    for (auto& label : data.labels) data.is_emotion.push_back(label != "neutral");

    auto rows = read_file(dir / "dev.tsv");
    std::size_t number = 0;
    for (auto line : split(rows, '\n')) {
        ++number;
        if (trim(line).empty()) continue;
        auto fields = split(line, '\t');
        if (fields.size() < 2) {
            throw Error(ErrorCode::InvalidInput, (dir / "dev.tsv").string() + " line " +
                                                     std::to_string(number) +
                                                     ": expected text<TAB>label ids");
        }
        data.texts.emplace_back(fields[0]);
        data.gold.push_back(parse_ids(fields[1], 0, data.labels.size(), dir / "dev.tsv", number));
    }
    keep_spread(data, limit);
    return data;
}

Dataset load_xed(const fs::path& file, std::string name, bool english, std::size_t limit) {
    Dataset data;
    data.name = std::move(name);
    data.english = english;
    data.labels = kXedIds;
    data.is_emotion.assign(data.labels.size(), true);

    auto rows = read_file(file);
    std::size_t number = 0;
    for (auto line : split(rows, '\n')) {
        ++number;
        if (trim(line).empty()) continue;
        auto tab = line.rfind('\t');
        if (tab == std::string_view::npos) {
            throw Error(ErrorCode::InvalidInput, file.string() + " line " + std::to_string(number) +
                                                     ": expected text<TAB>label ids");
        }
        auto text = trim(line.substr(0, tab));
        if (text.empty()) continue;
        data.texts.emplace_back(text);
        data.gold.push_back(parse_ids(line.substr(tab + 1), 1, data.labels.size(), file, number));
    }
    keep_spread(data, limit);
    return data;
}

ScoreTable score_dataset(Engine& engine, const Dataset& data,
                         const std::string& hypothesis_template) {
    auto started = std::chrono::steady_clock::now();
    ScoreTable table;
    table.engine = engine.kind();
    table.model = engine.model_id();
    for (std::size_t row = 0; row < data.texts.size(); ++row) {
        std::vector<double> scores(data.labels.size(), 0.0);
        bool understood = false;
        try {
            ClassifyRequest request;
            request.text = data.texts[row];
            request.labels = data.labels;
            request.hypothesis_template = hypothesis_template;
            std::vector<std::string> warnings;
            auto result = engine.classify(normalize_request(std::move(request), warnings));
            understood = result.understood;
            for (std::size_t i = 0; i < result.labels.size(); ++i) {
                auto it = std::find(data.labels.begin(), data.labels.end(), result.labels[i]);
                if (it != data.labels.end()) scores[it - data.labels.begin()] = result.scores[i];
            }
        } catch (const Error& e) {
            // A row the engine refuses (blank, invalid UTF-8) is scored 0 and not understood.
            if (e.code() != ErrorCode::InvalidInput) throw;
        }
        table.scores.push_back(std::move(scores));
        table.understood.push_back(understood);
    }
    table.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EMP_LOG_INFO("eval", "{} scored {} rows of {} in {:.1f} s", table.model, data.texts.size(),
                 data.name, table.seconds);
    return table;
}

EngineFigures evaluate(const Dataset& data, const ScoreTable& table, const SplitOptions& options) {
    EngineFigures figures;
    figures.engine = table.engine;
    figures.model = table.model;
    figures.seconds = table.seconds;
    auto rows = data.texts.size();
    auto labels = data.labels.size();
    figures.rows = rows;
    if (rows == 0) return figures;
    figures.understood =
        static_cast<double>(std::count(table.understood.begin(), table.understood.end(), true)) /
        static_cast<double>(rows);

    std::vector<std::vector<bool>> is_gold(rows, std::vector<bool>(labels, false));
    std::vector<std::size_t> support(labels, 0);
    for (std::size_t r = 0; r < rows; ++r) {
        for (int l : data.gold[r]) {
            is_gold[r][l] = true;
            ++support[l];
        }
    }

    // Held-out figures of each split.
    std::vector<double> macro_per_split;
    std::vector<double> micro_per_split;
    std::vector<double> precision(labels, 0.0), recall(labels, 0.0), f1(labels, 0.0);
    std::vector<double> threshold_sum(labels, 0.0);
    std::vector<int> threshold_count(labels, 0);
    int splits = std::max(1, options.splits);
    for (int s = 0; s < splits; ++s) {
        std::vector<std::size_t> order(rows);
        std::iota(order.begin(), order.end(), 0);
        std::mt19937_64 rng(options.seed + static_cast<std::uint64_t>(s));
        std::shuffle(order.begin(), order.end(), rng);
        std::vector<std::size_t> tune(order.begin(), order.begin() + rows / 2);
        std::vector<std::size_t> test(order.begin() + rows / 2, order.end());

        Counts micro;
        double macro = 0.0;
        int emotions = 0;
        for (std::size_t l = 0; l < labels; ++l) {
            double threshold = choose_threshold(table, data, tune, l, is_gold);
            if (std::isfinite(threshold)) {
                threshold_sum[l] += threshold;
                ++threshold_count[l];
            }
            Counts c;
            for (auto r : test) {
                double score = table.scores[r][l];
                bool predicted = score > 0.0 && score >= threshold;
                bool gold = is_gold[r][l];
                if (predicted && gold) c.tp += 1;
                if (predicted && !gold) c.fp += 1;
                if (!predicted && gold) c.fn += 1;
            }
            precision[l] += c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0.0;
            recall[l] += c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0.0;
            double label_f1 = f1_of(c.tp, c.fp, c.fn);
            f1[l] += label_f1;
            if (!data.is_emotion[l]) continue;
            macro += label_f1;
            ++emotions;
            micro.tp += c.tp;
            micro.fp += c.fp;
            micro.fn += c.fn;
        }
        macro_per_split.push_back(emotions ? macro / emotions : 0.0);
        micro_per_split.push_back(f1_of(micro.tp, micro.fp, micro.fn));
    }

    auto mean = [](const std::vector<double>& v) {
        return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / v.size();
    };
    figures.macro_f1 = mean(macro_per_split);
    figures.micro_f1 = mean(micro_per_split);
    double variance = 0.0;
    for (double m : macro_per_split) variance += (m - figures.macro_f1) * (m - figures.macro_f1);
    figures.macro_f1_sd = std::sqrt(variance / macro_per_split.size());
    for (std::size_t l = 0; l < labels; ++l) {
        LabelFigures label;
        label.label = data.labels[l];
        label.support = support[l];
        label.precision = precision[l] / splits;
        label.recall = recall[l] / splits;
        label.f1 = f1[l] / splits;
        label.threshold = threshold_count[l] ? threshold_sum[l] / threshold_count[l] : 0.0;
        figures.labels.push_back(label);
    }

    // Top-1 on rows with exactly one emotion (and nothing else).
    std::size_t hits = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        if (data.gold[r].size() != 1 || !data.is_emotion[data.gold[r][0]]) continue;
        ++figures.top1_rows;
        std::size_t best = labels;
        double best_score = 0.0;
        for (std::size_t l = 0; l < labels; ++l) {
            if (data.is_emotion[l] && table.scores[r][l] > best_score) {
                best_score = table.scores[r][l];
                best = l;
            }
        }
        if (best == static_cast<std::size_t>(data.gold[r][0])) ++hits;
    }
    figures.top1_accuracy = figures.top1_rows
                                ? static_cast<double>(hits) / static_cast<double>(figures.top1_rows)
                                : 0.0;
    return figures;
}

std::string format_table(const Dataset& data, const std::vector<EngineFigures>& engines) {
    std::string out = data.name + ": " + std::to_string(data.texts.size()) + " rows, " +
                      std::to_string(data.labels.size()) + " labels\n";
    out += pad("engine", 28) + pad("macro-F1", 16) + pad("micro-F1", 10) + pad("top-1", 14) +
           pad("understood", 12) + "seconds\n";
    for (const auto& e : engines) {
        out += pad(e.model, 28) + pad(number(e.macro_f1) + " ±" + number(e.macro_f1_sd), 17) +
               pad(number(e.micro_f1), 10) +
               pad(number(e.top1_accuracy) + " (" + std::to_string(e.top1_rows) + ")", 14) +
               pad(number(e.understood, 2), 12) + number(e.seconds, 1) + "\n";
    }
    if (engines.empty()) return out;

    out += "\n" + pad("label", 16) + pad("rows", 6);
    for (const auto& e : engines) out += pad(e.model.substr(0, 22), 24);
    out += "\n" + pad("", 22);
    for (std::size_t i = 0; i < engines.size(); ++i) out += pad("P     R     F1", 24);
    out += "\n";
    for (std::size_t l = 0; l < data.labels.size(); ++l) {
        out += pad(data.labels[l] + (data.is_emotion[l] ? "" : "*"), 16) +
               pad(std::to_string(engines[0].labels[l].support), 6);
        for (const auto& e : engines) {
            const auto& f = e.labels[l];
            out += pad(number(f.precision, 2) + "  " + number(f.recall, 2) + "  " + number(f.f1, 2),
                       24);
        }
        out += "\n";
    }
    bool any_other =
        std::find(data.is_emotion.begin(), data.is_emotion.end(), false) != data.is_emotion.end();
    if (any_other) out += "* not an emotion: not counted in macro- or micro-F1\n";
    return out;
}

nlohmann::json to_json(const Dataset& data, const std::vector<EngineFigures>& engines) {
    nlohmann::json out;
    out["dataset"] = data.name;
    out["rows"] = data.texts.size();
    out["labels"] = data.labels;
    out["engines"] = nlohmann::json::array();
    for (const auto& e : engines) {
        nlohmann::json engine = {
            {"engine", e.engine},       {"model", e.model},
            {"macro_f1", e.macro_f1},   {"macro_f1_sd", e.macro_f1_sd},
            {"micro_f1", e.micro_f1},   {"top1_accuracy", e.top1_accuracy},
            {"top1_rows", e.top1_rows}, {"understood", e.understood},
            {"seconds", e.seconds},     {"per_label", nlohmann::json::array()},
        };
        for (const auto& l : e.labels) {
            engine["per_label"].push_back({{"label", l.label},
                                           {"support", l.support},
                                           {"precision", l.precision},
                                           {"recall", l.recall},
                                           {"f1", l.f1},
                                           {"threshold", l.threshold}});
        }
        out["engines"].push_back(std::move(engine));
    }
    return out;
}

fs::path default_data_dir() {
    if (const char* env = std::getenv("EMPATHIC_EVAL_DATA"); env && *env) return env;
    return fs::weakly_canonical(fs::path(EMPATHIC_EVAL_DATA_DEFAULT));
}

std::vector<std::unique_ptr<Engine>> lexical_report_engines() {
    std::vector<std::unique_ptr<Engine>> engines;
    LexicalOptions options;
    options.expansion = LexicalOptions::Expansion::LabelWord;
    options.seeds = false;
    engines.push_back(make_lexical_engine(options));
    options.expansion = LexicalOptions::Expansion::WordNet;
    engines.push_back(make_lexical_engine(options));
    options.seeds = true;
    engines.push_back(make_lexical_engine(options));
    return engines;
}

}  // namespace empathic::eval
