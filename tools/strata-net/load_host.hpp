// The loader's part for what a host runs: "services" and "run" (an
// extension of schema v1, docs/strata-net.md "Hosts"). Included by
// loader.cpp only; every problem is a ConfigError naming its key path.
#pragma once

#include <charconv>
#include <string>
#include <string_view>

#include <strata/app/http/file_tree.hpp>

#include "config.hpp"
#include "json_check.hpp"

namespace strata::net::detail {

/// "A.B.C.D:port" with port 1 … 65535.
inline ConfigResult<std::pair<Ipv4Address, std::uint16_t>> to_addr_port(const json& v,
                                                                        const std::string& path) {
    NET_TRY(s, to_string_value(v, path));
    const auto colon = s.rfind(':');
    const auto bad = [&] {
        return error_at(path, in_quotes(s) + " is not A.B.C.D:PORT (e.g. \"203.0.113.10:7\")");
    };
    if (colon == std::string::npos) return bad();
    auto a = Ipv4Address::parse(std::string_view(s).substr(0, colon));
    unsigned port = 0;
    const char* first = s.data() + colon + 1;
    const char* last = s.data() + s.size();
    const auto [end, ec] = std::from_chars(first, last, port);
    if (!a || ec != std::errc{} || end != last || first == last) return bad();
    if (port == 0 || port > 65535) return error_at(path, in_quotes(s) + ": port must be 1 … 65535");
    return std::pair{*a, static_cast<std::uint16_t>(port)};
}

/// http://A.B.C.D[:port][/path] (no names: DNS comes later).
inline ConfigResult<void> parse_fetch_url(const std::string& s, const std::string& path,
                                          RunStepConfig& step) {
    constexpr std::string_view scheme = "http://";
    const auto bad = [&] {
        return error_at(path, in_quotes(s) + " is not http://A.B.C.D[:PORT]/PATH (e.g. "
                                             "\"http://203.0.113.10/index.html\")");
    };
    std::string_view rest(s);
    if (rest.substr(0, scheme.size()) != scheme) return bad();
    rest.remove_prefix(scheme.size());
    const auto slash = rest.find('/');
    std::string_view hostport = rest.substr(0, slash);
    step.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    for (const char c : step.path)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            return error_at(path, in_quotes(s) + ": the path has a space or a control byte");
    step.port = 80;
    if (const auto colon = hostport.find(':'); colon != std::string_view::npos) {
        unsigned port = 0;
        const auto ps = hostport.substr(colon + 1);
        const auto [end, ec] = std::from_chars(ps.data(), ps.data() + ps.size(), port);
        if (ec != std::errc{} || end != ps.data() + ps.size() || ps.empty() || port == 0 ||
            port > 65535)
            return bad();
        step.port = static_cast<std::uint16_t>(port);
        hostport = hostport.substr(0, colon);
    }
    auto a = Ipv4Address::parse(hostport);
    if (!a) return bad();
    step.addr = *a;
    return {};
}

inline ConfigResult<ServicesConfig> load_services(const json& v, const std::string& path) {
    NET_TRY(obj, need_object(v, path));
    STRATA_TRY_CONFIG(only_keys(*obj, path, {"echo", "discard", "http"}));
    ServicesConfig s;
    if (const json* e = member(*obj, "echo")) {
        NET_TRY(on, to_bool(*e, join(path, "echo")));
        s.echo = on;
    }
    if (const json* d = member(*obj, "discard")) {
        NET_TRY(on, to_bool(*d, join(path, "discard")));
        s.discard = on;
    }
    if (const json* h = member(*obj, "http")) {
        const std::string hp = join(path, "http");
        NET_TRY(hobj, need_object(*h, hp));
        STRATA_TRY_CONFIG(only_keys(*hobj, hp, {"files", "root"}));
        HttpServiceConfig http;
        if (const json* f = member(*hobj, "files")) {
            const std::string fp = join(hp, "files");
            NET_TRY(fobj, need_object(*f, fp));
            for (const auto& [target, body] : fobj->items()) {
                const std::string kp = join(fp, target);
                if (target.empty() || target[0] != '/')
                    return error_at(kp, in_quotes(target) + " is not a path starting with /");
                for (const char c : target)
                    if (static_cast<unsigned char>(c) <= 0x20 ||
                        static_cast<unsigned char>(c) >= 0x7f)
                        return error_at(kp, in_quotes(target) + " has a space or a control byte");
                // What app::FileTree stores: no ".." segment, no NUL, ≤ 2048 bytes.
                if (app::FileTree probe; !probe.add(target, std::string_view{}))
                    return error_at(kp, in_quotes(target) + " is not a path a server can serve "
                                                            "(a \"..\" segment, or too long)");
                NET_TRY(text, to_string_value(body, kp));
                http.files.emplace_back(target, std::move(text));
            }
        }
        if (const json* r = member(*hobj, "root")) {
            NET_TRY(root, to_string_value(*r, join(hp, "root")));
            if (root.empty() || root.find('\0') != std::string::npos)
                return error_at(join(hp, "root"), "must name a folder");
            http.root = std::move(root);
        }
        if (http.files.empty() && !http.root)
            return error_at(hp, "serves nothing: give \"files\" or \"root\"");
        s.http = std::move(http);
    }
    return s;
}

inline ConfigResult<RunStepConfig> load_step(const json& v, const std::string& path) {
    NET_TRY(obj, need_object(v, path));
    RunStepConfig step;
    const char* kinds[] = {"ping", "fetch", "udp_echo", "tcp_send"};
    int found = -1;
    for (int k = 0; k < 4; ++k) {
        if (member(*obj, kinds[k]) == nullptr) continue;
        if (found >= 0)
            return error_at(path, std::string("has both \"") + kinds[found] + "\" and \"" +
                                      kinds[k] + "\": one action per step");
        found = k;
    }
    if (found < 0)
        return error_at(path,
                        "names no action (\"ping\", \"fetch\", \"udp_echo\" or \"tcp_send\")");
    step.kind = static_cast<StepKind>(found);
    const std::string ap = join(path, kinds[found]);
    const json& target = *member(*obj, kinds[found]);
    switch (step.kind) {
    case StepKind::ping: {
        STRATA_TRY_CONFIG(only_keys(*obj, path, {"ping", "at_ms", "count", "size"}));
        NET_TRY(a, to_address(target, ap));
        step.addr = a;
        step.count = 3;
        step.size = 56;
        break;
    }
    case StepKind::fetch: {
        STRATA_TRY_CONFIG(only_keys(*obj, path, {"fetch", "at_ms"}));
        NET_TRY(url, to_string_value(target, ap));
        STRATA_TRY_CONFIG(parse_fetch_url(url, ap, step));
        break;
    }
    case StepKind::udp_echo:
    case StepKind::tcp_send: {
        if (step.kind == StepKind::udp_echo)
            STRATA_TRY_CONFIG(only_keys(*obj, path, {"udp_echo", "at_ms", "count", "size"}));
        else
            STRATA_TRY_CONFIG(only_keys(*obj, path, {"tcp_send", "at_ms", "bytes"}));
        NET_TRY(ap_pair, to_addr_port(target, ap));
        step.addr = ap_pair.first;
        step.port = ap_pair.second;
        step.count = 1;
        step.size = 64;
        break;
    }
    }
    if (target.is_string()) step.target = target.get<std::string>();
    if (const json* a = member(*obj, "at_ms")) {
        NET_TRY(at, to_uint(*a, join(path, "at_ms"), 0, 1'000'000'000));
        step.at_ms = at;
    }
    if (const json* c = member(*obj, "count")) {
        NET_TRY(count, to_uint(*c, join(path, "count"), 1, 100'000));
        step.count = static_cast<std::uint32_t>(count);
    }
    if (const json* s = member(*obj, "size")) {
        // UDP: 65535 - 20 (IP) - 8 (UDP); ping data the same bound (RFC 792).
        NET_TRY(size,
                to_uint(*s, join(path, "size"), step.kind == StepKind::udp_echo ? 1 : 0, 65507));
        step.size = static_cast<std::uint32_t>(size);
    }
    if (const json* b = member(*obj, "bytes")) {
        NET_TRY(bytes, to_uint(*b, join(path, "bytes"), 0, std::uint64_t{1} << 40));
        step.bytes = bytes;
    }
    return step;
}

inline ConfigResult<std::vector<RunStepConfig>> load_run(const json& v, const std::string& path) {
    NET_TRY(arr, need_array(v, path));
    std::vector<RunStepConfig> steps;
    for (std::size_t i = 0; i < arr->size(); ++i) {
        NET_TRY(step, load_step((*arr)[i], index(path, i)));
        steps.push_back(std::move(step));
    }
    return steps;
}

} // namespace strata::net::detail
