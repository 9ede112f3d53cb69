// meeting: tags meeting names ("全省人大选举任免联络工作座谈会") as entities of type "meeting".
#pragma once

#include <bulletin/params.hpp>
#include <bulletin/plugin.hpp>

#include <string>
#include <vector>

class MeetingTagger final : public bulletin::Tagger {
public:
    explicit MeetingTagger(const bulletin::Params& params);
    void tag(bulletin::Document& document, bulletin::Context& context) override;

    /// Meeting names in `text` as [start, end) code-point spans.
    std::vector<std::pair<int, int>> find(std::u32string_view text) const;

private:
    std::vector<std::u32string> suffixes_;
    std::u32string stops_;
    std::size_t min_length_;
    std::size_t max_length_;
};
