"""The cases run through Linux and through strata-net.

A case is one router (ports, routes, optional NAPT), one "end" per router port
(a MAC address and the IPv4 addresses it answers for: hosts on the subnet or
the next-hop gateway), and a list of steps. Step 0 is always the ARP priming:
every end asks the router for its port address once (RFC 826), which teaches
the router the end's address the way a real host does before its first
packet. Each later step is a function of what came out so far (NAT replies
must be addressed to the public port the implementation chose), returning
the frames to send as (port, bytes).

`expect` holds what the RFCs require of any router, written by hand from
them; it judges Linux's output as much as strata's, so a wrong expectation
shows up against Linux first.

The model and helpers are in case_model.py, the cases in cases_router.py and
cases_nat.py; this module lists them.
"""


import cases_nat as N
import cases_router as R


def all_cases():
    return [R.case_forward(), R.case_ttl(), R.case_no_route(), R.case_fragment(),
            R.case_fragment_df(), R.case_echo(), R.case_record_route(), R.case_arp_fails(),
            R.case_no_error(), R.case_fragment_options(), N.case_nat_tcp(), N.case_nat_udp(),
            N.case_nat_icmp_echo(), N.case_nat_icmp_error(), N.case_nat_icmp_error_echo(),
            N.case_nat_two_hosts(), N.case_nat_forward(), N.case_nat_fragments(),
            N.case_nat_icmp_error_out(), R.case_random_mix(1), R.case_random_mix(2)]
