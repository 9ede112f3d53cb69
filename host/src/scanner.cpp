#include "scanner.hpp"

#include "batch.hpp"
#include "byte_fields.hpp"
#include "module_loader.hpp"
#include "worker_protocol.hpp"

#include <unistd.h>

#include <iostream>
#include <memory>
#include <sstream>

namespace bulletin::host {

namespace fs = std::filesystem;

namespace scan_protocol {

namespace {

constexpr char kRequestKind = 'S';
constexpr char kReplyKind = 'D';

void put_header(std::string& out, char kind, std::uint64_t id) {
    out.push_back(kind);
    bytes::put_uint(out, description_format::kVersion, 4);
    bytes::put_uint(out, id, 8);
}

bool read_header(bytes::Fields& in, char kind, std::uint64_t& id, std::string& error) {
    std::uint64_t got = 0, version = 0;
    if (!in.uint(got, 1) || !in.uint(version, 4) || !in.uint(id, 8)) {
        error = "truncated header";
        return false;
    }
    if (got != static_cast<unsigned char>(kind)) {
        error = std::string("expected a frame of kind '") + kind + "'";
        return false;
    }
    if (version != description_format::kVersion) {
        error = "description format " + std::to_string(version) + ", expected " +
                std::to_string(description_format::kVersion);
        return false;
    }
    return true;
}

} // namespace

std::string encode_request(std::uint64_t id, std::string_view path) {
    std::string out;
    put_header(out, kRequestKind, id);
    bytes::put_string(out, path);
    return out;
}

bool decode_request(std::string_view payload, std::uint64_t& id, std::string& path,
                    std::string& error) {
    bytes::Fields in(payload);
    if (!read_header(in, kRequestKind, id, error)) return false;
    if (!in.string(path, 4096) || in.left() != 0 || path.empty()) {
        error = "a bad module path";
        return false;
    }
    return true;
}

std::string encode_reply(std::uint64_t id, const ScanResult& result) {
    std::string out;
    put_header(out, kReplyKind, id);
    out += description_format::encode_scan_result(result);
    return out;
}

bool decode_reply(std::string_view payload, std::uint64_t& id, ScanResult& result,
                  std::string& error) {
    bytes::Fields in(payload);
    if (!read_header(in, kReplyKind, id, error)) return false;
    auto decoded =
        description_format::decode_scan_result(payload.substr(payload.size() - in.left()), error);
    if (!decoded) return false;
    result = std::move(*decoded);
    return true;
}

} // namespace scan_protocol

namespace {

std::string format_seconds(double s) {
    std::ostringstream out;
    out << s;
    return out.str();
}

Scanner::Outcome refused(std::string message, bool cacheable = false) {
    Scanner::Outcome outcome;
    outcome.result.refusal = std::move(message);
    outcome.cacheable = cacheable;
    return outcome;
}

} // namespace

Scanner::Outcome Scanner::scan(const fs::path& path) {
    const std::string name = path.string();
    std::uint64_t id = ++last_id_;
    auto frame =
        protocol::frame(scan_protocol::encode_request(id, name), scan_protocol::kMaxRequestBytes);
    if (!frame) return refused(name + ": the path is too long for the plugin scanner");
    std::string error;
    if (!child_.running() && !child_.start(error))
        return refused(name + ": cannot start the plugin scanner: " + error);
    using Clock = FramedChild::Clock;
    auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(timeout_));
    std::string payload, problem;
    auto status =
        child_.send(*frame)
            ? child_.read_frame(deadline, description_format::kMaxScanReplyBytes, payload, problem)
            : FramedChild::ReadStatus::Closed;
    if (status == FramedChild::ReadStatus::TimedOut) {
        child_.end({}, "");
        return refused(name + ": the plugin scanner took more than " + format_seconds(timeout_) +
                       " s to load this module and was killed (does a static constructor in it "
                       "hang?); the module is not used. Fix or remove it, or raise "
                       "BULLETIN_SCAN_TIMEOUT if it is only slow");
    }
    if (status == FramedChild::ReadStatus::Closed)
        return refused(name + ": loading this module crashed the plugin scanner (it " +
                       child_.end(std::chrono::seconds(2), "") +
                       "): the module's own code failed as it was loaded, before bulletin could "
                       "check it (a static constructor?); the module is not used. Fix or remove "
                       "the file");
    ScanResult result;
    std::uint64_t reply_id = 0;
    if (status == FramedChild::ReadStatus::Frame &&
        !scan_protocol::decode_reply(payload, reply_id, result, problem))
        problem = "a malformed reply: " + problem;
    else if (status == FramedChild::ReadStatus::Frame && reply_id != id)
        problem =
            "a reply to request " + std::to_string(reply_id) + " instead of " + std::to_string(id);
    if (!problem.empty()) {
        child_.end({}, "");
        return refused(name +
                       ": the plugin scanner broke the protocol while describing this "
                       "module (" +
                       problem + "); the module is not used");
    }
    return {std::move(result), true};
}

std::vector<std::string> scanner_argv() {
    std::error_code ec;
    return {fs::read_symlink("/proc/self/exe", ec).string(), "_scan-modules", "--parent-pid",
            std::to_string(::getpid())};
}

int run_scanner(pid_t parent_pid) {
    Fd requests, replies;
    if (auto problem = take_channel(parent_pid, "the bulletin command", requests, replies);
        !problem.empty()) {
        std::cerr << "bulletin _scan-modules: " << problem << "\n";
        return kExitConfigError;
    }
    // Modules stay loaded until the scanner exits: a module whose destructors crash must not
    // be taken for the next one.
    std::vector<std::shared_ptr<const LoadedModule>> keep;
    FrameReader reader(requests.get(), scan_protocol::kMaxRequestBytes);
    std::string payload, problem, path;
    for (;;) {
        auto status = reader.next(payload, problem);
        if (status == FrameReader::End) break;
        std::uint64_t id = 0;
        if (status != FrameReader::Frame ||
            !scan_protocol::decode_request(payload, id, path, problem)) {
            std::cerr << "bulletin _scan-modules: protocol error: " << problem << "\n";
            return kExitConfigError;
        }
        ScanResult result;
        auto loaded = load_module(path);
        if (auto* error = std::get_if<LoadError>(&loaded))
            result.refusal = error->message;
        else {
            auto module = std::get<std::shared_ptr<const LoadedModule>>(std::move(loaded));
            result.module = module->description;
            keep.push_back(std::move(module));
        }
        auto frame = protocol::frame(scan_protocol::encode_reply(id, result),
                                     description_format::kMaxScanReplyBytes);
        if (!frame) {
            result = {};
            result.refusal = path + ": the module's description is larger than the limit of " +
                             std::to_string(description_format::kMaxScanReplyBytes) + " bytes";
            frame = protocol::frame(scan_protocol::encode_reply(id, result),
                                    description_format::kMaxScanReplyBytes);
        }
        if (!frame || !write_fully(replies.get(), *frame)) return kExitSomeFailed;
    }
    std::cout.flush();
    // Skip the modules' static destructors: the host has every answer it needs.
    ::_exit(kExitOk);
}

} // namespace bulletin::host
