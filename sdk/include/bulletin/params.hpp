// bulletin/params.hpp - declared, typed plugin parameters.
//
// A plugin declares its parameters once, in a table of ParamSpec at the bottom of its source file.
// That one table drives validation of pipeline files, the defaults, and `bulletin plugins NAME`.
// By the time a plugin is constructed the host has checked every value against its spec (type,
// choices, range: check_param_value) and filled in defaults, so the typed getters below never see
// a malformed value. Declare rows with the builders at the bottom of this file:
//
//     constexpr bulletin::ParamSpec kParams[] = {
//         bulletin::int_param("max_pages", "2000", "Pages read at most.").range(1, 100000),
//         bulletin::choice_param("mode", "auto", "auto|strict|loose", "How strictly to read."),
//         bulletin::double_param("ratio", "0.75", "Share of the width.").range(0, 1)
//             .tunable(0.5, 0.95, 0.05),
//     };
#pragma once

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bulletin {

enum class ParamType : std::uint8_t {
    String,
    Int,    ///< decimal integer, optionally negative
    Double, ///< decimal number
    Bool,   ///< true/false, yes/no, 1/0, on/off
    List,   ///< comma-separated strings; whitespace around items is dropped
    Choice, ///< one of the values listed in ParamSpec::choices
};

/// ParamSpec::flags
/// Worth searching when a configurer fits a pipeline to a series (`bulletin tune`): the value
/// changes what a document becomes, and tune_min/tune_max/tune_step say where to look.
inline constexpr std::uint32_t kTunable = 1u << 0;

inline constexpr double kUnbounded = std::numeric_limits<double>::infinity();

/// One row of a plugin's parameter table. Plain data so it can sit in a constexpr array; build it
/// with string_param(), int_param(), ... below.
struct ParamSpec {
    const char* name = nullptr;
    ParamType type = ParamType::String;
    const char* default_value =
        nullptr; ///< nullptr: no default (then `required` says if it must be set)
    bool required = false;
    const char* help = "";
    const char* choices = nullptr; ///< Choice: the valid values, separated by '|'
    double min = -kUnbounded;      ///< Int, Double: the smallest valid value
    double max = kUnbounded;       ///< Int, Double: the largest valid value
    std::uint32_t flags = 0;       ///< kTunable
    double tune_min = 0, tune_max = 0, tune_step = 0; ///< kTunable Int/Double: where to search
    const void* reserved[4] = {};                     ///< for later SDKs; null

    /// Values outside [lo, hi] are refused by `validate` and at load.
    constexpr ParamSpec range(double lo, double hi) const {
        ParamSpec copy = *this;
        copy.min = lo;
        copy.max = hi;
        return copy;
    }
    constexpr ParamSpec at_least(double lo) const { return range(lo, max); }
    /// The pipeline must set it (a spec with a default is never required).
    constexpr ParamSpec must_be_set() const {
        ParamSpec copy = *this;
        copy.required = true;
        return copy;
    }
    /// Marks the parameter for `bulletin tune`; numbers are searched from lo to hi by step,
    /// Bool and Choice parameters over all their values (pass 0, 0, 0).
    constexpr ParamSpec tunable(double lo = 0, double hi = 0, double step = 0) const {
        ParamSpec copy = *this;
        copy.flags |= kTunable;
        copy.tune_min = lo;
        copy.tune_max = hi;
        copy.tune_step = step;
        return copy;
    }
};

constexpr ParamSpec make_param(const char* name, ParamType type, const char* default_value,
                               const char* help) {
    ParamSpec spec;
    spec.name = name;
    spec.type = type;
    spec.default_value = default_value;
    spec.help = help;
    return spec;
}
constexpr ParamSpec string_param(const char* name, const char* default_value, const char* help) {
    return make_param(name, ParamType::String, default_value, help);
}
constexpr ParamSpec int_param(const char* name, const char* default_value, const char* help) {
    return make_param(name, ParamType::Int, default_value, help);
}
constexpr ParamSpec double_param(const char* name, const char* default_value, const char* help) {
    return make_param(name, ParamType::Double, default_value, help);
}
constexpr ParamSpec bool_param(const char* name, const char* default_value, const char* help) {
    return make_param(name, ParamType::Bool, default_value, help);
}
constexpr ParamSpec list_param(const char* name, const char* default_value, const char* help) {
    return make_param(name, ParamType::List, default_value, help);
}
/// `choices` separated by '|': "auto|strict|loose".
constexpr ParamSpec choice_param(const char* name, const char* default_value, const char* choices,
                                 const char* help) {
    ParamSpec spec = make_param(name, ParamType::Choice, default_value, help);
    spec.choices = choices;
    return spec;
}

constexpr const char* param_type_name(ParamType type) {
    switch (type) {
    case ParamType::String:
        return "string";
    case ParamType::Int:
        return "int";
    case ParamType::Double:
        return "double";
    case ParamType::Bool:
        return "bool";
    case ParamType::List:
        return "list";
    case ParamType::Choice:
        return "choice";
    }
    return "?";
}

inline std::string_view trim_ascii(std::string_view s) {
    while (!s.empty() &&
           (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

inline std::optional<long long> parse_int_param(std::string_view text) {
    text = trim_ascii(text);
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

inline std::optional<double> parse_double_param(std::string_view text) {
    text = trim_ascii(text);
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

inline std::optional<bool> parse_bool_param(std::string_view text) {
    text = trim_ascii(text);
    if (text == "true" || text == "yes" || text == "1" || text == "on") return true;
    if (text == "false" || text == "no" || text == "0" || text == "off") return false;
    return std::nullopt;
}

inline std::vector<std::string> parse_list_param(std::string_view text) {
    std::vector<std::string> items;
    while (!text.empty()) {
        auto comma = text.find(',');
        auto item = trim_ascii(text.substr(0, comma));
        if (!item.empty()) items.emplace_back(item);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return items;
}

/// The choices of a Choice spec, in their declared order.
std::vector<std::string_view> param_choices(const ParamSpec& spec);

/// What is wrong with `text` as a value of `spec` (type, choices, range), as a sentence that
/// follows "parameter 'NAME' ": "must be between 1 and 100000, not -1". Empty when valid.
/// `validate`, the host at load and bulletin/testing.hpp all use this one check.
std::optional<std::string> check_param_value(const ParamSpec& spec, std::string_view text);

/// What is wrong with a spec itself (a default its own check refuses, min above max, a Choice
/// without choices, a name that is not [a-z0-9_]): the host refuses such a module at load.
std::optional<std::string> check_param_spec(const ParamSpec& spec);

/// The validated values a plugin is constructed with. Every declared parameter that has a value
/// (given or default) is present; asking for an undeclared name throws std::out_of_range.
class Params {
public:
    Params() = default;
    explicit Params(std::map<std::string, std::string, std::less<>> values,
                    std::filesystem::path data_dir = {})
        : values_(std::move(values)), data_dir_(std::move(data_dir)) {}

    bool has(std::string_view name) const { return values_.find(name) != values_.end(); }
    const std::string& string(std::string_view name) const { return raw(name); }
    long long integer(std::string_view name) const { return *parse_int_param(raw(name)); }
    double number(std::string_view name) const { return *parse_double_param(raw(name)); }
    bool boolean(std::string_view name) const { return *parse_bool_param(raw(name)); }
    std::vector<std::string> list(std::string_view name) const {
        return parse_list_param(raw(name));
    }
    const std::string& choice(std::string_view name) const { return raw(name); }
    const std::map<std::string, std::string, std::less<>>& values() const { return values_; }
    /// The plugin's own data directory: where `bulletin_add_plugin(... DATA files)` installed its
    /// files (LIBDIR/bulletin/plugins/data/PLUGIN-MODULE/). Empty when the module ships none.
    const std::filesystem::path& data_dir() const { return data_dir_; }

private:
    const std::string& raw(std::string_view name) const {
        auto it = values_.find(name);
        if (it == values_.end())
            throw std::out_of_range("parameter '" + std::string(name) + "' has no value");
        return it->second;
    }
    std::map<std::string, std::string, std::less<>> values_;
    std::filesystem::path data_dir_;
};

} // namespace bulletin
