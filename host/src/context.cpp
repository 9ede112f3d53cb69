// The Context each plugin is given: logging, output paths and writes through the output layer
// (output.hpp), claims and records.
#include "context.hpp"

#include "hash.hpp"
#include "logging.hpp"

#include <spdlog/spdlog.h>

namespace bulletin::host {

namespace fs = std::filesystem;

RunContext::RunContext(std::string plugin_name, fs::path output_root,
                       const std::atomic<bool>* cancel_flag, const DocumentScope* scope,
                       std::string shard)
    : name_(std::move(plugin_name)), output_root_(std::move(output_root)),
      cancel_flag_(cancel_flag), scope_(scope), logger_(plugin_logger(name_)),
      shard_(std::move(shard)), paths_(output_root_), writer_(output_root_) {}

bool RunContext::log_enabled(LogLevel level) const {
    return logger_->should_log(to_spdlog(level));
}

void RunContext::log(LogLevel level, std::string_view message) {
    logger_->log(to_spdlog(level), "{}", message);
}

fs::path RunContext::output_path(std::string_view path_template, const Document& document) const {
    static const fs::path dot(".");
    return paths_.expand(path_template, &document, scope_ ? scope_->relative_dir : dot, shard_);
}

fs::path RunContext::run_output_path(std::string_view path_template) const {
    return paths_.expand(path_template, nullptr, ".", shard_);
}

void RunContext::write_file(const fs::path& path, std::string_view bytes) {
    file_starts(path);
    writer_.write(path, bytes, sync_outputs_);
    file_written(path, static_cast<std::int64_t>(bytes.size()),
                 wants_digest() ? sha256_hex(bytes) : std::string());
}

/// An OutputFile through the context's writer: bytes gathered in a buffer and written in large
/// pieces (the JSON writer hands over 2 KiB at a time), hashed as they go when the context's
/// claims keep digests.
class ContextFile final : public OutputFile {
public:
    ContextFile(RunContext& context, PendingFile file)
        : context_(context), file_(std::move(file)), hash_(context.wants_digest()) {}
    void write(std::string_view bytes) override {
        if (buffer_.size() + bytes.size() > kBufferSize) flush();
        if (bytes.size() >= kBufferSize)
            put(bytes);
        else
            buffer_.append(bytes);
    }
    void commit() override {
        flush();
        file_.commit();
        context_.file_written(file_.path(), size_, hash_ ? digest_.hex() : std::string());
    }

private:
    static constexpr std::size_t kBufferSize = 64 * 1024;
    void flush() {
        put(buffer_);
        buffer_.clear();
    }
    void put(std::string_view bytes) {
        if (bytes.empty()) return;
        file_.write(bytes);
        if (hash_) digest_.update(bytes);
        size_ += static_cast<std::int64_t>(bytes.size());
    }

    RunContext& context_;
    PendingFile file_;
    bool hash_;
    Sha256 digest_;
    std::int64_t size_ = 0;
    std::string buffer_;
};

std::unique_ptr<OutputFile> RunContext::open_file(const fs::path& path) {
    file_starts(path);
    return std::make_unique<ContextFile>(*this, writer_.begin(path, sync_outputs_));
}

} // namespace bulletin::host
