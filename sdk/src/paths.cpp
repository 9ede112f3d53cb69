#include "bulletin/paths.hpp"

#include "bulletin/plugin.hpp"

#include <optional>

namespace bulletin {
namespace {

std::string issue_text(const Document& doc) {
    if (!doc.masthead.issue) return "noissue";
    return std::to_string(doc.masthead.issue->number);
}

/// Appends a value that comes from the document; it must not add path structure.
void append_safe(std::string& out, std::string_view value) {
    if (value == "." || value == "..") {
        out += '_';
        return;
    }
    for (char c : value)
        out += c == '/' || c == '\\' || c == '\0' ? '_' : c;
}

} // namespace

std::string expand_output_template(std::string_view tmpl, const OutputFields& fields) {
    namespace fs = std::filesystem;
    std::string out;
    out.reserve(tmpl.size() + fields.output.size() + 64);
    std::optional<fs::path> source;
    auto document = [&](std::string_view key) -> const Document& {
        if (!fields.document)
            throw Error("output path template '" + std::string(tmpl) + "' uses {" +
                        std::string(key) +
                        "}, which names a document, for a file of the whole run; use {output} "
                        "and {shard}");
        return *fields.document;
    };
    auto source_path = [&](std::string_view key) -> const fs::path& {
        if (!source) source.emplace(document(key).source.path);
        return *source;
    };
    for (std::size_t i = 0; i < tmpl.size();) {
        auto open = tmpl.find('{', i);
        if (open == std::string_view::npos) {
            out.append(tmpl.substr(i));
            break;
        }
        out.append(tmpl.substr(i, open - i));
        auto close = tmpl.find('}', open);
        if (close == std::string_view::npos)
            throw Error("output path template '" + std::string(tmpl) + "' has an unclosed '{'");
        std::string_view key = tmpl.substr(open + 1, close - open - 1);
        // {output} is absolute, so that a template without it is the only relative case.
        if (key == "output")
            out.append(fields.output);
        else if (key == "shard")
            out.append(fields.shard);
        else if (key == "dir")
            out.append(fields.dir.empty() ? "." : fields.dir.native());
        else if (key == "stem")
            append_safe(out, source_path(key).stem().native());
        else if (key == "name")
            append_safe(out, source_path(key).filename().native());
        else if (key == "ext")
            append_safe(out, source_path(key).extension().native());
        else if (key == "format")
            append_safe(out, document(key).source.format);
        else if (key == "date")
            append_safe(out, document(key).masthead.date.value_or("nodate"));
        else if (key == "series")
            append_safe(out, document(key).masthead.series.value_or("noseries"));
        else if (key == "issue")
            out += issue_text(document(key));
        else
            throw Error("output path template '" + std::string(tmpl) + "' uses unknown field {" +
                        std::string(key) +
                        "}; known: {output} {dir} {stem} {name} {ext} {format} {date} {series} "
                        "{issue} {shard}");
        i = close + 1;
    }
    return out;
}

} // namespace bulletin
