// add_directory(files, root): every regular file below a folder into a
// FileTree, as "/" + its path relative to the folder, for a tool that serves
// a folder (strata-host --http DIR, a strata-net host's http "root"). The
// folder is read once, at setup; the tree then serves from memory, so the
// server never touches the file system while sessions run. Names the tree
// refuses (a ".." segment, a NUL, longer than FileTree::max_path) are
// skipped and counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include <strata/app/http/file_tree.hpp>
#include <strata/core/config_error.hpp>

namespace strata::app {

/// What add_directory() took.
struct DirectoryLoad {
    std::size_t files = 0;    ///< files added
    std::size_t skipped = 0;  ///< regular files whose names the tree refuses
    std::uintmax_t bytes = 0; ///< their bytes, all together
};

/// Largest folder add_directory() reads by default.
inline constexpr std::uintmax_t max_directory_bytes = std::uintmax_t{256} << 20;

/// Adds the folder's files. Errors: not_found (`root` is not a folder),
/// limit_exceeded (more than `max_bytes` in all), bad_value (a file or the
/// folder cannot be read; the message says which and why). Files added
/// before an error stay in the tree.
inline ConfigResult<DirectoryLoad> add_directory(FileTree& files, const std::filesystem::path& root,
                                                 std::uintmax_t max_bytes = max_directory_bytes) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return ConfigError(ConfigErrc::not_found, "not a folder");
    DirectoryLoad load;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        const std::uintmax_t size = it->file_size(ec);
        if (ec) break;
        if (load.bytes + size > max_bytes)
            return ConfigError(ConfigErrc::limit_exceeded,
                               "more than " + std::to_string(max_bytes >> 20) + " MiB of files");
        std::ifstream in(it->path(), std::ios::binary);
        std::vector<Byte> body((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof())
            return ConfigError(ConfigErrc::bad_value, "cannot read " + it->path().string());
        // '/' put in front, not "/" + string: g++ 12 misreads the latter
        // (a false -Wrestrict in char_traits at -O3).
        std::string path = fs::relative(it->path(), root, ec).generic_string();
        if (ec) break;
        path.insert(path.begin(), '/');
        load.bytes += body.size();
        if (files.add(path, std::move(body)))
            ++load.files;
        else
            ++load.skipped;
    }
    if (ec) return ConfigError(ConfigErrc::bad_value, "cannot read: " + ec.message());
    return load;
}

} // namespace strata::app
