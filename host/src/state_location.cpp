#include "state_location.hpp"

#include "beneath.hpp"

#include <bulletin/plugin.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace bulletin::host {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTree = "output directory";

struct OutputRoot {
    std::string absolute;  ///< as given, made absolute
    std::string canonical; ///< empty when the root does not exist
};

OutputRoot resolve_root(const fs::path& root) {
    OutputRoot r;
    r.absolute = fs::absolute(root).lexically_normal().native();
    std::error_code ec;
    auto canonical = fs::canonical(root, ec);
    if (!ec) r.canonical = canonical.native();
    return r;
}

/// `path` below the output root, lexically ('/'-separated), or nullopt when it is outside.
std::optional<std::string> inside(const fs::path& path, const OutputRoot& root) {
    auto normal = fs::absolute(path).lexically_normal().native();
    if (auto rel = below(normal, root.absolute)) return std::string(*rel);
    if (!root.canonical.empty())
        if (auto rel = below(normal, root.canonical)) return std::string(*rel);
    return std::nullopt;
}

Error redirected(const BeneathError& error, const OutputRoot& root, std::string_view advice) {
    return Error(describe(error, root.absolute, kTree) + " (" + std::string(advice) + ")");
}

} // namespace

StateLocation locate_state(const BatchOptions& options) {
    auto root = resolve_root(options.output_root);
    int raw = ::open(options.output_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (raw < 0)
        throw Error("cannot open output directory " + options.output_root.string() + ": " +
                    std::strerror(errno));
    UniqueFd root_fd(raw);
    DirectoryOpener opener;
    constexpr std::string_view advice =
        "it would redirect the batch's state, lock or report: remove it, or give --state and "
        "--report paths outside the output directory";

    // The path to use for `given` (or the default `fallback` below the output directory), with
    // `companions`: files opened beside it by name suffix, which must not be links either.
    auto place = [&](const fs::path& given, std::string_view fallback,
                     std::initializer_list<std::string_view> companions) {
        fs::path path = given.empty() ? options.output_root / fallback : given;
        auto rel = inside(path, root);
        if (!rel) {
            std::error_code ec; // a directory that cannot be made is reported when it is opened
            fs::create_directories(path.parent_path(), ec);
            return std::make_pair(path, false);
        }
        auto slash = rel->rfind('/');
        std::string dir = slash == std::string::npos ? "" : rel->substr(0, slash);
        std::string name = slash == std::string::npos ? *rel : rel->substr(slash + 1);
        BeneathError error;
        auto dir_fd = opener.open(root_fd.get(), dir, true, error);
        if (!dir_fd) throw redirected(error, root, advice);
        std::vector<std::string_view> suffixes{""};
        suffixes.insert(suffixes.end(), companions);
        for (auto suffix : suffixes) {
            std::string file = name + std::string(suffix);
            struct stat st {};
            if (::fstatat(dir_fd.get(), file.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                S_ISLNK(st.st_mode)) {
                error.symlink = true;
                error.where = dir.empty() ? file : dir + "/" + file;
                throw redirected(error, root, advice);
            }
        }
        return std::make_pair(path, true);
    };

    StateLocation location;
    location.state = place(options.state_file, ".bulletin/state.sqlite",
                           {".lock", ".inflight", "-wal", "-shm", "-journal"})
                         .first;
    location.lock = location.state.string() + ".lock";
    auto [report, report_inside] = place(options.report_file, ".bulletin/report.json", {});
    location.report = report;
    location.report_root = report_inside ? options.output_root : report.parent_path();
    if (location.report_root.empty()) location.report_root = ".";
    return location;
}

void check_not_redirected(const fs::path& file, const fs::path& output_root,
                          std::string_view option) {
    auto root = resolve_root(output_root);
    auto rel = inside(file, root);
    if (!rel) return;
    auto base = root.canonical.empty() ? fs::path(root.absolute) : fs::path(root.canonical);
    if (auto link = symlink_below(base, *rel)) {
        BeneathError error;
        error.symlink = true;
        error.where = *link;
        throw redirected(error, root,
                         "remove it, or give " + std::string(option) +
                             " a path outside the output directory");
    }
}

} // namespace bulletin::host
