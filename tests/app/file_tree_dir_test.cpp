// app::add_directory: a folder made here, read into a FileTree; the paths,
// bytes and media types expected are the ones written.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <unistd.h>

#include <strata/app/http/file_tree_dir.hpp>

using namespace strata;
namespace fs = std::filesystem;

namespace {
struct Folder {
    fs::path path;
    Folder() {
        std::string tmpl = (fs::temp_directory_path() / "strata-tree-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~Folder() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    void write(const std::string& rel, const std::string& text) const {
        fs::create_directories((path / rel).parent_path());
        std::ofstream(path / rel, std::ios::binary) << text;
    }
};
std::string text_of(Bytes b) {
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}
} // namespace

TEST_CASE("app::add_directory reads every file below a folder, paths relative to it") {
    Folder f;
    f.write("index.html", "<h1>hi</h1>\n");
    f.write("css/site.css", "body{}");
    f.write("data/deep/blob.bin", std::string(3000, 'x'));
    app::FileTree tree;
    const auto r = app::add_directory(tree, f.path);
    REQUIRE(r);
    CHECK(r->files == 3);
    CHECK(r->skipped == 0);
    CHECK(r->bytes == 12 + 6 + 3000);
    const auto index = tree.find("/index.html");
    REQUIRE(index);
    CHECK(text_of(index->body) == "<h1>hi</h1>\n");
    CHECK(index->content_type == "text/html");
    const auto css = tree.find("/css/site.css");
    REQUIRE(css);
    CHECK(css->content_type == "text/css");
    const auto blob = tree.find("/data/deep/blob.bin");
    REQUIRE(blob);
    CHECK(blob->body.size() == 3000);
    CHECK(blob->content_type == "application/octet-stream");
}

TEST_CASE("app::add_directory: not a folder, too many bytes") {
    Folder f;
    f.write("a.txt", std::string(600, 'a'));
    f.write("b.txt", std::string(600, 'b'));
    app::FileTree tree;
    const auto missing = app::add_directory(tree, f.path / "nope");
    REQUIRE(!missing);
    CHECK(missing.error().code() == ConfigErrc::not_found);
    CHECK(missing.error().message() == "not a folder");
    const auto file = app::add_directory(tree, f.path / "a.txt");
    REQUIRE(!file);
    CHECK(file.error().code() == ConfigErrc::not_found);
    // 1,200 bytes against a 1,000-byte bound: the second file is refused.
    const auto big = app::add_directory(tree, f.path, 1000);
    REQUIRE(!big);
    CHECK(big.error().code() == ConfigErrc::limit_exceeded);
}
