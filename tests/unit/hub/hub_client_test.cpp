// Specifications of the hub protocol helpers (src/hub/hub_client.h): environment variables,
// URLs, ETags, and which message each hub answer becomes.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>

#include "hub/hub_client.h"

namespace empathic::hub {
namespace {

// Sets or clears an environment variable for one test and restores it afterwards.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) {
            ::setenv(name, value, 1);
        } else {
            ::unsetenv(name);
        }
    }
    ~ScopedEnv() {
        if (old_) {
            ::setenv(name_, old_->c_str(), 1);
        } else {
            ::unsetenv(name_);
        }
    }

  private:
    const char* name_;
    std::optional<std::string> old_;
};

// Boolean variables read like the hub's own tools read them.
TEST(HubSettings, FlagsAcceptTheUsualSpellingsOfTrue) {
    for (const char* yes : {"1", "true", "TRUE", "yes", "On", " 1 "}) {
        EXPECT_TRUE(env_flag_is_true(yes)) << yes;
    }
    for (const char* no : {"", "0", "false", "no", "off", "2"}) {
        EXPECT_FALSE(env_flag_is_true(no)) << no;
    }
}

// Without HF_ENDPOINT the documented default is used; with it, its trailing slash is dropped.
TEST(HubSettings, EndpointComesFromHfEndpoint) {
    {
        ScopedEnv endpoint("HF_ENDPOINT", nullptr);
        EXPECT_EQ(HubSettings::from_environment().endpoint, kDefaultEndpoint);
    }
    ScopedEnv endpoint("HF_ENDPOINT", "http://127.0.0.1:9999/");
    EXPECT_EQ(HubSettings::from_environment().endpoint, "http://127.0.0.1:9999");
}

// HF_TOKEN and HF_HUB_OFFLINE are read; their absence means no token and online.
TEST(HubSettings, TokenAndOfflineComeFromTheEnvironment) {
    {
        ScopedEnv token("HF_TOKEN", nullptr);
        ScopedEnv offline("HF_HUB_OFFLINE", nullptr);
        auto hub = HubSettings::from_environment();
        EXPECT_TRUE(hub.token.empty());
        EXPECT_FALSE(hub.offline);
    }
    ScopedEnv token("HF_TOKEN", "hf_abc");
    ScopedEnv offline("HF_HUB_OFFLINE", "1");
    auto hub = HubSettings::from_environment();
    EXPECT_EQ(hub.token, "hf_abc");
    EXPECT_TRUE(hub.offline);
}

// Files are fetched from /ORG/NAME/resolve/REV/PATH; a revision with slashes is one segment.
TEST(ResolveUrl, FollowsTheHubLayoutAndEscapesSegments) {
    EXPECT_EQ(resolve_url("http://h", "org/name", "main", "onnx/model.onnx"),
              "http://h/org/name/resolve/main/onnx/model.onnx");
    EXPECT_EQ(resolve_url("http://h", "org/name", "refs/pr/5", "config.json"),
              "http://h/org/name/resolve/refs%2Fpr%2F5/config.json");
    EXPECT_EQ(resolve_url("http://h", "o/n", "main", "a b/c.json"),
              "http://h/o/n/resolve/main/a%20b/c.json");
}

// Origins decide where the token may go: scheme, host and port, with default ports explicit.
TEST(UrlOrigin, ComparesSchemeHostAndPort) {
    EXPECT_EQ(url_origin("https://Example.org/a/b"), "https://example.org:443");
    EXPECT_EQ(url_origin("http://127.0.0.1:8080/x?y"), "http://127.0.0.1:8080");
    EXPECT_EQ(url_origin("http://example.org"), "http://example.org:80");
    EXPECT_NE(url_origin("http://127.0.0.1:8080/"), url_origin("http://127.0.0.1:8081/"));
    EXPECT_EQ(url_origin("http://[::1]/x"), "http://[::1]:80");
    EXPECT_EQ(url_origin("http://[::1]:8080/x"), "http://[::1]:8080");
    EXPECT_EQ(url_origin("http://user@host:1/"), "http://host:1");
    EXPECT_EQ(url_origin("/relative/path"), "");
}

