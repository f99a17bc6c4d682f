// ByteBuffer: a fixed-size byte array made without zeroing. What it must
// keep: the size, the bytes written, copies that own their bytes, moves
// that leave the source empty.
#include <catch2/catch.hpp>

#include <strata/core/byte_buffer.hpp>

using strata::Byte;
using strata::ByteBuffer;

TEST_CASE("ByteBuffer: size, writes, copies own their bytes, moves empty the source") {
    ByteBuffer empty;
    CHECK(empty.empty());
    CHECK(empty.size() == 0);
    CHECK(empty.span().empty());

    ByteBuffer b(3000);
    REQUIRE(b.size() == 3000);
    for (std::size_t i = 0; i < b.size(); ++i)
        b[i] = static_cast<Byte>(i * 7);
    ByteBuffer copy = b;
    REQUIRE(copy.size() == 3000);
    CHECK(copy.data() != b.data());
    b[10] = 0xAA; // the copy keeps its own bytes
    CHECK(copy[10] == static_cast<Byte>(70));
    CHECK(copy[2999] == static_cast<Byte>(2999 * 7));

    ByteBuffer moved = std::move(copy);
    CHECK(moved.size() == 3000);
    CHECK(moved[10] == static_cast<Byte>(70));
    CHECK(copy.size() == 0); // NOLINT(bugprone-use-after-move): the state after a move is specified
    CHECK(copy.data() == nullptr);

    copy = moved; // copy-assign into the moved-from buffer
    CHECK(copy.size() == 3000);
    CHECK(copy.span()[2999] == static_cast<Byte>(2999 * 7));
    moved = ByteBuffer(4);
    CHECK(moved.size() == 4);
}
