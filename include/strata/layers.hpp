// Every layer descriptor with decode() and encode(): the one include for
// composing stacks such as Ethernet<IPv4<TCP<HTTP>>>.
#pragma once

#include <strata/layer/arp.hpp>
#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/decode.hpp>
#include <strata/layer/decoded.hpp>
#include <strata/layer/dns.hpp>
#include <strata/layer/dot1q.hpp>
#include <strata/layer/encode.hpp>
#include <strata/layer/ethernet.hpp>
#include <strata/layer/http.hpp>
#include <strata/layer/icmp.hpp>
#include <strata/layer/ipv4.hpp>
#include <strata/layer/one_of.hpp>
#include <strata/layer/ppp.hpp>
#include <strata/layer/ppp_control.hpp>
#include <strata/layer/pppoe.hpp>
#include <strata/layer/tcp.hpp>
#include <strata/layer/udp.hpp>
