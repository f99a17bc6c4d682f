// The descriptors HTTP/1.1 errors name (wire/http): a message has no fixed
// layout, so each is a position the error's offset places.
#pragma once

#include <strata/core/field.hpp>

namespace strata {

/// What a head parser's errors are about. A head has no fixed layout: each
/// descriptor is a position (first == last == 0) that the parser rebases to
/// the byte where it found the problem. Recognise an error with
/// error.is(http_field::header), not by its text.
namespace http_field {
inline constexpr Field request_line{0, 0, "http", "request_line"};
inline constexpr Field status_line{0, 0, "http", "status_line"};
inline constexpr Field method{0, 0, "http", "method"};
inline constexpr Field target{0, 0, "http", "target"};
inline constexpr Field version{0, 0, "http", "version"};
inline constexpr Field status_code{0, 0, "http", "status_code"};
/// A field line without a ':' (or one too long), at the line's start.
inline constexpr Field header{0, 0, "http", "header"};
/// A field name with a non-token byte (or whitespace before ':', RFC 9112 §5.1).
inline constexpr Field header_name{0, 0, "http", "header_name"};
/// A field line continued onto the next (obs-fold, RFC 9112 §5.2).
inline constexpr Field obs_fold{0, 0, "http", "obs_fold"};
/// More field lines than the parser holds.
inline constexpr Field headers{0, 0, "http", "headers"};
/// A byte no line may hold (NUL, a control), at that byte.
inline constexpr Field line{0, 0, "http", "line"};
/// A bare CR (or a bare LF when not accepted), at that byte.
inline constexpr Field line_ending{0, 0, "http", "line_ending"};
/// The head grew past ParseOptions::max_head.
inline constexpr Field head{0, 0, "http", "head"};
/// feed() was given a buffer shorter than the one before.
inline constexpr Field buffer{0, 0, "http", "buffer"};
/// Body framing and serialization (RFC 9112 §6-7).
inline constexpr Field body{0, 0, "http", "body"};
inline constexpr Field chunk{0, 0, "http", "chunk"};
inline constexpr Field content_length{0, 0, "http", "content_length"};
inline constexpr Field header_value{0, 0, "http", "header_value"};
inline constexpr Field transfer_encoding{0, 0, "http", "transfer_encoding"};
/// Fields a serializer or the chunked decoder checks.
inline constexpr Field chunk_data{0, 0, "http", "chunk_data"};
inline constexpr Field chunk_ext{0, 0, "http", "chunk_ext"};
inline constexpr Field chunk_size{0, 0, "http", "chunk_size"};
inline constexpr Field reason{0, 0, "http", "reason"};
inline constexpr Field trailer{0, 0, "http", "trailer"};
} // namespace http_field

} // namespace strata
