// Must not compile: a module that lists no plugin (tests/host/CMakeLists.txt expects the
// static_assert's sentence, not a cryptic std::size error).
#include <bulletin/module.hpp>

BULLETIN_MODULE("empty", "0.1.0", "MIT", "Lists no plugin.")
