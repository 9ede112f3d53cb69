// bulletin/json_read.hpp - reading JSON in a plugin (a JSON-lines reader, a gazetteer file).
//
// The SDK's JSON values are nlohmann::json (Debian nlohmann-json3-dev, linked by the SDK); this
// header adds what a plugin needs around it: errors that name the input and the line and column.
#pragma once

#include "bulletin/plugin.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace bulletin::json {

/// Line and column (1-based, columns in bytes) of byte `offset` of `text`.
inline std::pair<std::size_t, std::size_t> line_and_column(std::string_view text,
                                                           std::size_t offset) {
    offset = std::min(offset, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

/// Parses `text`; throws bulletin::Error "NAME:LINE:COL: what is wrong" when it is not JSON.
inline nlohmann::json parse(std::string_view text, std::string_view name) {
    try {
        return nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        // e.byte is 1-based: the byte at which the parser stopped.
        auto [line, column] = line_and_column(text, e.byte > 0 ? e.byte - 1 : 0);
        std::string what = e.what();
        if (auto colon = what.find(": "); colon != std::string::npos) what.erase(0, colon + 2);
        throw Error(std::string(name) + ":" + std::to_string(line) + ":" + std::to_string(column) +
                    ": not valid JSON: " + what);
    }
}

} // namespace bulletin::json
