#include "temporaries.hpp"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <optional>
#include <vector>

namespace bulletin::host {

namespace {

constexpr std::string_view kMarker = ".tmp-";
constexpr std::size_t kMaxHost = 32;

/// A small file under /proc, whole; nullopt with errno set when it cannot be read.
std::optional<std::string> read_small(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string text(4096, '\0');
    std::size_t used = 0;
    for (;;) {
        ssize_t n = ::read(fd, text.data() + used, text.size() - used);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        used += static_cast<std::size_t>(n);
        if (used == text.size()) text.resize(text.size() * 2);
    }
    ::close(fd);
    text.resize(used);
    return text;
}

bool all_of(std::string_view s, bool (*pred)(char)) {
    return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f');
}

template <class T> std::optional<T> number(std::string_view s) {
    T value{};
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return value;
}

/// Field 22 of /proc/PID/stat (starttime). The command name (field 2) may hold spaces and
/// parentheses, so fields are counted after its last ')'.
std::optional<std::uint64_t> start_time(std::string_view stat) {
    auto close = stat.rfind(')');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view rest = stat.substr(close + 1);
    int field = 2;
    for (std::size_t i = 0; i < rest.size();) {
        while (i < rest.size() && rest[i] == ' ')
            ++i;
        auto end = std::min(rest.find(' ', i), rest.size());
        if (end == i) break;
        if (++field == 22) return number<std::uint64_t>(rest.substr(i, end - i));
        i = end;
    }
    return std::nullopt;
}

std::string hex(std::uint64_t value, int digits = 0) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    do {
        out.insert(out.begin(), kDigits[value & 15]);
        value >>= 4;
    } while (value != 0);
    if (static_cast<int>(out.size()) < digits)
        out.insert(0, static_cast<std::size_t>(digits) - out.size(), '0');
    return out;
}

} // namespace

TemporaryOwner this_process() {
    TemporaryOwner self;
    char host[HOST_NAME_MAX + 1] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    for (const char* c = host; *c && self.host.size() < kMaxHost; ++c) {
        bool plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || is_digit(*c) ||
                     *c == '.' || *c == '_' || *c == '-';
        self.host += plain ? *c : '_';
    }
    if (self.host.empty()) self.host = "localhost";

    // The boot id changes with every boot and differs between machines; the PID namespace tells
    // two containers of one machine apart. FNV-1a of both keeps the name short.
    std::string identity = read_small("/proc/sys/kernel/random/boot_id").value_or("");
    char ns[128] = {};
    ssize_t n = ::readlink("/proc/self/ns/pid", ns, sizeof ns - 1);
    if (n > 0) identity.append(ns, static_cast<std::size_t>(n));
    std::uint32_t hash = 2166136261u;
    for (unsigned char c : identity) {
        hash ^= c;
        hash *= 16777619u;
    }
    self.boot = hex(hash, 8);

    self.pid = ::getpid();
    if (auto stat = read_small("/proc/self/stat")) self.start = start_time(*stat).value_or(0);
    return self;
}

std::string owner_text(const TemporaryOwner& owner) {
    return owner.host + "-" + owner.boot + "-" + std::to_string(owner.pid) + "-" +
           std::to_string(owner.start);
}

std::string temporary_name(std::string_view name, std::string_view owner, std::uint32_t random) {
    std::string suffix = std::string(kMarker) + std::string(owner) + "-" + hex(random);
    std::size_t room = NAME_MAX > suffix.size() ? NAME_MAX - suffix.size() : 0;
    if (name.size() > room) {
        name = name.substr(0, room);
        while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0x80)
            name.remove_suffix(1); // a continuation byte: drop the partial character
        if (!name.empty() && static_cast<unsigned char>(name.back()) >= 0xC0)
            name.remove_suffix(1); // its lead byte
    }
    return std::string(name) + suffix;
}

TemporaryName parse_temporary_name(std::string_view file_name) {
    TemporaryName result;
    auto at = file_name.rfind(kMarker);
    if (at == std::string_view::npos || at == 0) return result;
    std::string_view tail = file_name.substr(at + kMarker.size());
    std::vector<std::string_view> fields; // from the right; the host may hold '-'
    while (fields.size() < 4) {
        auto dash = tail.rfind('-');
        if (dash == std::string_view::npos) break;
        fields.push_back(tail.substr(dash + 1));
        tail = tail.substr(0, dash);
    }
    if (fields.size() == 1 && all_of(tail, is_digit) && all_of(fields[0], is_digit)) {
        result.kind = TemporaryName::Legacy;
        return result;
    }
    if (fields.size() != 4 || tail.empty() || !all_of(fields[0], is_hex) ||
        !all_of(fields[1], is_digit) || !all_of(fields[2], is_digit) || fields[3].size() != 8 ||
        !all_of(fields[3], is_hex))
        return result;
    auto pid = number<long long>(fields[2]);
    auto start = number<std::uint64_t>(fields[1]);
    if (!pid || !start) return result;
    result.kind = TemporaryName::Owned;
    result.owner.host = std::string(tail);
    result.owner.boot = std::string(fields[3]);
    result.owner.pid = *pid;
    result.owner.start = *start;
    return result;
}

OwnerState owner_state(const TemporaryOwner& owner, const TemporaryOwner& self) {
    if (owner.host != self.host || owner.boot != self.boot || self.start == 0 || owner.start == 0 ||
        owner.pid <= 0)
        return OwnerState::Unknown;
    auto stat = read_small("/proc/" + std::to_string(owner.pid) + "/stat");
    if (!stat) return errno == ENOENT || errno == ESRCH ? OwnerState::Gone : OwnerState::Unknown;
    auto start = start_time(*stat);
    if (!start) return OwnerState::Unknown;
    if (*start != owner.start) return OwnerState::Gone;
    // A killed writer stays in /proc as a zombie until its new parent reaps it: it writes no more.
    auto close = stat->rfind(')');
    bool exited =
        close + 2 < stat->size() && ((*stat)[close + 2] == 'Z' || (*stat)[close + 2] == 'X');
    return exited ? OwnerState::Gone : OwnerState::Running;
}

} // namespace bulletin::host