// Redirect targets are made absolute against the URL that was redirected.
TEST(AbsoluteUrl, ResolvesAbsoluteHostRelativeAndPathRelativeLocations) {
    const char* base = "http://127.0.0.1:1/org/name/resolve/main/config.json";
    EXPECT_EQ(absolute_url(base, "http://cdn:2/x"), "http://cdn:2/x");
    EXPECT_EQ(absolute_url(base, "/new/name/resolve/main/config.json"),
              "http://127.0.0.1:1/new/name/resolve/main/config.json");
    EXPECT_EQ(absolute_url(base, "other.json"),
              "http://127.0.0.1:1/org/name/resolve/main/other.json");
    EXPECT_EQ(absolute_url(base, "//cdn:3/y"), "http://cdn:3/y");
}

// ETags lose their quotes and weak prefix, so a published sha256 compares as plain hex.
TEST(StripEtag, RemovesQuotesAndWeakPrefix) {
    EXPECT_EQ(strip_etag("\"abc\""), "abc");
    EXPECT_EQ(strip_etag("W/\"abc\""), "abc");
    EXPECT_EQ(strip_etag(" abc "), "abc");
}

HubSettings settings(std::string token = "") {
    HubSettings hub;
    hub.endpoint = "http://127.0.0.1:1";
    hub.token = std::move(token);
    return hub;
}

// A gated model without a token: the user's to fix, and the message says how (HF_TOKEN).
TEST(HttpError, GatedWithoutTokenAsksForHfToken) {
    auto e = http_error(401, "GatedRepo", "org/name", "main", "config.json", settings());
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
    EXPECT_NE(std::string(e.what()).find("HF_TOKEN"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("gated"), std::string::npos);
}

// With a token that is refused, the message says so and never repeats the token.
TEST(HttpError, RefusedTokenIsReportedWithoutTheToken) {
    auto e = http_error(403, "GatedRepo", "org/name", "main", "config.json", settings("hf_sec"));
    EXPECT_NE(std::string(e.what()).find("refused access"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("hf_sec"), std::string::npos);
}

// An unknown repository is "not found", whether the hub says 404 or 401 RepoNotFound.
TEST(HttpError, UnknownRepositoryIsNotFound) {
    for (long status : {404L, 401L}) {
        auto e = http_error(status, "RepoNotFound", "org/none", "main", "config.json", settings());
        EXPECT_EQ(e.code(), ErrorCode::NotFound);
        EXPECT_NE(std::string(e.what()).find("org/none was not found"), std::string::npos);
    }
}

// An unknown revision and a missing file each get their own explanation.
TEST(HttpError, UnknownRevisionAndMissingFileAreExplained) {
    auto revision = http_error(404, "RevisionNotFound", "o/n", "v9", "config.json", settings());
    EXPECT_NE(std::string(revision.what()).find("no revision 'v9'"), std::string::npos);
    auto file = http_error(404, "EntryNotFound", "o/n", "main", "onnx/model.onnx", settings());
    EXPECT_EQ(file.code(), ErrorCode::NotFound);
    EXPECT_NE(std::string(file.what()).find("has no file onnx/model.onnx"), std::string::npos);
}

// Server trouble is an outside failure (exit status 3), with advice to retry.
TEST(HttpError, ServerErrorsAreUnavailable) {
    auto e = http_error(503, "", "o/n", "main", "config.json", settings());
    EXPECT_EQ(e.code(), ErrorCode::Unavailable);
    EXPECT_NE(std::string(e.what()).find("try again"), std::string::npos);
}

// HF_HUB_OFFLINE stops a request before any network access, as "unreachable".
TEST(HubClient, OfflineSettingRefusesAtOnce) {
    auto hub = settings();
    hub.offline = true;
    HubClient client(hub);
    try {
        client.stat("org/name", "main", "config.json");
        FAIL() << "expected HubUnreachable";
    } catch (const HubUnreachable& e) {
        EXPECT_NE(std::string(e.what()).find("HF_HUB_OFFLINE"), std::string::npos);
    }
}

// A loopback port nothing listens on (bound, then released).
int unused_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

// A refused connection is "unreachable", names the endpoint and suggests `model add`.
TEST(HubClient, RefusedConnectionIsUnreachable) {
    auto hub = settings();
    hub.endpoint = "http://127.0.0.1:" + std::to_string(unused_port());
    HubClient client(hub);
    try {
        client.stat("org/name", "main", "config.json");
        FAIL() << "expected HubUnreachable";
    } catch (const HubUnreachable& e) {
        std::string message = e.what();
        EXPECT_NE(message.find("could not reach " + hub.endpoint), std::string::npos);
        EXPECT_NE(message.find("empathic model add PATH"), std::string::npos);
    }
}

}  // namespace
}  // namespace empathic::hub
