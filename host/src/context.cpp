#include "context.hpp"

#include "logging.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace bulletin::host {

namespace {

std::string issue_text(const Document& doc) {
    if (!doc.masthead.issue) return "noissue";
    return std::to_string(doc.masthead.issue->number);
}

/// File name of the input without its last extension ("a/b.gb18030.txt" -> "b.gb18030").
std::string stem_of(const Document& doc) {
    return std::filesystem::path(doc.source.path).stem().string();
}

std::string safe_component(std::string value) {
    // A value that comes from the document must not add path structure.
    for (char& c : value)
        if (c == '/' || c == '\\' || c == '\0') c = '_';
    if (value == "." || value == "..") value = "_";
    return value;
}

}  // namespace

std::filesystem::path expand_output_path(std::string_view tmpl,
                                         const std::filesystem::path& output_root,
                                         const Document& doc,
                                         const std::filesystem::path& relative_dir) {
    std::string out;
    for (std::size_t i = 0; i < tmpl.size();) {
        if (tmpl[i] != '{') {
            out += tmpl[i++];
            continue;
        }
        auto close = tmpl.find('}', i);
        if (close == std::string_view::npos)
            throw Error("output path template '" + std::string(tmpl) + "' has an unclosed '{'");
        std::string_view key = tmpl.substr(i + 1, close - i - 1);
        std::filesystem::path source(doc.source.path);
        // Absolute, so that a template without {output} is the only relative case below.
        if (key == "output") out += std::filesystem::absolute(output_root).string();
        else if (key == "dir") out += relative_dir.empty() ? "." : relative_dir.string();
        else if (key == "stem") out += safe_component(stem_of(doc));
        else if (key == "name") out += safe_component(source.filename().string());
        else if (key == "ext") out += safe_component(source.extension().string());
        else if (key == "format") out += safe_component(doc.source.format);
        else if (key == "date") out += safe_component(doc.masthead.date.value_or("nodate"));
        else if (key == "series") out += safe_component(doc.masthead.series.value_or("noseries"));
        else if (key == "issue") out += issue_text(doc);
        else
            throw Error("output path template '" + std::string(tmpl) + "' uses unknown field {" +
                        std::string(key) +
                        "}; known: {output} {dir} {stem} {name} {ext} {format} {date} {series} "
                        "{issue}");
        i = close + 1;
    }
    std::filesystem::path path(out);
    if (path.is_relative()) path = output_root / path;
    auto root = std::filesystem::weakly_canonical(std::filesystem::absolute(output_root));
    auto full = std::filesystem::weakly_canonical(std::filesystem::absolute(path));
    auto rel = full.lexically_relative(root);
    if (rel.empty() || *rel.begin() == ".." || rel == ".")
        throw Error("output path '" + full.string() + "' (from template '" + std::string(tmpl) +
                    "') is outside the output directory " + root.string());
    return full;
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
}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes, bool sync) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) throw Error("cannot create directory " + path.parent_path().string() + ": " + ec.message());

    std::random_device random;
    auto tmp = path;
    tmp += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(random());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) throw write_error(path, errno);
    const char* data = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        ssize_t n = ::write(fd, data, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw write_error(path, err);
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    if ((sync && ::fsync(fd) != 0) || ::close(fd) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw write_error(path, err);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw write_error(path, err);
    }
}

void OutputClaims::claim(const std::filesystem::path& output, const std::filesystem::path& input) {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = owners_.try_emplace(output, input);
    if (!inserted && it->second != input)
        throw Error("output " + output.string() + " was already written for " +
                    it->second.string() +
                    " in this run; two inputs map to one output path (e.g. a.pdf and a.txt -> "
                    "a.json): put {name} or {ext} in the exporter's path template");
}

RunContext::RunContext(std::string plugin_name, std::filesystem::path output_root,
                       const std::atomic<bool>* cancel_flag)
    : name_(std::move(plugin_name)), output_root_(std::move(output_root)),
      cancel_flag_(cancel_flag), logger_(plugin_logger(name_)) {}

bool RunContext::log_enabled(LogLevel level) const {
    return logger_->should_log(to_spdlog(level));
}

void RunContext::log(LogLevel level, std::string_view message) {
    logger_->log(to_spdlog(level), "{}", message);
}

std::filesystem::path RunContext::output_path(std::string_view path_template,
                                              const Document& document) const {
    return expand_output_path(path_template, output_root_, document, relative_dir_);
}

void RunContext::write_file(const std::filesystem::path& path, std::string_view bytes) {
    write_file_atomically(path, bytes, sync_outputs_);
}

bool sync_filesystem(const std::filesystem::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = ::syncfs(fd) == 0;
    ::close(fd);
    return ok;
}

}  // namespace bulletin::host
