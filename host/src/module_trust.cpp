#include "module_trust.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace bulletin::host {

namespace fs = std::filesystem;

namespace {

std::string user_name(uid_t uid) {
    std::string text = "uid " + std::to_string(uid);
    passwd entry{};
    passwd* found = nullptr;
    char buffer[1024];
    if (::getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) == 0 && found)
        text += std::string(" (") + found->pw_name + ")";
    return text;
}

std::string octal_mode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

std::string quoted(const fs::path& p) {
    return "'" + p.string() + "'";
}

/// `component` is the `depth`-th path element above the target (0: the target itself).
/// `strict_depth`: up to this depth even a sticky directory is refused.
std::string check_component(const fs::path& component, int depth, int strict_depth,
                            const char* what) {
    struct stat st {};
    if (::lstat(component.c_str(), &st) != 0)
        return "cannot stat " + component.string() + ": " + std::strerror(errno);
    const uid_t me = ::geteuid();
    const bool foreign = st.st_uid != 0 && st.st_uid != me;
    const bool writable = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
    if (!foreign && !writable) return {}; // the common case: no names looked up
    const char* kind = S_ISDIR(st.st_mode) ? "directory" : what;
    std::string described = std::string(kind) + " " + component.string() + " (owner " +
                            user_name(st.st_uid) + ", mode " + octal_mode(st.st_mode) + ")";
    if (foreign)
        return described + " is owned by neither root nor the user running bulletin (" +
               user_name(me) +
               "), so its owner could change the code bulletin runs; fix with: chown " +
               std::to_string(me) + " " + quoted(component) +
               " (or move the module to a directory you own)";
    const bool sticky = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX);
    if (sticky && depth > strict_depth) return {}; // entries in it are safe from others
    std::string problem = described +
                          " is writable by group or others, so anyone could replace the code "
                          "bulletin runs; fix with: chmod go-w " +
                          quoted(component);
    if (sticky)
        problem += " (a sticky directory like /tmp is not enough for the module's own "
                   "directory: others could still add modules to it)";
    return problem;
}

TrustCheck check(const fs::path& given, int strict_depth, const char* refusing, const char* what) {
    TrustCheck result;
    std::unique_ptr<char, decltype(&std::free)> real(::realpath(given.c_str(), nullptr),
                                                     &std::free);
    if (!real) {
        result.problem = given.string() + ": cannot resolve the path: " + std::strerror(errno);
        return result;
    }
    fs::path resolved(real.get());
    const std::string head = given.string() +
                             (resolved == given ? "" : " (resolves to " + resolved.string() + ")") +
                             ": refusing " + refusing + ": ";
    int depth = 0;
    for (fs::path component = resolved;; component = component.parent_path(), ++depth) {
        if (auto problem = check_component(component, depth, strict_depth, what);
            !problem.empty()) {
            result.problem = head + problem;
            return result;
        }
        if (component == component.root_path() || component.parent_path() == component) break;
    }
    result.resolved = std::move(resolved);
    return result;
}

} // namespace

TrustCheck check_module_trust(const fs::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        return {{}, file.string() + ": refusing plugin module: not a regular file"};
    return check(file, 1, "the module", "plugin file");
}

TrustCheck check_directory_trust(const fs::path& dir) {
    return check(dir, 0, "the plugin directory", "plugin directory");
}

} // namespace bulletin::host
