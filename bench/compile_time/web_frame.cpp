// The translation unit whose compile time docs/benchmarks.md reports
// (scripts/compile-time.sh): decode and encode Ethernet<IPv4<TCP<HTTP>>>.
// Only the layers it uses, as a user would include them (strata/layers.hpp
// brings every layer, DNS and PPPoE included).
#include <array>

#include <strata/layer/decode.hpp>
#include <strata/layer/encode.hpp>
#include <strata/layer/ethernet.hpp>
#include <strata/layer/http.hpp>
#include <strata/layer/ipv4.hpp>
#include <strata/layer/tcp.hpp>

using WebFrame = strata::Ethernet<strata::IPv4<strata::TCP<strata::HTTP>>>;

std::size_t decode_web_frame(strata::Bytes frame) {
    const auto d = strata::decode<WebFrame>(frame);
    return d.ok() ? d.get<strata::HTTP>().headers().size() + d.get<strata::IPv4>().ttl() : 0;
}

std::size_t encode_web_frame(strata::MutBytes buf, const strata::http::Request<>& request) {
    strata::EthernetRepr eth{};
    strata::Ipv4Repr ip{};
    strata::TcpRepr tcp{};
    auto frame = strata::encode<WebFrame>(buf, eth, ip, tcp, strata::HttpHead{request});
    return frame ? frame->size() : 0;
}
