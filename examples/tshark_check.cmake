# Checks a capture with tshark, the independent dissector.
#   MODE=dns:        -DPCAP=f -DEXPECT="0x1234 www.example.com 1": the fields
#                    dns.id, dns.qry.name, dns.qry.type of the first frame,
#                    and no frame reported malformed.
#   MODE=five_tuple: -DPCAP=f -DEXE=example_five_tuple: the example's output
#                    equals the 5-tuples tshark reads from the same file.
cmake_minimum_required(VERSION 3.20)
find_program(TSHARK tshark)
if(NOT TSHARK)
  message(STATUS "tshark not installed: skipped")
  return()
endif()
if(MODE STREQUAL "dns")
  execute_process(COMMAND ${TSHARK} -r ${PCAP} -c 1 -T fields -E separator=/s
                          -e dns.id -e dns.qry.name -e dns.qry.type
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0 OR NOT out STREQUAL EXPECT)
    message(FATAL_ERROR "tshark read '${out}' (expected '${EXPECT}'), rc ${rc}: ${err}")
  endif()
  execute_process(COMMAND ${TSHARK} -r ${PCAP} -Y _ws.malformed OUTPUT_VARIABLE bad)
  if(NOT bad STREQUAL "")
    message(FATAL_ERROR "tshark finds malformed frames:\n${bad}")
  endif()
  message(STATUS "tshark: ${out}")
elseif(MODE STREQUAL "five_tuple")
  execute_process(COMMAND ${TSHARK} -r ${PCAP} -Y "tcp or udp" -T fields -E separator=,
                          -e ip.src -e tcp.srcport -e udp.srcport -e ip.dst -e tcp.dstport
                          -e udp.dstport
                  RESULT_VARIABLE rc OUTPUT_VARIABLE fields)
  execute_process(COMMAND ${EXE} ${PCAP} RESULT_VARIABLE rc_ex OUTPUT_VARIABLE out)
  if(NOT rc EQUAL 0 OR NOT rc_ex EQUAL 0)
    message(FATAL_ERROR "tshark rc ${rc}, ${EXE} rc ${rc_ex}")
  endif()
  set(expected "")
  string(REPLACE "\n" ";" rows "${fields}")
  foreach(row IN LISTS rows)
    if(row STREQUAL "")
      continue()
    endif()
    string(REPLACE "," ";" f "${row}")
    list(GET f 0 src)
    list(GET f 1 tsport)
    list(GET f 2 usport)
    list(GET f 3 dst)
    list(GET f 4 tdport)
    list(GET f 5 udport)
    if(NOT tsport STREQUAL "")
      string(APPEND expected "tcp ${src}:${tsport} -> ${dst}:${tdport}\n")
    else()
      string(APPEND expected "udp ${src}:${usport} -> ${dst}:${udport}\n")
    endif()
  endforeach()
  if(NOT out STREQUAL expected)
    message(FATAL_ERROR "differs from tshark\n--- ${EXE}\n${out}--- tshark\n${expected}")
  endif()
  message(STATUS "same 5-tuples as tshark")
else()
  message(FATAL_ERROR "MODE must be dns or five_tuple")
endif()
