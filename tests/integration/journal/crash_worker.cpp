// The crash test's worker and verifier (driven by crash_test.py).
//
//   crash_worker run FOLDER LOG     adds, edits, tags and imports entries in a loop until killed;
//                                   each operation is logged as "try ..." before it starts and
//                                   "ok ..." once it returned (the journal acknowledged it)
//   crash_worker verify FOLDER LOG  checks the journal against the log: integrity ok, every
//                                   acknowledged entry present with its text, every score
//                                   computed for the entry's current text
//
// The engine is a fake whose score is a function of (text, label), so the verifier can recompute
// every stored score and prove it belongs to the text it sits on.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "journal/journal.h"

using namespace empathic;

namespace {

double fake_score(const std::string& text, const std::string& label) {
    std::uint64_t h = 1469598103934665603ull;
    for (char c : text + "\x1f" + label) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return static_cast<double>(h % 1000) / 1000.0;
}

class HashEngine : public Engine {
  public:
    Classification classify(const ClassifyRequest& request) override {
        Classification c;
        c.sequence = request.text;
        c.engine = "lexical";
        c.model = "crash-test";
        for (const auto& label : request.labels) {
            c.labels.push_back(label);
            c.scores.push_back(fake_score(request.text, label));
            c.evidence.push_back({0, request.text.size()});
        }
        return c;
    }
    std::string kind() const override { return "lexical"; }
    std::string model_id() const override { return "crash-test"; }
};

std::unique_ptr<Journal> open(const std::string& folder) {
    Journal::Options options;
    options.folder = folder;
    auto engine = std::make_shared<HashEngine>();
    options.engines = [engine](const std::string&) { return engine; };
    options.default_label_sets =
        std::filesystem::path(EMPATHIC_SOURCE_DIR) / "data/labelsets/default.json";
    return std::make_unique<Journal>(options);
}

// Appends one line to the log and makes it durable before going on.
void log_line(int fd, const std::string& line) {
    std::string text = line + "\n";
    if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) std::abort();
    ::fsync(fd);
}

int run(const std::string& folder, const std::string& log_path) {
    auto journal = open(folder);
    int fd = ::open(log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0600);
    std::mt19937 rng(static_cast<unsigned>(::getpid()));
    std::vector<std::int64_t> ids;
    for (std::int64_t i = 0;; ++i) {
        std::string tag = std::to_string(::getpid()) + "x" + std::to_string(i);
        int what = static_cast<int>(rng() % 20);
        if (what < 12 || ids.empty()) {
            std::string body = "entry w" + tag + " felt calm then anxious ☕";
            log_line(fd, "try add " + body);
            NewEntry e;
            e.body = body;
            e.tags = {"crash"};
            auto stored = journal->add(e);
            ids.push_back(stored.id);
            log_line(fd, "ok add " + std::to_string(stored.id) + " " + body);
        } else if (what < 15) {
            std::int64_t id = ids[rng() % ids.size()];
            std::string body = "edited w" + tag + " now sad";
            log_line(fd, "try edit " + std::to_string(id) + " " + body);
            EntryUpdate change;
            change.body = body;
            journal->update(id, change);
            log_line(fd, "ok edit " + std::to_string(id) + " " + body);
        } else if (what < 19) {
            journal->tag_pending(5);
        } else {
            // An import of 50 entries (one batch): all or nothing.
            std::string file = folder + "/import-" + tag + ".json";
            nlohmann::json root = {{"entries", nlohmann::json::array()}};
            for (int j = 0; j < 50; ++j) {
                root["entries"].push_back(
                    {{"date", "2024-01-01"},
                     {"time", "10:00"},
                     {"title", ""},
                     {"body", "imported b" + tag + " number " + std::to_string(j)},
                     {"tags", {"@bulk"}}});
            }
            std::ofstream(file) << root.dump();
            log_line(fd, "try import b" + tag);
            journal->import("jrnl", file);
            log_line(fd, "ok import b" + tag);
            std::filesystem::remove(file);
        }
    }
}

int verify(const std::string& folder, const std::string& log_path) {
    auto journal = open(folder);
    int problems = 0;
    auto fail = [&](const std::string& what) {
        std::cerr << "crash test: " << what << "\n";
        ++problems;
    };

    auto report = journal->check();
    if (!report["ok"].get<bool>()) fail("check failed: " + report.dump());

    // Replay the log: which texts each entry may have now.
    std::map<std::int64_t, std::set<std::string>> allowed;  // last acknowledged + later tries
    std::map<std::int64_t, std::string> acknowledged;
    std::set<std::string> imports_done, imports_tried;
    std::ifstream log(log_path);
    std::string line;
    while (std::getline(log, line)) {
        std::istringstream in(line);
        std::string state, op;
        in >> state >> op;
        if (op == "add" && state == "ok") {
            std::int64_t id;
            in >> id;
            std::string body =
                line.substr(std::string("ok add " + std::to_string(id) + " ").size());
            acknowledged[id] = body;
            allowed[id] = {body};
        } else if (op == "edit") {
            std::int64_t id;
            in >> id;
            std::string body = line.substr((state + " edit " + std::to_string(id) + " ").size());
            if (state == "try") {
                allowed[id].insert(body);
            } else {
                acknowledged[id] = body;
                allowed[id] = {body};
            }
        } else if (op == "import") {
            std::string batch;
            in >> batch;
            (state == "ok" ? imports_done : imports_tried).insert(batch);
        }
    }

    // Every acknowledged entry is there with an allowed text.
    for (const auto& [id, body] : acknowledged) {
        try {
            Entry e = journal->get(id);
            if (!allowed[id].count(e.body))
                fail("entry " + std::to_string(id) + " has a lost text");
        } catch (const std::exception& ex) {
            fail("acknowledged entry " + std::to_string(id) + " is missing");
        }
    }

    // Imports: all 50 entries or (for one cut short) none.
    for (const auto& batch : imports_tried) {
        SearchQuery q;
        q.text = batch;
        q.limit = 1;
        auto total = journal->search(q).total;
        bool done = imports_done.count(batch) > 0;
        if (done ? total != 50 : (total != 0 && total != 50)) {
            fail("import " + batch + " has " + std::to_string(total) + " of 50 entries");
        }
    }

    // Every stored score is the one computed for the entry's current text.
    std::int64_t checked = 0;
    for (int offset = 0;; offset += 500) {
        auto entries = journal->list(500, offset);
        if (entries.empty()) break;
        for (const auto& listed : entries) {
            Entry e = journal->get(listed.id);
            for (const auto& run : e.scores) {
                for (const auto& s : run.scores) {
                    ++checked;
                    if (std::abs(s.score - fake_score(e.body, s.label)) > 1e-9) {
                        fail("entry " + std::to_string(e.id) + " has a score of another text");
                    }
                }
            }
        }
    }
    std::cout << "verified: " << acknowledged.size() << " acknowledged entries, "
              << imports_tried.size() << " imports, " << checked << " scores, " << report["entries"]
              << " entries in all\n";
    return problems == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: crash_worker run|verify FOLDER LOG\n";
        return 2;
    }
    std::string mode = argv[1];
    try {
        return mode == "run" ? run(argv[2], argv[3]) : verify(argv[2], argv[3]);
    } catch (const std::exception& e) {
        std::cerr << "crash_worker: " << e.what() << "\n";
        return 1;
    }
}
