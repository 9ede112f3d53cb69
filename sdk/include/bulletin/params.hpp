// bulletin/params.hpp - declared, typed plugin parameters.
//
// A plugin declares its parameters once, in a table of ParamSpec at the bottom of its source file.
// That one table drives validation of pipeline files, the defaults, and `bulletin plugins NAME`.
// By the time a plugin is constructed the host has checked every value against its spec and
// filled in defaults, so the typed getters below never see a malformed value.
#pragma once

#include <charconv>
#include <cstdint>
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
};

/// One row of a plugin's parameter table. Plain data so it can sit in a constexpr array.
struct ParamSpec {
    const char* name;
    ParamType type;
    const char* default_value; ///< nullptr: no default (then `required` says if it must be set)
    bool required;
    const char* help;
};

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

/// True when `text` is a valid value of `type`.
inline bool param_value_valid(ParamType type, std::string_view text) {
    switch (type) {
    case ParamType::Int:
        return parse_int_param(text).has_value();
    case ParamType::Double:
        return parse_double_param(text).has_value();
    case ParamType::Bool:
        return parse_bool_param(text).has_value();
    case ParamType::String:
    case ParamType::List:
        return true;
    }
    return false;
}

/// The validated values a plugin is constructed with. Every declared parameter that has a value
/// (given or default) is present; asking for an undeclared name throws std::out_of_range.
class Params {
public:
    Params() = default;
    explicit Params(std::map<std::string, std::string, std::less<>> values)
        : values_(std::move(values)) {}

    bool has(std::string_view name) const { return values_.find(name) != values_.end(); }
    const std::string& string(std::string_view name) const { return raw(name); }
    long long integer(std::string_view name) const { return *parse_int_param(raw(name)); }
    double number(std::string_view name) const { return *parse_double_param(raw(name)); }
    bool boolean(std::string_view name) const { return *parse_bool_param(raw(name)); }
    std::vector<std::string> list(std::string_view name) const {
        return parse_list_param(raw(name));
    }
    const std::map<std::string, std::string, std::less<>>& values() const { return values_; }

private:
    const std::string& raw(std::string_view name) const {
        auto it = values_.find(name);
        if (it == values_.end())
            throw std::out_of_range("parameter '" + std::string(name) + "' has no value");
        return it->second;
    }
    std::map<std::string, std::string, std::less<>> values_;
};

} // namespace bulletin
