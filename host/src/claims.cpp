#include "claims.hpp"

#include "runner.hpp"

#include <utility>

namespace bulletin::host {

namespace fs = std::filesystem;

StateKeys::StateKeys(const fs::path& input_root, const fs::path& output_root)
    : input_root_(input_root) {
    std::error_code ec;
    auto root = fs::weakly_canonical(fs::absolute(output_root), ec);
    output_root_ = (ec ? fs::absolute(output_root) : root).string();
    if (!output_root_.ends_with('/')) output_root_ += '/';
}

std::string StateKeys::output(const fs::path& path) const {
    // Output paths come canonical from Context::output_path; anything else is made so.
    auto relative_to_root = [&](const std::string& p) -> std::optional<std::string> {
        if (p.size() > output_root_.size() && p.starts_with(output_root_))
            return fs::path(p.substr(output_root_.size())).lexically_normal().generic_string();
        return std::nullopt;
    };
    if (auto key = relative_to_root(path.string())) return *key;
    std::error_code ec;
    auto canonical = fs::weakly_canonical(fs::absolute(path), ec).string();
    if (auto key = relative_to_root(canonical)) return *key;
    return ec ? path.lexically_normal().string() : canonical;
}

std::string StateKeys::input(const fs::path& path) const {
    auto relative = path.lexically_relative(input_root_);
    if (relative.empty() || *relative.begin() == "..") return path.lexically_normal().string();
    return relative.generic_string();
}

Error conflicting_output(const fs::path& output, const std::string& owner,
                         const std::string& input) {
    return Error("output " + output.string() + " belongs to " + owner +
                 " (recorded in the batch state), and " + input +
                 " maps to the same path; it was not overwritten. Put {name} or {ext} in the "
                 "exporter's path template (e.g. {output}/{dir}/{name}.json) so that every input "
                 "has its own output");
}

BatchClaims::BatchClaims(StateKeys keys, const std::vector<OutputRecord>& rows)
    : keys_(std::move(keys)) {
    rows_.reserve(rows.size());
    for (const auto& row : rows)
        rows_.emplace(row.path, row);
}

void BatchClaims::claim(const fs::path& output, const fs::path& input) {
    std::string key = keys_.output(output);
    std::string owner = keys_.input(input);
    std::lock_guard lock(mutex_);
    auto [it, inserted] = rows_.try_emplace(key, OutputRecord{key, owner, -1, ""});
    if (inserted)
        changed_[key] = true;
    else if (it->second.input != owner)
        throw conflicting_output(output, it->second.input, owner);
}

void BatchClaims::written(const fs::path& output, const fs::path& input, std::int64_t size,
                          const std::string& sha256) {
    std::string key = keys_.output(output);
    std::string owner = keys_.input(input);
    std::lock_guard lock(mutex_);
    rows_[key] = OutputRecord{key, std::move(owner), size, sha256};
    changed_[key] = true;
}

const OutputRecord* BatchClaims::find(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto it = rows_.find(key);
    return it == rows_.end() ? nullptr : &it->second;
}

void BatchClaims::set(OutputRecord record) {
    std::lock_guard lock(mutex_);
    changed_[record.path] = true;
    std::string key = record.path;
    rows_[key] = std::move(record);
}

std::pair<std::vector<OutputRecord>, std::vector<std::string>> BatchClaims::changes() {
    std::lock_guard lock(mutex_);
    std::vector<OutputRecord> save;
    save.reserve(changed_.size());
    for (const auto& [key, unused] : changed_)
        if (auto it = rows_.find(key); it != rows_.end()) save.push_back(it->second);
    changed_.clear();
    return {std::move(save), std::exchange(released_, {})};
}

void WorkerClaims::claim(const fs::path& output, const fs::path& input) {
    std::string key = keys_.output(output);
    std::string owner = keys_.input(input);
    std::lock_guard lock(mutex_);
    std::string current = table_.claim(key, owner);
    if (current != owner) throw conflicting_output(output, current, owner);
}

void WorkerClaims::written(const fs::path& output, const fs::path& input, std::int64_t size,
                           const std::string& sha256) {
    std::string key = keys_.output(output);
    std::string owner = keys_.input(input);
    std::lock_guard lock(mutex_);
    table_.written(key, owner, size, sha256);
}

} // namespace bulletin::host
