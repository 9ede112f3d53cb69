// `bulletin eval`: runs a pipeline on inputs that have hand-checked gold files and scores the
// result field by field, the same way ../shared/tools/score-bulletin does, so configurers can
// measure a pipeline for a new series without leaving bulletin.
#pragma once

#include "registry.hpp"

#include <bulletin/document.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace bulletin::host {

struct ScoreRow {
    std::string name; ///< "masthead.date", "articles.paragraphs", "persons.names", ...
    double value = 0;
    bool structure = true;  ///< structure row (else entity row)
    std::string difference; ///< expected vs got, when the row is not perfect
};

struct DocumentScore {
    std::filesystem::path input, gold;
    std::vector<ScoreRow> rows;
    std::string error; ///< the pipeline failed on this input
    double structure() const;
    double entities() const;
};

/// Scores `doc` against a gold file's JSON (schema bulletin/1 plus the gold entity lists).
std::vector<ScoreRow> score_document(const Document& doc, const nlohmann::json& gold);

/// Text as the scorer compares it: NFKC, all white space removed.
std::string score_normalize(std::string_view text);

struct EvalOptions {
    std::filesystem::path pipeline_file;
    std::vector<std::string> sets;
    std::filesystem::path gold_dir;            ///< empty: look beside each input
    std::vector<std::filesystem::path> inputs; ///< files or directories
    bool json = false;
    double min_structure = 0, min_entities = 0;
};

/// Finds the gold file for `input`: NAME.gold.json for NAME the file name with one, two, ...
/// extensions removed ("a.plain.txt" -> "a.plain.gold.json", then "a.gold.json"), in `gold_dir`
/// or beside the input. Empty when there is none.
std::filesystem::path find_gold(const std::filesystem::path& input,
                                const std::filesystem::path& gold_dir);

/// Runs `bulletin eval`; returns the exit code (0 thresholds met, 1 not met, 2 configuration).
int run_eval(const Registry& registry, const EvalOptions& options);

} // namespace bulletin::host
