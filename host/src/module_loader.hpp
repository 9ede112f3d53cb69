// Loading one module file with Boost.DLL and checking its descriptor.
#pragma once

#include "module_description.hpp"

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
    ModuleDescription description; ///< what the scanner sends for it
};

/// Why a file could not be used as a module; `message` names the file and says what to do.
struct LoadError {
    std::filesystem::path path;
    std::string message;
};

/// Loads `path` with immediate symbol binding and checks, in order: that the file is trusted
/// (module_trust.hpp), that it is a shared library, that it exports `bulletin_module`, the ABI
/// version, the build key, and the descriptor's plugin table. Never throws for a bad file.
/// This runs the module's code (its static constructors): the host calls it only for modules a
/// pipeline uses, and the plugin scanner (scanner.hpp) for the others.
std::variant<std::shared_ptr<const LoadedModule>, LoadError>
load_module(const std::filesystem::path& path);

} // namespace bulletin::host
