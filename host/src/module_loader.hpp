// Loading one module file with Boost.DLL and checking its descriptor.
#pragma once

#include <bulletin/module.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <variant>

namespace bulletin::host {

class LibraryHandle; // keeps the shared library mapped; opaque so Boost stays in the .cpp

/// A module that passed every check. Shared by every plugin instance created from it, so the
/// library stays mapped while any object from it lives.
struct LoadedModule {
    std::filesystem::path path;
    std::shared_ptr<LibraryHandle> library;
    const ModuleInfo* info = nullptr;
};

/// Why a file could not be used as a module; `message` names the file and says what to do.
struct LoadError {
    std::filesystem::path path;
    std::string message;
};

/// Loads `path` with immediate symbol binding and checks, in order: that it is a shared library,
/// that it exports `bulletin_module`, the ABI version, the build key, and the descriptor's
/// plugin table. Never throws for a bad file.
std::variant<std::shared_ptr<const LoadedModule>, LoadError>
load_module(const std::filesystem::path& path);

/// Refuses files or directories that group or others may write (someone else could swap the code
/// we are about to run). Returns an error message, or an empty string when `path` is safe.
std::string check_not_writable_by_others(const std::filesystem::path& path);

} // namespace bulletin::host
