// bulletin/paths.hpp - output path templates ("{output}/{stem}.json", docs/pipelines.md).
//
// The host expands exporters' templates with this function (and then confines the result to the
// output root); bulletin/testing.hpp uses it too, so a plugin's tests see the same paths.
#pragma once

#include "bulletin/document.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace bulletin {

struct OutputFields {
    std::string_view output;            ///< {output}: the output root, absolute
    std::filesystem::path dir;          ///< {dir}: the input's directory below the input root
    std::string_view shard;             ///< {shard}: "" or "-K-of-N" in a sharded batch
    const Document* document = nullptr; ///< nullptr for run-level paths (begin_run, end_run)
};

/// `path_template` with its fields filled in. Values that come from the document ({stem},
/// {date}, ...) cannot add path structure: '/' becomes '_'. Throws bulletin::Error naming the
/// template for an unknown field, an unclosed '{', or a document field in a run-level path.
std::string expand_output_template(std::string_view path_template, const OutputFields& fields);

} // namespace bulletin
