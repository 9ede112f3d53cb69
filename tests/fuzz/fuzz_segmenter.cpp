// Fuzzes the cn.bulletin segmenter: the input's lines become one document's lines. A line that
// starts with "\f" starts a new page; a line starting with "#" ends a paragraph; a leading
// byte 0x01..0x03 sets a font size, bold, or centred layout, so the layout-aware paths run too.
#include "fuzz_common.hpp"

namespace fz = bulletin::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static auto segmenter = fz::create<bulletin::Segmenter>("cn.bulletin");
    bulletin::Document document;
    document.source.path = "fuzz-input.txt";
    document.source.format = "text";
    document.pages.push_back({1, 0, 0, {}});
    std::string_view rest = fz::as_view(data, size);
    double y = 0;
    while (!rest.empty()) {
        auto end = rest.find('\n');
        std::string_view text = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        bulletin::Line line;
        if (!text.empty() && text.front() == '\f') {
            document.pages.push_back({static_cast<int>(document.pages.size()) + 1, 0, 0, {}});
            line.starts_page = true;
            text.remove_prefix(1);
        }
        while (!text.empty() && text.front() >= 1 && text.front() <= 3) {
            switch (text.front()) {
            case 1:
                line.layout.font_size = 22;
                break;
            case 2:
                line.layout.bold = true;
                break;
            case 3:
                line.layout.alignment = bulletin::Alignment::Center;
                break;
            }
            text.remove_prefix(1);
        }
        if (!text.empty() && text.front() == '#') {
            line.ends_paragraph = true;
            text.remove_prefix(1);
        }
        if (line.layout.font_size == 0) line.layout.font_size = 16;
        line.layout.has_geometry = true;
        line.layout.x = 90;
        line.layout.y = y += 20;
        line.layout.width = 16.0 * static_cast<double>(text.size()) / 3;
        line.layout.height = line.layout.font_size;
        line.text = std::string(text);
        document.pages.back().lines.push_back(std::move(line));
    }
    document.source.pages = static_cast<int>(document.pages.size());
    fz::NullContext context;
    try {
        segmenter->segment(document, context);
    } catch (const std::exception&) {
    }
    return 0;
}
