// The descriptors DNS errors name (RFC 1035 §4): the header's fixed fields
// live in header.hpp; names, records and sections sit at computed positions,
// so these are positions the error's offset places. Recognise an error with
// error.is(dns_field::name_pointer), not by its text.
#pragma once

#include <strata/core/field.hpp>

namespace strata::dns_field {
inline constexpr Field buffer{0, 0, "dns", "buffer"};
inline constexpr Field count{0, 0, "dns", "count"};
inline constexpr Field edns_option{0, 0, "dns", "edns_option"};
inline constexpr Field header{0, 0, "dns", "header"};
inline constexpr Field label{0, 0, "dns", "label"};
inline constexpr Field label_type{0, 0, "dns", "label_type"};
inline constexpr Field message{0, 0, "dns", "message"};
inline constexpr Field name{0, 0, "dns", "name"};
inline constexpr Field name_pointer{0, 0, "dns", "name_pointer"};
inline constexpr Field name_text{0, 0, "dns", "name_text"};
inline constexpr Field opt{0, 0, "dns", "opt"};
inline constexpr Field opt_name{0, 0, "dns", "opt_name"};
inline constexpr Field question{0, 0, "dns", "question"};
inline constexpr Field rdlength{0, 0, "dns", "rdlength"};
inline constexpr Field rr{0, 0, "dns", "rr"};
inline constexpr Field section{0, 0, "dns", "section"};
inline constexpr Field tcp_length{0, 0, "dns", "tcp_length"};
inline constexpr Field txt_string{0, 0, "dns", "txt_string"};
} // namespace strata::dns_field
