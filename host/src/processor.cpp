#include "processor.hpp"

namespace bulletin::host {

namespace fs = std::filesystem;

Result InProcess::process(const Item& item) {
    auto relative_dir = fs::path(item.relative).parent_path();
    auto outcome = runner_.process(item.absolute, relative_dir.empty() ? "." : relative_dir);
    Result r;
    r.ok = outcome.ok;
    r.interrupted = outcome.interrupted;
    r.error = outcome.error;
    r.sha256 = std::move(outcome.document.source.sha256);
    for (const auto& o : outcome.outputs)
        r.outputs.push_back(o.string());
    r.records = std::move(outcome.records);
    r.seconds = outcome.elapsed.count();
    return r;
}

} // namespace bulletin::host
