// Whether a plugin module may be loaded at all: the rule sshd's StrictModes applies to
// authorized_keys (docs/architecture.md, "Trust model"). The resolved file and every directory
// up to `/` must be owned by root or the running user, and none may be writable by group or
// others, except that a directory above the module's own directory may be a sticky one (like
// /tmp), where no one can rename or delete an entry that someone else owns.
#pragma once

#include <filesystem>
#include <string>

namespace bulletin::host {

struct TrustCheck {
    std::filesystem::path resolved; ///< realpath of what was checked (with no problem)
    std::string problem;            ///< empty when trusted; else names the file, the path
                                    ///< component at fault, its owner and mode, and the fix
};

/// Checks a module file (following symlinks to the real file).
TrustCheck check_module_trust(const std::filesystem::path& file);
/// Checks a plugin directory: the same rule, the directory in the place of the file.
TrustCheck check_directory_trust(const std::filesystem::path& dir);

} // namespace bulletin::host
