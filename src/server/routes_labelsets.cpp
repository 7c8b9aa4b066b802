// Label sets: the editable word lists that tag entries. Editing or activating the active set
// makes entries pending, so the tagging queue is woken after those changes.
#include "core/error.h"
#include "hub/model_store.h"
#include "journal/journal.h"
#include "server/routes.h"
#include "server/tagging_queue.h"

namespace empathic::server {
namespace {

// A set naming a model that is not installed would leave every entry pending: refuse it when
// the set is saved instead.
LabelSet checked_label_set(const nlohmann::json& body) {
    LabelSet set = label_set_from_json(body);
    if (!set.engine.empty()) hub::check_model_choice(set.engine);
    return set;
}

}  // namespace

void add_labelset_routes(Api& api, TaggingQueue& queue) {
    Journal& journal = queue.journal();

    api.get("/api/label-sets", [&](const ApiRequest&) {
        nlohmann::json sets = nlohmann::json::array();
        for (const LabelSet& set : journal.label_sets()) sets.push_back(to_json(set));
        return ApiResponse{{{"label_sets", sets}}};
    });

    api.get("/api/label-sets/{name}", [&](const ApiRequest& req) {
        return ApiResponse{to_json(journal.label_set(req.params.at(0)))};
    });

    api.post("/api/label-sets", [&](const ApiRequest& req) {
        LabelSet created = journal.create_label_set(checked_label_set(req.body));
        return ApiResponse{to_json(created), 201};
    });

    // A full replacement of the set; a different "name" in the body renames it.
    api.put("/api/label-sets/{name}", [&](const ApiRequest& req) {
        nlohmann::json body = req.body;
        if (!body.contains("name")) body["name"] = req.params.at(0);
        LabelSet updated = journal.update_label_set(req.params.at(0), checked_label_set(body));
        queue.notify();
        return ApiResponse{to_json(updated)};
    });

    api.del("/api/label-sets/{name}", [&](const ApiRequest& req) {
        journal.delete_label_set(req.params.at(0));
        return ApiResponse{{{"name", req.params.at(0)}, {"deleted", true}}};
    });

    api.post("/api/label-sets/{name}/activate", [&](const ApiRequest& req) {
        journal.activate_label_set(req.params.at(0));
        queue.notify();
        return ApiResponse{to_json(journal.label_set(req.params.at(0)))};
    });
}

}  // namespace empathic::server
