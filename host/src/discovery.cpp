#include "discovery.hpp"

#include "beneath.hpp"
#include "logging.hpp"
#include "temporaries.hpp"

#include <spdlog/spdlog.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>

namespace bulletin::host {

namespace fs = std::filesystem;

namespace {

/// Deeper trees are not walked: each level holds a directory handle.
constexpr std::size_t kMaxDepth = 256;

std::string lower(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::int64_t mtime_ns(const struct stat& st) {
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

/// The type readdir gave, or the one lstat finds when the file system did not say; DT_UNKNOWN
/// when the entry is gone.
unsigned char entry_type(int dir, const dirent& entry) {
    if (entry.d_type != DT_UNKNOWN) return entry.d_type;
    struct stat st {};
    if (::fstatat(dir, entry.d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return DT_UNKNOWN;
    if (S_ISDIR(st.st_mode)) return DT_DIR;
    if (S_ISREG(st.st_mode)) return DT_REG;
    if (S_ISLNK(st.st_mode)) return DT_LNK;
    return DT_FIFO; // any other kind: not a regular file
}

/// Calls `fn(dir_fd, entry)` for each entry of the directory `fd` (which it takes over) but "."
/// and ".."; returns 0 or the errno that stopped the listing.
template <class Fn> int for_each_entry(int fd, Fn&& fn) {
    DIR* dir = ::fdopendir(fd);
    if (!dir) {
        int err = errno;
        ::close(fd);
        return err;
    }
    int err = 0;
    for (;;) {
        errno = 0;
        dirent* entry = ::readdir(dir);
        if (!entry) {
            err = errno;
            break;
        }
        std::string_view name = entry->d_name;
        if (name == "." || name == "..") continue;
        fn(::dirfd(dir), *entry);
    }
    ::closedir(dir);
    return err;
}

struct DirId {
    dev_t dev = 0;
    ino_t ino = 0;
    bool operator==(const DirId&) const = default;
};

DirId id_of(const struct stat& st) {
    return {st.st_dev, st.st_ino};
}

class InputWalk {
public:
    InputWalk(const BatchOptions& options, const std::vector<std::string>& extensions,
              DiscoveryProblems& problems, std::vector<Item>& items)
        : options_(options), extensions_(extensions), problems_(problems), items_(items) {}

    void run() {
        int fd = ::open(options_.input_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            unlisted(".", std::string("cannot list the input directory: ") + std::strerror(errno));
            return;
        }
        std::error_code ec;
        auto canonical = fs::canonical(options_.input_root, ec);
        canonical_root_ = ec ? fs::absolute(options_.input_root).native() : canonical.native();
        struct stat st {};
        if (::stat(options_.output_root.c_str(), &st) == 0) output_ = id_of(st);
        ::fstat(fd, &st);
        ancestors_.push_back(id_of(st));
        walk(fd, "");
    }

private:
    void walk(int fd, const std::string& prefix) {
        int err = for_each_entry(fd, [&](int dir, const dirent& entry) {
            std::string name = entry.d_name;
            if (name.starts_with('.')) return; // hidden
            std::string relative = prefix + name;
            switch (entry_type(dir, entry)) {
            case DT_UNKNOWN: // removed while listed
                return;
            case DT_DIR:
                return descend(dir, name, relative, false);
            case DT_REG: {
                struct stat st {};
                if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;
                return file(name, relative, st);
            }
            case DT_LNK:
                return link(dir, name, relative);
            default:
                if (wanted(name) && in_shard(relative, options_.shard))
                    unlisted(relative, "not a regular file (a FIFO, socket or device)");
            }
        });
        if (err != 0)
            unlisted(prefix.empty() ? "." : prefix,
                     std::string("listing stopped: ") + std::strerror(err));
    }

    void descend(int dir, const std::string& name, const std::string& relative, bool via_link) {
        int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (via_link ? 0 : O_NOFOLLOW);
        int fd = ::openat(dir, name.c_str(), flags);
        if (fd < 0) {
            if (errno != ENOENT) // not removed since listed
                unlisted(relative + "/",
                         std::string("cannot list directory: ") + std::strerror(errno));
            return;
        }
        struct stat st {};
        ::fstat(fd, &st);
        DirId id = id_of(st);
        if (output_ && id == *output_) { // never read our own outputs back
            ::close(fd);
            return;
        }
        if (std::find(ancestors_.begin(), ancestors_.end(), id) != ancestors_.end()) {
            ::close(fd);
            unlisted(relative, "symbolic link loop: it leads back to an enclosing directory");
            return;
        }
        if (ancestors_.size() >= kMaxDepth) {
            ::close(fd);
            unlisted(relative + "/", "directories nest more than " + std::to_string(kMaxDepth) +
                                         " deep; not listed");
            return;
        }
        ancestors_.push_back(id);
        walk(fd, relative + "/");
        ancestors_.pop_back();
    }

    void file(const std::string& name, const std::string& relative, const struct stat& st) {
        if (!wanted(name)) return;
        if (!in_shard(relative, options_.shard)) {
            ++problems_.outside_shard;
            return;
        }
        Item item;
        item.relative = relative;
        item.absolute = options_.input_root / relative;
        item.size = st.st_size;
        item.mtime_ns = mtime_ns(st);
        items_.push_back(std::move(item));
    }

    void link(int dir, const std::string& name, const std::string& relative) {
        std::string target = link_text(dir, name);
        struct stat st {};
        if (::fstatat(dir, name.c_str(), &st, 0) != 0) {
            int err = errno;
            // A link whose name says it is no input is left alone like any such file; one
            // without an extension may have been meant for a directory.
            if (!wanted(name) && !fs::path(name).extension().empty()) return;
            if (!in_shard(relative, options_.shard)) return;
            if (err == ENOENT)
                unlisted(relative, "dangling symbolic link (to " + target + ")");
            else if (err == ELOOP)
                unlisted(relative, "symbolic link loop (to " + target + ")");
            else
                unlisted(relative,
                         "cannot follow symbolic link (to " + target + "): " + std::strerror(err));
            return;
        }
        bool is_dir = S_ISDIR(st.st_mode);
        if (!is_dir) {
            if (!wanted(name)) return;
            if (!in_shard(relative, options_.shard)) {
                ++problems_.outside_shard;
                return;
            }
        }
        auto resolved = resolve(relative);
        bool inside = resolved && (*resolved == canonical_root_ ||
                                   below(*resolved, canonical_root_).has_value());
        if (!inside && !options_.follow_symlinks) {
            problems_.skipped_links.push_back({relative, resolved.value_or(target)});
            return;
        }
        if (is_dir) {
            if (options_.follow_symlinks) return descend(dir, name, relative, true);
            ++problems_.inside_directory_links;
            host_logger()->debug("{}: a link to a directory inside the input directory; not "
                                 "followed (its files are converted under their own path)",
                                 (options_.input_root / relative).string());
            return;
        }
        if (!S_ISREG(st.st_mode)) {
            unlisted(relative,
                     "symbolic link to something that is not a regular file (to " + target + ")");
            return;
        }
        file(name, relative, st);
    }

    std::optional<std::string> resolve(const std::string& relative) const {
        std::error_code ec;
        auto canonical = fs::canonical(options_.input_root / relative, ec);
        if (ec) return std::nullopt;
        return canonical.native();
    }

    static std::string link_text(int dir, const std::string& name) {
        char buffer[4096];
        ssize_t n = ::readlinkat(dir, name.c_str(), buffer, sizeof buffer);
        if (n < 0) return "?";
        return std::string(buffer, static_cast<std::size_t>(n));
    }

    bool wanted(const std::string& name) const {
        if (extensions_.empty()) return true;
        auto ext = lower(fs::path(name).extension().string());
        if (!ext.empty()) ext.erase(0, 1);
        return std::find(extensions_.begin(), extensions_.end(), ext) != extensions_.end();
    }

    void unlisted(std::string path, std::string why) {
        problems_.unlisted.push_back({std::move(path), std::move(why)});
    }

    const BatchOptions& options_;
    const std::vector<std::string>& extensions_;
    DiscoveryProblems& problems_;
    std::vector<Item>& items_;
    std::string canonical_root_;
    std::optional<DirId> output_;
    std::vector<DirId> ancestors_; ///< the directories from the root down to the current one
};

class TemporaryCleaner {
public:
    std::size_t run(const fs::path& root) {
        int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) walk(fd, 0);
        return removed_;
    }

private:
    void walk(int fd, std::size_t depth) {
        for_each_entry(fd, [&](int dir, const dirent& entry) {
            auto type = entry_type(dir, entry);
            if (type == DT_DIR && depth < kMaxDepth) {
                int sub =
                    ::openat(dir, entry.d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub >= 0) walk(sub, depth + 1);
                return;
            }
            if (type != DT_REG) return;
            auto name = parse_temporary_name(entry.d_name);
            if (name.kind == TemporaryName::NotTemporary) return;
            auto state = name.kind == TemporaryName::Owned ? owner_state(name.owner, self_)
                                                           : OwnerState::Unknown;
            if (state == OwnerState::Running) return;
            if (state == OwnerState::Unknown && !old(dir, entry.d_name)) return;
            if (::unlinkat(dir, entry.d_name, 0) == 0) ++removed_;
        });
    }

    bool old(int dir, const char* name) const {
        struct stat st {};
        if (::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return false;
        auto age = std::chrono::seconds(now_ - st.st_mtim.tv_sec);
        return age > kForeignTemporaryAge;
    }

    TemporaryOwner self_ = this_process();
    std::time_t now_ = std::time(nullptr);
    std::size_t removed_ = 0;
};

} // namespace

std::vector<Item> discover(const BatchOptions& options, const std::vector<std::string>& extensions,
                           DiscoveryProblems& problems) {
    std::vector<Item> items;
    InputWalk(options, extensions, problems, items).run();
    std::sort(items.begin(), items.end(),
              [](const Item& a, const Item& b) { return a.relative < b.relative; });
    auto by_path = [](const auto& a, const auto& b) { return a.path < b.path; };
    std::sort(problems.unlisted.begin(), problems.unlisted.end(), by_path);
    std::sort(problems.skipped_links.begin(), problems.skipped_links.end(), by_path);
    return items;
}

std::size_t remove_stale_temporaries(const fs::path& root) {
    return TemporaryCleaner().run(root);
}

} // namespace bulletin::host
