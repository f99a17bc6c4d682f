// Task (d) of docs/tasks.md written with libtins: the same tunnel header as
// custom_stack.cpp's MyTunnel (RFC 7348 layout: flags with bit 3 set, VNI in
// bytes 4-6), as a user-defined PDU carrying an Ethernet frame, carried by
// UDP port 4789. libtins's UDP does not choose an inner PDU by port, so the
// decoding side converts the RawPDU itself.
//   example_custom_layer_libtins
#include <cstdio>

#include <tins/tins.h>

// [task]
using namespace Tins;

class MyTunnel : public PDU {
public:
    static const PDU::PDUType pdu_flag = PDU::USER_DEFINED_PDU;
    explicit MyTunnel(uint32_t vni = 0) : vni_(vni) {}
    MyTunnel(const uint8_t* data, uint32_t size) {
        if (size < 8 || (data[0] & 0x08) == 0) throw malformed_packet();
        vni_ = (uint32_t{data[4]} << 16) | (uint32_t{data[5]} << 8) | data[6];
        if (size > 8) inner_pdu(new EthernetII(data + 8, size - 8));
    }
    uint32_t vni() const { return vni_; }
    uint32_t header_size() const override { return 8; }
    PDUType pdu_type() const override { return pdu_flag; }
    MyTunnel* clone() const override { return new MyTunnel(*this); }

private:
    void write_serialization(uint8_t* buffer, uint32_t) override {
        buffer[0] = 0x08, buffer[1] = buffer[2] = buffer[3] = buffer[7] = 0;
        buffer[4] = vni_ >> 16, buffer[5] = vni_ >> 8, buffer[6] = vni_;
    }
    uint32_t vni_;
};
// [/task]

int main() {
    EthernetII frame = EthernetII("02:00:00:00:00:02", "02:00:00:00:00:01") /
                       IP("198.51.100.2", "198.51.100.1") / UDP(4789, 49152) / MyTunnel(4242) /
                       EthernetII("02:00:00:00:01:02", "02:00:00:00:01:01") /
                       IP("10.0.0.2", "10.0.0.1") / ICMP();
    const PDU::serialization_type bytes = frame.serialize();
    EthernetII parsed(bytes.data(), static_cast<uint32_t>(bytes.size()));
    const RawPDU& raw = parsed.rfind_pdu<RawPDU>();
    MyTunnel tunnel = raw.to<MyTunnel>();
    const bool ok =
        tunnel.vni() == 4242 && tunnel.rfind_pdu<IP>().dst_addr() == IPv4Address("10.0.0.2");
    std::printf("%zu bytes, vni %u, inner %s: %s\n", bytes.size(), tunnel.vni(),
                tunnel.rfind_pdu<IP>().dst_addr().to_string().c_str(), ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
