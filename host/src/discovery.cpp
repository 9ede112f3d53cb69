#include "discovery.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>

namespace bulletin::host {

namespace fs = std::filesystem;

namespace {

bool hidden(const fs::path& relative) {
    for (const auto& part : relative)
        if (part.string().starts_with(".")) return true;
    return false;
}

std::string lower(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

} // namespace

std::vector<Item> discover(const BatchOptions& options, std::size_t& outside_shard) {
    std::vector<Item> items;
    std::error_code ec;
    auto output = fs::weakly_canonical(options.output_root, ec);
    auto options_it = fs::directory_options::skip_permission_denied;
    for (auto it = fs::recursive_directory_iterator(options.input_root, options_it, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        const auto& path = it->path();
        if (it->is_directory(ec) && fs::weakly_canonical(path, ec) == output) {
            it.disable_recursion_pending(); // never read our own outputs back
            continue;
        }
        if (!it->is_regular_file(ec)) continue;
        auto relative = path.lexically_relative(options.input_root);
        if (hidden(relative)) continue;
        if (!options.extensions.empty()) {
            auto ext = lower(path.extension().string());
            if (!ext.empty()) ext.erase(0, 1);
            if (std::find(options.extensions.begin(), options.extensions.end(), ext) ==
                options.extensions.end())
                continue;
        }
        Item item;
        item.relative = relative.generic_string();
        if (!in_shard(item.relative, options.shard)) {
            ++outside_shard;
            continue;
        }
        item.absolute = path;
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0) {
            item.size = st.st_size;
            item.mtime_ns =
                static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
        }
        items.push_back(std::move(item));
    }
    std::sort(items.begin(), items.end(),
              [](const Item& a, const Item& b) { return a.relative < b.relative; });
    return items;
}

std::size_t remove_stale_temporaries(const fs::path& root) {
    std::size_t removed = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(
             root, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        auto name = it->path().filename().string();
        auto at = name.rfind(".tmp-");
        if (at == std::string::npos || !it->is_regular_file(ec)) continue;
        auto tail = name.substr(at + 5);
        bool ours = !tail.empty() && tail.find_first_not_of("0123456789-") == std::string::npos &&
                    std::count(tail.begin(), tail.end(), '-') == 1;
        if (ours && fs::remove(it->path(), ec)) ++removed;
    }
    return removed;
}

} // namespace bulletin::host
