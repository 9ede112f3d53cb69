#include "bulletin/params.hpp"

#include <cmath>
#include <sstream>

namespace bulletin {
namespace {

std::string number_text(double value) {
    std::ostringstream out;
    out.precision(15);
    out << value;
    return out.str();
}

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

std::optional<std::string> check_range(const ParamSpec& spec, double value) {
    if (value >= spec.min && value <= spec.max) return std::nullopt;
    if (spec.max == kUnbounded)
        return "must be at least " + number_text(spec.min) + ", not " + number_text(value);
    if (spec.min == -kUnbounded)
        return "must be at most " + number_text(spec.max) + ", not " + number_text(value);
    return "must be between " + number_text(spec.min) + " and " + number_text(spec.max) + ", not " +
           number_text(value);
}

} // namespace

std::vector<std::string_view> param_choices(const ParamSpec& spec) {
    std::vector<std::string_view> choices;
    if (!spec.choices) return choices;
    std::string_view all = spec.choices;
    while (true) {
        auto bar = all.find('|');
        choices.push_back(all.substr(0, bar));
        if (bar == std::string_view::npos) break;
        all.remove_prefix(bar + 1);
    }
    return choices;
}

std::optional<std::string> check_param_value(const ParamSpec& spec, std::string_view text) {
    switch (spec.type) {
    case ParamType::Int: {
        auto value = parse_int_param(text);
        if (!value) return "must be an integer, not " + quoted(text);
        return check_range(spec, static_cast<double>(*value));
    }
    case ParamType::Double: {
        auto value = parse_double_param(text);
        if (!value) return "must be a number, not " + quoted(text);
        if (!std::isfinite(*value)) return "must be a finite number, not " + quoted(text);
        return check_range(spec, *value);
    }
    case ParamType::Bool:
        if (!parse_bool_param(text))
            return "must be true or false (also yes/no, on/off, 1/0), not " + quoted(text);
        return std::nullopt;
    case ParamType::Choice: {
        auto choices = param_choices(spec);
        auto value = trim_ascii(text);
        for (auto choice : choices)
            if (choice == value) return std::nullopt;
        std::string list;
        for (auto choice : choices)
            list += (list.empty() ? "" : ", ") + std::string(choice);
        return "must be one of " + list + ", not " + quoted(text);
    }
    case ParamType::String:
    case ParamType::List:
        return std::nullopt;
    }
    return "has an unknown type";
}

std::optional<std::string> check_param_spec(const ParamSpec& spec) {
    if (!spec.name || !*spec.name) return "has no name";
    for (const char* c = spec.name; *c; ++c)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return "is not a valid name: use lower-case letters, digits and '_'";
    if (static_cast<unsigned>(spec.type) > static_cast<unsigned>(ParamType::Choice))
        return "has an unknown type";
    if (spec.type == ParamType::Choice) {
        if (!spec.choices || !*spec.choices) return "is a choice without choices";
        for (auto choice : param_choices(spec))
            if (choice.empty() || trim_ascii(choice) != choice)
                return "has an empty choice or one with spaces around it in '" +
                       std::string(spec.choices) + "'";
    }
    if (std::isnan(spec.min) || std::isnan(spec.max) || spec.min > spec.max)
        return "has no valid range (min " + number_text(spec.min) + ", max " +
               number_text(spec.max) + ")";
    if (spec.default_value) {
        if (auto problem = check_param_value(spec, spec.default_value))
            return "has a default that its own check refuses: it " + *problem;
    }
    if ((spec.flags & kTunable) &&
        (spec.type == ParamType::Int || spec.type == ParamType::Double) &&
        !(spec.tune_min <= spec.tune_max && spec.tune_step > 0 && spec.tune_min >= spec.min &&
          spec.tune_max <= spec.max))
        return "is tunable but its tune range is empty or outside its valid range";
    return std::nullopt;
}

} // namespace bulletin
