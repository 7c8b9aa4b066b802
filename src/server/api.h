// A thin layer over cpp-httplib that every route of the JSON API goes through.
//
// Each route is registered with a readable pattern ("/api/entries/{id}"); the same pattern is
// what the request log shows, and it is turned into the regular expression httplib matches.
// `{name}` matches one path segment, `{name...}` the rest of the path (hub ids contain '/').
// Handlers parse nothing themselves and pick no statuses: they read an ApiRequest, call the
// core API, and return JSON (and 201 for a creation); whatever they throw is mapped in
// errors.cpp.
#pragma once

#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace empathic::server {

/// What a handler sees of a request.
struct ApiRequest {
    const httplib::Request& http;
    /// Named path parameters in pattern order ({id} -> params[0]).
    std::vector<std::string> params;
    /// The parsed JSON body (an object), or an empty object when the request had no body.
    nlohmann::json body = nlohmann::json::object();

    /// The query parameter `name`, or nullopt when absent.
    std::optional<std::string> query(const std::string& name) const;
    /// The path parameter at `index` read as a positive integer id; throws InvalidInput.
    long long id_param(std::size_t index = 0) const;
};

/// What a handler answers: 200 unless it says otherwise (201 after creating something).
struct ApiResponse {
    nlohmann::json body;
    int status = 200;
};

using ApiHandler = std::function<ApiResponse(const ApiRequest&)>;

/// Registers JSON routes on an httplib::Server.
class Api {
  public:
    explicit Api(httplib::Server& http) : http_(http) {}

    void get(const std::string& pattern, ApiHandler handler);
    void post(const std::string& pattern, ApiHandler handler);
    void put(const std::string& pattern, ApiHandler handler);
    void patch(const std::string& pattern, ApiHandler handler);
    void del(const std::string& pattern, ApiHandler handler);

    /// Every registered "METHOD pattern", in registration order (for tests and the index).
    const std::vector<std::string>& routes() const { return routes_; }

    /// The methods some route answers at `path` ("GET, PATCH"), or "" when no route matches:
    /// a known path asked with another method is 405 with this as its Allow header, not 404.
    std::string allowed_methods(const std::string& path) const;

  private:
    struct Route {
        std::string method;
        std::regex regex;
    };
    httplib::Server::Handler wrap(const std::string& method, const std::string& pattern,
                                  ApiHandler handler, bool reads_body);

    httplib::Server& http_;
    std::vector<std::string> routes_;
    std::vector<Route> matchers_;
};

/// Turns "/api/entries/{id}" into the regular expression httplib matches.
std::string pattern_to_regex(const std::string& pattern);

/// Route pattern of the request this thread is handling ("-" until an API route runs), for the
/// request log.
const std::string& current_route();
void set_current_route(std::string route);

/// Writes a JSON body with the right content type.
void send_json(httplib::Response& res, int status, const nlohmann::json& body);

/// Reads a field that may be a JSON list of strings or one comma-separated string (as the
/// Hugging Face API accepts candidate labels); throws InvalidInput naming `field`.
std::vector<std::string> string_list(const nlohmann::json& value, const std::string& field);

/// Reads an optional field of the expected type, or returns `fallback` when absent or null;
/// throws InvalidInput naming the field when it has the wrong type.
std::string opt_string(const nlohmann::json& body, const std::string& field,
                       const std::string& fallback = "");
bool opt_bool(const nlohmann::json& body, const std::string& field, bool fallback);
double opt_number(const nlohmann::json& body, const std::string& field, double fallback);
/// Reads a required string field; throws InvalidInput when it is missing or not text.
std::string req_string(const nlohmann::json& body, const std::string& field);

}  // namespace empathic::server
