// Fuzzes the Chinese-numeral parser (bulletin::text::parse_number, UTF-8 and UTF-32 forms) and
// the cn.dates tagger: the input is a title and paragraphs (split at '\n') of one article under
// a masthead whose date is the first line, so relative dates resolve against it.
#include "fuzz_common.hpp"

#include <bulletin/text.hpp>

namespace fz = bulletin::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static auto dates = fz::create<bulletin::Tagger>("cn.dates");
    std::string_view text = fz::as_view(data, size);

    (void)bulletin::text::parse_number(text);
    if (!bulletin::text::first_invalid_utf8(text)) {
        std::u32string wide = bulletin::text::to_u32(text);
        (void)bulletin::text::parse_number(std::u32string_view(wide));
    }

    bulletin::Document document;
    std::string_view rest = text;
    auto next_line = [&rest] {
        auto end = rest.find('\n');
        std::string line(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        return line;
    };
    document.masthead.date_text = next_line();
    if (size > 0 && (data[0] & 1)) document.masthead.date = "2023-04-24";
    bulletin::Article article;
    article.title = next_line();
    while (!rest.empty())
        article.paragraphs.push_back(bulletin::Paragraph{next_line(), {}});
    article.byline = bulletin::Byline{{}, {}, article.title};
    document.articles.push_back(std::move(article));
    fz::NullContext context;
    try {
        dates->tag(document, context);
    } catch (const std::exception&) {
    }
    return 0;
}
