// The route groups of the JSON API. Each group registers its routes on an Api; the server
// (server.cpp) only wires the groups together. docs/openapi.yaml documents every route.
#pragma once

#include "server/api.h"

namespace empathic::server {

class TaggingQueue;

/// POST /api/classify (the playground) and POST /models/{model-id} (shaped like the Hugging
/// Face inference API for zero-shot classification); GET /api/engine and GET /api/models.
void add_classify_routes(Api& api);

/// Entries (CRUD, restore), tags, search, analytics and reflections. New and edited entries
/// are handed to `queue` for tagging after the response is sent.
void add_journal_routes(Api& api, TaggingQueue& queue);

/// Label sets: list, read, create, update, delete, activate.
void add_labelset_routes(Api& api, TaggingQueue& queue);

}  // namespace empathic::server
