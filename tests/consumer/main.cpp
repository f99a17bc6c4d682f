#include <strata/addr/ipv4_prefix.hpp>
#include <strata/checksum/internet.hpp>

#include <cstdio>

int main() {
    auto p = strata::Ipv4Prefix::parse("10.11.12.13/255.255.255.0");
    if (!p || p->length() != 24) return 1;
    const strata::Byte hdr[] = {0x45, 0x00, 0x00, 0x1c};
    std::printf("consumer: %s sum=%04x\n", strata::to_string(p->network()).c_str(),
                strata::checksum::internet_checksum(hdr));
    return 0;
}
