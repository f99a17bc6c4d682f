# Every ```cpp block of the documentation is compiled (docs/conventions.md,
# "Code in the documentation"). At configure time each block is written to a
# translation unit of its own, named after its page and line:
#
#   <build>/doc_snippets/docs_reference_wire_md_L42.cpp
#
# A block is one of
#   * a complete translation unit (the default): compiled as written;
#   * a fragment, first line "// fragment": compiled inside a function body,
#     after a prelude that includes the library and declares
#     `Bytes bytes` (a frame) and `MutBytes buf` (room to write one);
#   * a declaration fragment, first line "// fragment: declarations":
#     compiled at namespace scope after the same prelude.
# A `#line` directive points the compiler's messages at the Markdown file and
# line. A complete block with `int main(` becomes an executable and a ctest
# (doc_<page>_L<line>); every other block goes into one OBJECT library.
#
#   strata_doc_snippets(<target>
#     ROOT <dir>               # page names are relative to it
#     PAGES <file.md>...       # the pages to scan
#     LIBRARIES <lib>...       # linked to every snippet (strata::strata, flags)
#     PCAP_LIBRARIES <lib>...) # also linked where a block includes io/pcap_reader.hpp
#
# CMake lists split on ';' and treat '[', ']' and '\' specially, so the page is
# read whole and those characters are swapped for control characters while
# lines are handled, and swapped back when a file is written.

function(strata_doc_snippets target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "ROOT" "PAGES;LIBRARIES;PCAP_LIBRARIES")
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/doc_snippets)
  file(MAKE_DIRECTORY ${out_dir})

  string(ASCII 1 semi)
  string(ASCII 2 lbr)
  string(ASCII 3 rbr)
  string(ASCII 4 bsl)

  set(prelude [=[
// Prelude of a documentation fragment (cmake/doc_snippets.cmake).
#include <array>
#include <cassert>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/addr/mac_address.hpp>
#include <strata/addr/url.hpp>
#include <strata/checksum/crc32.hpp>
#include <strata/checksum/internet.hpp>
#include <strata/core/seq_num.hpp>
#include <strata/io/pcap_writer.hpp>
#include <strata/layers.hpp>
#include <strata/wire/dns/builder.hpp>
#include <strata/wire/dns/message.hpp>
#include <strata/wire/dns/tcp_framing.hpp>
#include <strata/wire/http/body.hpp>
#include <strata/wire/http/chunked.hpp>
#include <strata/wire/http/parser.hpp>
#include <strata/wire/http/serialize.hpp>

using namespace strata;
]=])

  set(objects)
  set(n_blocks 0)
  foreach(page IN LISTS arg_PAGES)
    file(RELATIVE_PATH rel ${arg_ROOT} ${page})
    string(MAKE_C_IDENTIFIER ${rel} page_id)
    file(READ ${page} text)
    string(REPLACE "\\" "${bsl}" text "${text}")
    string(REPLACE ";" "${semi}" text "${text}")
    string(REPLACE "[" "${lbr}" text "${text}")
    string(REPLACE "]" "${rbr}" text "${text}")
    string(REPLACE "\n" ";" lines "${text}")

    set(state outside) # outside, cpp, other
    set(line_no 0)
    foreach(line IN LISTS lines)
      math(EXPR line_no "${line_no} + 1")
      if(state STREQUAL "outside")
        if(line MATCHES "^( *)```cpp *$")
          set(state cpp)
          string(LENGTH "${CMAKE_MATCH_1}" indent)
          math(EXPR first_line "${line_no} + 1")
          set(code "")
          set(kind "")
        elseif(line MATCHES "^ *```")
          set(state other)
        endif()
      elseif(state STREQUAL "other")
        if(line MATCHES "^ *``` *$")
          set(state outside)
        endif()
      else() # inside a cpp block
        if(line MATCHES "^ *``` *$")
          set(state outside)
          math(EXPR n_blocks "${n_blocks} + 1")
          set(id ${page_id}_L${first_line})
          set(tu ${out_dir}/${id}.cpp)
          set(where "#line ${first_line} \"${page}\"\n")
          if(kind STREQUAL "fragment")
            string(CONCAT body "${prelude}\nnamespace {\n[[maybe_unused]] void snippet_${id}(\n"
                   "    [[maybe_unused]] Bytes bytes, [[maybe_unused]] MutBytes buf) {\n"
                   "${where}${code}}\n} // namespace\n")
          elseif(kind STREQUAL "declarations")
            string(CONCAT body "${prelude}\n${where}${code}")
          else()
            string(CONCAT body "${where}${code}")
          endif()
          string(REPLACE "${bsl}" "\\" body "${body}")
          string(REPLACE "${semi}" ";" body "${body}")
          string(REPLACE "${lbr}" "[" body "${body}")
          string(REPLACE "${rbr}" "]" body "${body}")
          # Rewrite only on change, so that reconfiguring does not rebuild.
          set(old "")
          if(EXISTS ${tu})
            file(READ ${tu} old)
          endif()
          if(NOT old STREQUAL body)
            file(WRITE ${tu} "${body}")
          endif()
          set(libs ${arg_LIBRARIES})
          if(code MATCHES "strata/io/pcap_reader\\.hpp")
            list(APPEND libs ${arg_PCAP_LIBRARIES})
          endif()
          if(kind STREQUAL "complete" AND code MATCHES "int main\\(")
            add_executable(doc_${id} ${tu})
            target_link_libraries(doc_${id} PRIVATE ${libs})
            add_test(NAME doc_${id} COMMAND doc_${id})
            set_tests_properties(doc_${id} PROPERTIES WORKING_DIRECTORY ${out_dir})
          else()
            list(APPEND objects ${tu})
            list(APPEND object_libs ${libs})
          endif()
        else()
          if(indent GREATER 0) # strip the fence's indentation, no more
            foreach(i RANGE 1 ${indent})
              string(REGEX REPLACE "^ " "" line "${line}")
            endforeach()
          endif()
          if(kind STREQUAL "" AND NOT line STREQUAL "")
            if(line MATCHES "^// fragment: declarations")
              set(kind declarations)
            elseif(line MATCHES "^// fragment")
              set(kind fragment)
            else()
              set(kind complete)
            endif()
          endif()
          string(APPEND code "${line}\n")
        endif()
      endif()
    endforeach()
    if(NOT state STREQUAL "outside")
      message(FATAL_ERROR "${page}: a code block opened at line ${first_line} is never closed")
    endif()
  endforeach()

  if(objects)
    add_library(${target} OBJECT ${objects})
    list(REMOVE_DUPLICATES object_libs)
    target_link_libraries(${target} PRIVATE ${object_libs})
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${arg_PAGES})
  set(STRATA_DOC_SNIPPET_COUNT ${n_blocks} PARENT_SCOPE)
endfunction()
