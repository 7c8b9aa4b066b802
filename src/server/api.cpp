#include "server/api.h"

#include <charconv>

#include "core/error.h"
#include "nlp/engine.h"
#include "server/errors.h"

namespace empathic::server {
namespace {

thread_local std::string t_route = "-";

std::string type_name(const nlohmann::json& value) {
    if (value.is_string()) return "text";
    if (value.is_boolean()) return "true or false";
    if (value.is_number()) return "a number";
    if (value.is_array()) return "a list";
    if (value.is_object()) return "an object";
    return "null";
}

Error wrong_type(const std::string& field, const char* expected, const nlohmann::json& value) {
    return Error(ErrorCode::InvalidInput,
                 "'" + field + "' must be " + expected + ", not " + type_name(value));
}

/// Parses the body of a request that carries one; an empty body is an empty object.
nlohmann::json parse_body(const httplib::Request& req) {
    if (req.body.empty()) return nlohmann::json::object();

    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) {
        throw Error(ErrorCode::InvalidInput,
                    "the request body is not valid JSON; send a JSON object with "
                    "Content-Type: application/json");
    }
    if (!body.is_object()) {
        throw Error(ErrorCode::InvalidInput, "the request body must be a JSON object");
    }
    return body;
}

}  // namespace

std::optional<std::string> ApiRequest::query(const std::string& name) const {
    if (!http.has_param(name.c_str())) return std::nullopt;
    return http.get_param_value(name.c_str());
}

long long ApiRequest::id_param(std::size_t index) const {
    const std::string& text = params.at(index);
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value <= 0) {
        throw Error(ErrorCode::InvalidInput, "'" + text +
                                                 "' is not an id; ids are positive "
                                                 "whole numbers");
    }
    return value;
}

std::string pattern_to_regex(const std::string& pattern) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '{') {
            if (std::string_view(".+*?()[]^$|\\").find(pattern[i]) != std::string_view::npos) {
                out += '\\';
            }
            out += pattern[i];
            continue;
        }
        std::size_t close = pattern.find('}', i);
        std::string_view name(pattern.data() + i + 1, close - i - 1);
        out += name.ends_with("...") ? "(.+)" : "([^/]+)";
        i = close;
    }
    return out;
}

const std::string& current_route() {
    return t_route;
}

void set_current_route(std::string route) {
    t_route = std::move(route);
}

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    "application/json; charset=utf-8");
}

httplib::Server::Handler Api::wrap(const std::string& method, const std::string& pattern,
                                   ApiHandler handler, bool reads_body) {
    routes_.push_back(method + " " + pattern);
    matchers_.push_back({method, std::regex(pattern_to_regex(pattern))});
    return [method, pattern, handler = std::move(handler), reads_body](const httplib::Request& req,
                                                                       httplib::Response& res) {
        set_current_route(pattern);
        try {
            ApiRequest request{req, {}, nlohmann::json::object()};
            for (std::size_t i = 1; i < req.matches.size(); ++i) {
                request.params.push_back(req.matches[i].str());
            }
            if (reads_body) request.body = parse_body(req);

            ApiResponse response = handler(request);
            send_json(res, response.status, response.body);
        } catch (...) {
            HttpError error = error_from_exception(std::current_exception());
            send_json(res, error.status, error.body);
        }
    };
}

std::string Api::allowed_methods(const std::string& path) const {
    std::string allowed;
    for (const Route& route : matchers_) {
        if (!std::regex_match(path, route.regex)) continue;
        if (allowed.find(route.method) != std::string::npos) continue;
        if (!allowed.empty()) allowed += ", ";
        allowed += route.method;
    }
    return allowed;
}

void Api::get(const std::string& pattern, ApiHandler handler) {
    http_.Get(pattern_to_regex(pattern), wrap("GET", pattern, std::move(handler), false));
}

void Api::post(const std::string& pattern, ApiHandler handler) {
    http_.Post(pattern_to_regex(pattern), wrap("POST", pattern, std::move(handler), true));
}

void Api::put(const std::string& pattern, ApiHandler handler) {
    http_.Put(pattern_to_regex(pattern), wrap("PUT", pattern, std::move(handler), true));
}

void Api::patch(const std::string& pattern, ApiHandler handler) {
    http_.Patch(pattern_to_regex(pattern), wrap("PATCH", pattern, std::move(handler), true));
}

void Api::del(const std::string& pattern, ApiHandler handler) {
    http_.Delete(pattern_to_regex(pattern), wrap("DELETE", pattern, std::move(handler), false));
}

std::vector<std::string> string_list(const nlohmann::json& value, const std::string& field) {
    if (value.is_string()) return split_labels(value.get<std::string>());
    if (!value.is_array()) throw wrong_type(field, "a list of text or comma-separated text", value);

    std::vector<std::string> out;
    for (const auto& item : value) {
        if (!item.is_string()) throw wrong_type(field + "[]", "text", item);
        out.push_back(item.get<std::string>());
    }
    return out;
}

std::string opt_string(const nlohmann::json& body, const std::string& field,
                       const std::string& fallback) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return fallback;
    if (!it->is_string()) throw wrong_type(field, "text", *it);
    return it->get<std::string>();
}

bool opt_bool(const nlohmann::json& body, const std::string& field, bool fallback) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return fallback;
    if (!it->is_boolean()) throw wrong_type(field, "true or false", *it);
    return it->get<bool>();
}

double opt_number(const nlohmann::json& body, const std::string& field, double fallback) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return fallback;
    if (!it->is_number()) throw wrong_type(field, "a number", *it);
    return it->get<double>();
}

std::string req_string(const nlohmann::json& body, const std::string& field) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) {
        throw Error(ErrorCode::InvalidInput, "'" + field + "' is required");
    }
    if (!it->is_string()) throw wrong_type(field, "text", *it);
    return it->get<std::string>();
}

}  // namespace empathic::server
