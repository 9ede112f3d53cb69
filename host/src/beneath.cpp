#include "beneath.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bulletin::host {

void UniqueFd::reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

std::string describe(const BeneathError& error, std::string_view root, std::string_view tree) {
    std::string path(root);
    if (!error.where.empty()) {
        if (path.empty() || path.back() != '/') path += '/';
        path += error.where;
    }
    if (error.symlink)
        return path + " is a symbolic link inside the " + std::string(tree) +
               "; refusing to follow it";
    if (error.code == ENOTDIR) return path + " is not a directory";
    return path + ": " + std::strerror(error.code);
}

namespace {

/// Calls `fn(component, prefix_end)` for each component of `relative` that names something;
/// stops and returns false when `fn` does.
template <class Fn> bool for_each_component(std::string_view relative, Fn&& fn) {
    for (std::size_t start = 0; start < relative.size();) {
        auto end = std::min(relative.find('/', start), relative.size());
        std::string_view part = relative.substr(start, end - start);
        start = end + 1;
        if (part.empty() || part == ".") continue;
        if (!fn(part, end)) return false;
    }
    return true;
}

} // namespace

UniqueFd DirectoryOpener::open(int base, std::string_view relative, bool create,
                               BeneathError& error) {
    bool dot_dot = !for_each_component(
        relative, [](std::string_view part, std::size_t) { return part != ".."; });
    if (openat2_ && !dot_dot) {
        open_how how{};
        how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
        std::string path = relative.empty() ? std::string(".") : std::string(relative);
        long fd = ::syscall(SYS_openat2, base, path.c_str(), &how, sizeof how);
        if (fd >= 0) return UniqueFd(static_cast<int>(fd));
        // ENOSYS: an older kernel; EPERM: a seccomp filter; EINVAL/E2BIG: flags it does not know.
        if (errno == ENOSYS || errno == EPERM || errno == EINVAL || errno == E2BIG)
            openat2_ = false;
        // Anything else (missing, a link, not a directory) is worked out by the walk, which also
        // creates what is missing and says which component is wrong.
    }
    return walk(base, relative, create, error);
}

UniqueFd DirectoryOpener::walk(int base, std::string_view relative, bool create,
                               BeneathError& error) {
    UniqueFd held;
    int current = base;
    bool ok = for_each_component(relative, [&](std::string_view part, std::size_t end) {
        std::string name(part);
        auto fail = [&](int code) {
            error.code = code;
            error.where = std::string(relative.substr(0, end));
            struct stat st {};
            if ((code == ENOTDIR || code == ELOOP) &&
                ::fstatat(current, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
                error.symlink = S_ISLNK(st.st_mode);
                if (!error.symlink && !S_ISDIR(st.st_mode)) error.code = ENOTDIR;
            }
            return false;
        };
        if (part == "..") return fail(EXDEV);
        constexpr int flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
        int fd = ::openat(current, name.c_str(), flags);
        if (fd < 0 && errno == ENOENT && create) {
            if (::mkdirat(current, name.c_str(), 0777) != 0 && errno != EEXIST) return fail(errno);
            fd = ::openat(current, name.c_str(), flags); // O_NOFOLLOW: a link put there meanwhile
        }
        if (fd < 0) return fail(errno);
        held.reset(fd);
        current = fd;
        return true;
    });
    if (!ok) return {};
    if (!held) { // no component: the base itself
        int fd = ::openat(base, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            error.code = errno;
            return {};
        }
        held.reset(fd);
    }
    return held;
}

std::optional<std::string_view> below(std::string_view path, std::string_view root) {
    while (root.size() > 1 && root.back() == '/')
        root.remove_suffix(1);
    if (root == "/") {
        if (path.size() < 2 || path.front() != '/') return std::nullopt;
        return path.substr(1);
    }
    if (root.empty() || path.size() <= root.size() + 1 || !path.starts_with(root) ||
        path[root.size()] != '/')
        return std::nullopt;
    return path.substr(root.size() + 1);
}

std::optional<std::string> symlink_below(const std::filesystem::path& root,
                                         std::string_view relative) {
    std::string path = root.native();
    std::optional<std::string> found;
    for_each_component(relative, [&](std::string_view part, std::size_t end) {
        if (path.empty() || path.back() != '/') path += '/';
        path.append(part);
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) return false; // the rest does not exist yet
        if (S_ISLNK(st.st_mode)) {
            found = std::string(relative.substr(0, end));
            return false;
        }
        return true;
    });
    return found;
}

} // namespace bulletin::host
