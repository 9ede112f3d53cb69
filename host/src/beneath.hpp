// Directory handles: opening directories below a held one without following symbolic links, so
// that a link planted in the output tree cannot redirect a write between the check of a path and
// the write itself (docs/architecture.md, "Trust model").
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace bulletin::host {

/// An owned file descriptor, closed when the object goes.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) reset(std::exchange(other.fd_, -1));
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return fd_; }
    /// Gives the descriptor up without closing it.
    int release() { return std::exchange(fd_, -1); }
    explicit operator bool() const { return fd_ >= 0; }
    void reset(int fd = -1);

private:
    int fd_ = -1;
};

/// Why DirectoryOpener::open failed.
struct BeneathError {
    int code = 0;         ///< errno
    std::string where;    ///< the relative path up to and including the component that failed
    bool symlink = false; ///< that component is a symbolic link
};

/// "ROOT/WHERE is a symbolic link inside the TREE; refusing to follow it", "... is not a
/// directory" or "ROOT/WHERE: strerror".
std::string describe(const BeneathError& error, std::string_view root, std::string_view tree);

/// Opens directories below a directory handle, never through a symbolic link: with openat2(2)
/// (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) where the kernel has it, else one
/// openat(O_NOFOLLOW) per component. Not thread-safe: each writer has its own.
class DirectoryOpener {
public:
    /// `use_openat2` false always takes the per-component walk (for tests of the fallback).
    explicit DirectoryOpener(bool use_openat2 = true) : openat2_(use_openat2) {}

    /// An O_PATH handle on `relative` ('/'-separated; empty and "." components are skipped, ".."
    /// fails with EXDEV) below `base`. With `create`, missing directories are made (mode 0777
    /// less the umask). On failure returns an empty handle and fills `error`.
    UniqueFd open(int base, std::string_view relative, bool create, BeneathError& error);

private:
    UniqueFd walk(int base, std::string_view relative, bool create, BeneathError& error);
    bool openat2_; ///< false once the kernel (or a seccomp filter) refused openat2
};

/// The part of `path` below `root` ('/'-separated, without a leading '/'), when `path` starts
/// with `root` followed by a '/' and more. `root` may end with '/'; "/" is every absolute path.
std::optional<std::string_view> below(std::string_view path, std::string_view root);

/// The first component of `relative` below `root` that exists as a symbolic link (the relative
/// path up to it), checked with lstat. For files opened by path (SQLite, the log): it narrows
/// the window for a link planted in the tree to the time between this check and the open.
std::optional<std::string> symlink_below(const std::filesystem::path& root,
                                         std::string_view relative);

} // namespace bulletin::host
