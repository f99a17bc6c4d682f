// The packetdrill scripts in scripts/, run through the library by
// pkt_runner.hpp as packetdrill would run them (no packetdrill binary here).
#include <catch2/catch.hpp>

#include "pkt_runner.hpp"

namespace {

void run(const char* name, const char* flags = "", bool check_ts_val = false) {
    drill::Drill d(flags);
    drill::ScriptConfig c;
    c.check_ts_val = check_ts_val;
    drill::PktRunner r(d, c);
    INFO(name);
    try {
        r.run_file(std::string(STRATA_PACKETDRILL_SCRIPTS) + "/" + name);
    } catch (const std::exception& e) {
        FAIL(e.what());
    }
    CHECK(r.lines_run > 10);
}

} // namespace

TEST_CASE("packetdrill script: server-basic.pkt") { run("server-basic.pkt"); }
TEST_CASE("packetdrill script: client-nagle-rst.pkt") {
    run("client-nagle-rst.pkt", "local_ip=192.168.0.1", true);
}
TEST_CASE("packetdrill script: syn-rto.pkt") { run("syn-rto.pkt", "local_ip=192.168.0.1", true); }
TEST_CASE("packetdrill script: delayed-ack.pkt") { run("delayed-ack.pkt"); }

TEST_CASE("packetdrill script: a wrong expectation is caught") {
    // The runner itself must fail when strata does something else: a SYN-ACK
    // expected with window scale 3 instead of strata's (and Linux's) 7.
    const std::string path = std::string(STRATA_PACKETDRILL_SCRIPTS) + "/../wrong-wscale.pkt.in";
    drill::Drill d;
    drill::PktRunner r(d, drill::ScriptConfig{});
    CHECK_THROWS_AS(r.run_file(path), drill::ScriptError);
}
