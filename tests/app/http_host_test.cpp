// serve_http and fetch (app/http/serve.hpp, fetch.hpp) over two simulated
// hosts: the browser GETs files from the web server through the hosts' TCP
// sockets. The expected content is the file put into the FileTree; the
// expected head values follow RFC 9110 as in the session tests.
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/app/http/fetch.hpp>
#include <strata/app/http/serve.hpp>
#include <strata/layer/http.hpp>
#include <strata/layer/tcp.hpp>
#include <strata/sim/network.hpp>
#include <strata/stack/host.hpp>

using namespace strata;
using namespace std::chrono_literals;
using WebHost = stack::Host<Ethernet<IPv4<TCP<HTTP>>>>;

namespace {

stack::HostConfig host_config(const char* name, std::uint8_t n) {
    stack::HostConfig c;
    c.name = name;
    c.mac = MacAddress{2, 0, 0, 0, 0, n};
    c.address = Ipv4Prefix{Ipv4Address{10, 0, 0, n}, 24};
    c.rng = RandomStream::derive(11, name);
    return c;
}

struct Got {
    std::vector<Byte> body;
    std::optional<Result<app::FetchReply>> reply;
};

// A free function, not a lambda: the coroutine frame keeps its parameters,
// while a temporary lambda's captures would die before it resumes.
stack::Task<void> browse(WebHost& h, const char* url, Got& got) {
    got.reply = co_await app::fetch(
        h, url, [&got](Bytes b) { got.body.insert(got.body.end(), b.begin(), b.end()); });
}

} // namespace

TEST_CASE("serve_http and fetch between two simulated hosts", "[app][http][host]") {
    std::mt19937 rng{4242};
    std::vector<Byte> file(300 * 1000);
    for (auto& b : file)
        b = static_cast<Byte>(rng());
    app::FileTree files;
    REQUIRE(files.add("/index.html", "<h1>strata</h1>"));
    REQUIRE(files.add("/dir/file1.bin", file));

    sim::Network net(3);
    auto a = net.add("browser", WebHost(host_config("browser", 1)));
    auto b = net.add("server", WebHost(host_config("server", 2)));
    REQUIRE(
        net.connect({a, PortId{0}}, {b, PortId{0}}, sim::LinkConfig::symmetric(100'000'000, 1ms)));
    WebHost& server = net.node(b);
    WebHost& browser = net.node(a);
    const auto ls = server.socket(stack::SocketKind::tcp, "httpd");
    REQUIRE(ls.ok());
    REQUIRE(server.bind(*ls, {Ipv4Address{}, Port{80}}).ok());
    REQUIRE(server.listen(*ls, 16).ok());
    server.spawn(app::serve_http(server, *ls, files));

    Got big, index, missing;
    browser.spawn(browse(browser, "http://10.0.0.2/dir/file1.bin", big));
    browser.spawn(browse(browser, "http://10.0.0.2/", index));
    browser.spawn(browse(browser, "http://10.0.0.2/missing.html", missing));
    net.run_until(net.now() + 5s);

    REQUIRE(big.reply.has_value());
    REQUIRE(*big.reply);
    CHECK((*big.reply)->status == http::Status::ok);
    CHECK((*big.reply)->content_length == file.size());
    CHECK((*big.reply)->content_type == "application/octet-stream");
    CHECK(big.body == file);

    REQUIRE(index.reply.has_value());
    REQUIRE(*index.reply);
    CHECK((*index.reply)->content_type == "text/html");
    CHECK(std::string(index.body.begin(), index.body.end()) == "<h1>strata</h1>");

    REQUIRE(missing.reply.has_value());
    REQUIRE(*missing.reply);
    CHECK((*missing.reply)->status == http::Status::not_found);
    CHECK(std::string(missing.body.begin(), missing.body.end()) == "Not Found\n");

    // Every fetch and every connection coroutine finished; only the
    // accepting loop still waits.
    CHECK(browser.tasks() == 0);
    CHECK(server.tasks() == 1);
}

TEST_CASE("fetch reports connection errors as values", "[app][http][host]") {
    sim::Network net(5);
    auto a = net.add("browser", WebHost(host_config("browser", 1)));
    auto b = net.add("server", WebHost(host_config("server", 2)));
    REQUIRE(
        net.connect({a, PortId{0}}, {b, PortId{0}}, sim::LinkConfig::symmetric(100'000'000, 1ms)));
    WebHost& browser = net.node(a);
    Got refused, named;
    // Nothing listens on 10.0.0.2:80: the server host answers RST (RFC 9293 §3.10.7.1).
    browser.spawn(browse(browser, "http://10.0.0.2/", refused));
    browser.spawn(browse(browser, "http://www.lab.example/", named)); // no DNS yet
    net.run_until(net.now() + 2s);
    REQUIRE(refused.reply.has_value());
    REQUIRE_FALSE(*refused.reply);
    CHECK(refused.reply->error().field == "ECONNREFUSED");
    REQUIRE(named.reply.has_value());
    REQUIRE_FALSE(*named.reply);
    CHECK(named.reply->error().code == Errc::unsupported);
}
