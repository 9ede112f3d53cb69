#include "output.hpp"

#include "hash.hpp"
#include "logging.hpp"
#include "temporaries.hpp"

#include <bulletin/paths.hpp>

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace bulletin::host {

namespace fs = std::filesystem;

namespace {

/// The full check: both paths made canonical as far as they exist (symlinks resolved, ".."
/// applied), then the result must be strictly below the root.
fs::path checked_inside(const std::string& expanded, const fs::path& output_root,
                        std::string_view tmpl) {
    fs::path path(expanded);
    if (path.is_relative()) path = output_root / path;
    auto root = fs::weakly_canonical(fs::absolute(output_root));
    auto full = fs::weakly_canonical(fs::absolute(path));
    auto rel = full.lexically_relative(root);
    if (rel.empty() || *rel.begin() == ".." || rel == ".")
        throw Error("output path '" + full.string() + "' (from template '" + std::string(tmpl) +
                    "') is outside the output directory " + root.string());
    return full;
}

} // namespace

OutputPathExpander::OutputPathExpander(fs::path output_root) : root_(std::move(output_root)) {}

fs::path OutputPathExpander::expand(std::string_view tmpl, const Document* document,
                                    const fs::path& relative_dir, std::string_view shard) {
    if (absolute_root_.empty()) absolute_root_ = fs::absolute(root_).string();
    std::string expanded =
        expand_output_template(tmpl, OutputFields{absolute_root_, relative_dir, shard, document});
    if (auto fast = below_root(expanded)) return std::move(*fast);
    return checked_inside(expanded, root_, tmpl);
}

/// The canonical path of `expanded` when it is plainly below the root: relative to it (or
/// starting with the absolute root), no "..", and no component that exists as a symlink or (but
/// for the last) as a non-directory. Then weakly_canonical would return the canonical root
/// followed by the same components, which are strictly below it; nullopt sends every other case
/// to the full check. The lstat of each existing component is what catches a symlink created
/// inside the output root between two documents.
std::optional<fs::path> OutputPathExpander::below_root(const std::string& expanded) {
    if (canonical_root_.empty()) {
        std::error_code ec;
        auto canonical = fs::canonical(absolute_root_, ec); // only once the root exists
        if (ec || !fs::is_directory(canonical, ec) || ec) return std::nullopt;
        canonical_root_ = canonical.native();
    }
    if (canonical_root_ == "/") return std::nullopt;
    std::string_view rel = expanded;
    if (rel.starts_with('/')) {
        std::string_view prefix = absolute_root_;
        while (prefix.size() > 1 && prefix.back() == '/')
            prefix.remove_suffix(1);
        if (prefix.size() <= 1 || !rel.starts_with(prefix) || rel.size() <= prefix.size() ||
            rel[prefix.size()] != '/')
            return std::nullopt;
        rel.remove_prefix(prefix.size());
    }
    std::string result = canonical_root_;
    result.reserve(result.size() + rel.size() + 1);
    bool exists = true; // every component so far exists
    for (std::size_t start = 0; start <= rel.size();) {
        auto end = std::min(rel.find('/', start), rel.size());
        std::string_view part = rel.substr(start, end - start);
        bool last = end == rel.size();
        start = end + 1;
        if (part.empty() || part == ".") {
            if (last) return std::nullopt; // "dir/" or "dir/.": no file name
            continue;
        }
        if (part == "..") return std::nullopt;
        result += '/';
        result.append(part);
        if (!exists) continue;
        struct stat st {};
        if (::lstat(result.c_str(), &st) != 0) {
            if (errno != ENOENT) return std::nullopt;
            exists = false; // the rest is created by write_file
        } else if (S_ISLNK(st.st_mode) || (!last && !S_ISDIR(st.st_mode))) {
            return std::nullopt;
        }
    }
    return fs::path(std::move(result));
}

fs::path expand_output_path(std::string_view tmpl, const fs::path& output_root, const Document& doc,
                            const fs::path& relative_dir) {
    return OutputPathExpander(output_root).expand(tmpl, doc, relative_dir);
}

namespace {
/// "cannot write PATH: REASON" plus what to do for the failures people can fix.
Error write_error(const std::filesystem::path& path, int err) {
    std::string message = "cannot write " + path.string() + ": " + std::strerror(err);
    if (err == ENOSPC || err == EDQUOT || err == EFBIG)
        message += " (the disk is full or a file size limit was reached: free space or raise the "
                   "limit, then run again; no partial file was left behind)";
    else if (err == EACCES || err == EPERM || err == EROFS)
        message += " (the output directory is not writable: fix its permissions or choose another "
                   "output directory)";
    return Error(message);
}
} // namespace

AtomicWriter::AtomicWriter(fs::path root) : root_(std::move(root)) {}

int AtomicWriter::directory_for(const fs::path& path, std::string& name, bool reopen) {
    return root_.empty() ? free_directory(path, name, reopen) : confined_directory(path, name);
}

/// The directory below the root, opened afresh for every write: each write goes where its path
/// says at that moment, never through a link (a handle kept from an earlier write would still
/// point at a directory since moved away). openat2 makes that one system call.
int AtomicWriter::confined_directory(const fs::path& path, std::string& name) {
    if (!root_fd_) {
        std::error_code ec;
        fs::create_directories(root_, ec);
        if (ec) throw Error("cannot create directory " + root_.string() + ": " + ec.message());
        int fd = ::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            throw Error("cannot open output directory " + root_.string() + ": " +
                        std::strerror(errno));
        root_fd_.reset(fd);
        auto canonical = fs::canonical(root_, ec);
        absolute_root_ = fs::absolute(root_).lexically_normal().native();
        canonical_root_ = ec ? absolute_root_ : canonical.native();
    }
    fs::path absolute = path.is_absolute() ? path : fs::absolute(path);
    auto outside = [&] {
        return Error("cannot write " + path.string() + ": it is outside the output directory " +
                     canonical_root_);
    };
    auto relative = below(absolute.native(), canonical_root_);
    if (!relative) relative = below(absolute.native(), absolute_root_);
    if (!relative) throw outside();
    auto slash = relative->rfind('/');
    std::string_view dir =
        slash == std::string_view::npos ? std::string_view() : relative->substr(0, slash);
    name = slash == std::string_view::npos ? *relative : relative->substr(slash + 1);
    if (name.empty() || name == "." || name == "..") throw write_error(path, EISDIR);
    BeneathError error;
    dir_fd_ = opener_.open(root_fd_.get(), dir, true, error);
    if (!dir_fd_) {
        if (error.code == EXDEV) throw outside();
        std::string reason = describe(error, canonical_root_, "output directory");
        if (error.symlink) reason += " (remove the link, or choose another output directory)";
        throw Error("cannot write " + path.string() + ": " + reason);
    }
    return dir_fd_.get();
}

/// The directory as the caller wrote it, created and opened by its path; kept for the next
/// write into the same directory (`reopen`: it was removed since).
int AtomicWriter::free_directory(const fs::path& path, std::string& name, bool reopen) {
    const std::string& target = path.native();
    auto slash = target.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : target.substr(0, slash);
    name = slash == std::string::npos ? target : target.substr(slash + 1);
    if (name.empty() || name == "." || name == "..") throw write_error(path, EISDIR);
    if (!reopen && dir_fd_ && dir == dir_) return dir_fd_.get();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error("cannot create directory " + dir + ": " + ec.message());
    int fd = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw write_error(path, errno);
    dir_fd_.reset(fd);
    dir_ = std::move(dir);
    return fd;
}

namespace {

/// Writes all of `bytes` to `fd`; errno on failure.
bool write_all(int fd, std::string_view bytes) {
    const char* data = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        ssize_t n = ::write(fd, data, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

int AtomicWriter::create_temporary(const fs::path& path, std::string& name, std::string& tmp) {
    // Seeded on the first write, not per file: std::random_device costs more than the write.
    if (owner_.empty()) {
        random_.seed(std::random_device()());
        owner_ = owner_text(this_process());
    }
    int dir = directory_for(path, name, false);
    for (int attempt = 0;; ++attempt) {
        tmp = temporary_name(name, owner_, static_cast<std::uint32_t>(random_()));
        int fd =
            ::openat(dir, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd >= 0) return fd;
        int err = errno;
        if (err == ENOENT && attempt == 0) {
            dir = directory_for(path, name, true); // removed since it was opened
            continue;
        }
        if (err == EEXIST && attempt < 8) continue; // another writer's temporary: a new name
        throw write_error(path, err);
    }
}

namespace {

/// Syncs (when asked), closes `fd` and renames `tmp` over `name` in `dir`: the end of every atomic
/// write. The errno of the first step that failed, 0 when the file is in place.
int put_in_place(int fd, int dir, const std::string& tmp, const std::string& name, bool sync) {
    int err = sync && ::fsync(fd) != 0 ? errno : 0;
    if (::close(fd) != 0 && err == 0) err = errno;
    if (err == 0 && ::renameat(dir, tmp.c_str(), dir, name.c_str()) != 0) err = errno;
    return err;
}

} // namespace

void AtomicWriter::write(const fs::path& path, std::string_view bytes, bool sync) {
    std::string name, tmp;
    int fd = create_temporary(path, name, tmp);
    int dir = dir_fd_.get();
    int err = 0;
    if (!write_all(fd, bytes)) {
        err = errno;
        ::close(fd);
    } else {
        err = put_in_place(fd, dir, tmp, name, sync);
    }
    if (err != 0) {
        ::unlinkat(dir, tmp.c_str(), 0);
        throw write_error(path, err);
    }
}

PendingFile AtomicWriter::begin(const fs::path& path, bool sync) {
    PendingFile file;
    file.fd_.reset(create_temporary(path, file.name_, file.tmp_));
    // Its own handle on the directory: this writer may move on to another one meanwhile.
    file.dir_.reset(::fcntl(dir_fd_.get(), F_DUPFD_CLOEXEC, 0));
    if (!file.dir_) {
        int err = errno;
        ::unlinkat(dir_fd_.get(), file.tmp_.c_str(), 0);
        throw write_error(path, err);
    }
    file.path_ = path;
    file.sync_ = sync;
    return file;
}

PendingFile::~PendingFile() {
    if (fd_ || !tmp_.empty()) discard();
}

void PendingFile::discard() {
    fd_.reset();
    if (dir_ && !tmp_.empty()) ::unlinkat(dir_.get(), tmp_.c_str(), 0);
    tmp_.clear();
}

void PendingFile::write(std::string_view bytes) {
    if (!fd_) throw Error("cannot write " + path_.string() + ": the file was already committed");
    if (!write_all(fd_.get(), bytes)) {
        int err = errno;
        discard();
        throw write_error(path_, err);
    }
}

void PendingFile::commit() {
    if (!fd_) throw Error("cannot write " + path_.string() + ": the file was already committed");
    if (int err = put_in_place(fd_.release(), dir_.get(), tmp_, name_, sync_); err != 0) {
        discard();
        throw write_error(path_, err);
    }
    tmp_.clear();
}

void write_file_atomically(const fs::path& path, std::string_view bytes, bool sync) {
    AtomicWriter().write(path, bytes, sync);
}

namespace {
/// A path as std::filesystem::path compares it: repeated separators count as one.
std::string claim_key(const std::string& path) {
    if (path.find("//") == std::string::npos) return path;
    std::string key;
    key.reserve(path.size());
    for (char c : path)
        if (c != '/' || key.empty() || key.back() != '/') key += c;
    return key;
}
} // namespace

void OutputClaims::claim(const fs::path& output, const fs::path& input) {
    std::string input_key = claim_key(input.native());
    std::lock_guard lock(mutex_);
    auto [it, inserted] = owners_.try_emplace(claim_key(output.native()), input_key);
    if (!inserted && it->second != input_key)
        throw Error("output " + output.string() + " was already written for " + it->second +
                    " in this run; two inputs map to one output path (e.g. a.pdf and a.txt -> "
                    "a.json): put {name} or {ext} in the exporter's path template");
}

bool sync_filesystem(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = ::syncfs(fd) == 0;
    ::close(fd);
    return ok;
}

} // namespace bulletin::host
