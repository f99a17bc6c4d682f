// A copy of a layer that defines has_inner() but whose options do not ask
// for it (or asks for it and misspells the function) is refused: optional
// behaviour is declared as data, never found by name.
// expect: layer contract: `options.inner = InnerPresence::by_hook` and a `static bool has_inner
#include <strata/layer/decode.hpp>
#include <strata/layer/ethernet.hpp>
#include <strata/layer/ipv4.hpp>
#include <strata/layer/tcp.hpp>

template <class Inner = strata::Raw>
struct MyTCP : strata::TCP<Inner> {
    template <class B>
    static constexpr bool has_inner(const strata::TcpView<B>& v) noexcept {
        return !v.payload().empty();
    }
};

int main() {
    const strata::Byte bytes[64]{};
    auto d = strata::decode<strata::Ethernet<strata::IPv4<MyTCP<>>>>(bytes);
    return static_cast<int>(d.depth());
}
