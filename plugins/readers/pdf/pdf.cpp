// PDF reader (poppler-cpp): text boxes with font name and size, grouped into lines by
// baseline and put in reading order (top-to-bottom, left-to-right; a wide gap splits a baseline
// into two lines, as pdftotext does). Page numbers ("— 1 —") and running headers on pages 2+
// are dropped and reported. poppler-cpp does not expose text colour, so colour stays 0.
#include <bulletin/layout.hpp>
#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <poppler-document.h>
#include <poppler-page.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>

namespace {

using bulletin::Alignment;
using bulletin::Line;
using bulletin::Page;

// Runs of glyphs -> lines, page furniture, alignment: bulletin/layout.hpp (shared with OFD).
using Run = bulletin::layout::GlyphRun;
using bulletin::layout::build_lines;
using bulletin::layout::finish_pages;
using bulletin::layout::Furniture;
using bulletin::layout::is_page_number;

// ---- PDF specifics ----

// "AAAAAA+UMingCN-0" -> "UMingCN-0": the subset tag says nothing about the face.
std::string font_family(std::string name) {
    if (name.size() > 7 && name[6] == '+' &&
        std::all_of(name.begin(), name.begin() + 6, [](char c) { return c >= 'A' && c <= 'Z'; }))
        name.erase(0, 7);
    return name;
}

bool bold_name(std::string_view name) {
    for (auto word : {"Bold", "bold", "Heavy", "Black", "Semibold", "Demi"})
        if (name.find(word) != std::string_view::npos) return true;
    return false;
}

class PdfReader final : public bulletin::Reader {
public:
    explicit PdfReader(const bulletin::Params& params)
        : password_(params.string("password")), column_gap_(params.number("column_gap")) {
        furniture_.drop_page_numbers = params.boolean("drop_page_numbers");
        furniture_.drop_running_headers = params.boolean("drop_running_headers");
        max_pages_ = params.integer("max_pages");
    }

    bool accepts(const bulletin::Input& input) const override {
        // The header may follow some junk, but must come within the first KiB.
        return input.bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos;
    }

    void read(const bulletin::Input& input, bulletin::Document& doc,
              bulletin::Context& ctx) override {
        const std::string file = input.path.string();
        if (input.bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
            throw bulletin::Error(file + ": too large for the PDF reader (over 2 GiB)");
        std::unique_ptr<poppler::document> pdf(poppler::document::load_from_raw_data(
            input.bytes.data(), static_cast<int>(input.bytes.size()), password_, password_));
        if (!pdf) throw bulletin::Error(file + ": not a readable PDF (damaged or truncated)");
        if (pdf->is_locked())
            throw bulletin::Error(file + ": the PDF is encrypted and needs a password" +
                                  (password_.empty() ? "; set the reader's 'password' parameter"
                                                     : "; the given password does not open it"));
        int count = pdf->pages();
        if (count <= 0) throw bulletin::Error(file + ": the PDF has no pages");
        if (max_pages_ > 0 && count > max_pages_)
            throw bulletin::Error(file + ": the PDF has " + std::to_string(count) +
                                  " pages, more than the limit of " + std::to_string(max_pages_) +
                                  " (the pdf reader's max_pages parameter; raise it with --set "
                                  "pdf.max_pages=N if this really is one bulletin)");
        std::size_t boxes = 0;
        for (int i = 0; i < count; ++i) {
            if (ctx.cancelled()) throw bulletin::Error(file + ": cancelled");
            Page out;
            out.number = i + 1;
            std::unique_ptr<poppler::page> page(pdf->create_page(i));
            if (!page) {
                doc.diagnose(bulletin::Severity::Warning, std::string(ctx.plugin_name()),
                             "page " + std::to_string(i + 1) + " cannot be read; left empty",
                             i + 1);
                doc.pages.push_back(std::move(out));
                continue;
            }
            auto rect = page->page_rect(poppler::media_box);
            out.width = rect.width();
            out.height = rect.height();
            std::vector<Run> runs;
            for (auto& box : page->text_list(poppler::page::text_list_include_font)) {
                auto utf8 = box.text().to_utf8();
                Run run;
                run.text.assign(utf8.begin(), utf8.end());
                auto b = box.bbox();
                run.size = box.get_font_size() > 0 ? box.get_font_size() : b.height();
                run.x = b.x();
                run.width = b.width();
                run.baseline = b.y() + 0.88 * b.height();
                run.font = font_family(box.get_font_name());
                run.bold = bold_name(run.font);
                runs.push_back(std::move(run));
            }
            boxes += runs.size();
            out.lines = build_lines(std::move(runs), column_gap_);
            doc.pages.push_back(std::move(out));
        }
        if (boxes == 0)
            throw bulletin::Error(file + ": the PDF has no text layer (a scanned image?); "
                                         "run OCR on it first");
        doc.source.format = "pdf";
        doc.source.pages = count;
        finish_pages(doc, furniture_, ctx.plugin_name());
    }

private:
    std::string password_;
    double column_gap_ = 3;
    Furniture furniture_;
    long long max_pages_ = 0;
};

} // namespace

constexpr bulletin::ParamSpec kPdfParams[] = {
    {"max_pages", bulletin::ParamType::Int, "1000", false,
     "Refuse PDFs with more pages than this (0: no limit); a bulletin has a few dozen at most."},
    {"password", bulletin::ParamType::String, "", false,
     "Password for encrypted PDFs (tried as owner and user password)."},
    {"column_gap", bulletin::ParamType::Double, "3", false,
     "A horizontal gap wider than this many font sizes splits a baseline into two lines."},
    {"drop_page_numbers", bulletin::ParamType::Bool, "true", false,
     "Drop page numbers such as '— 1 —' at the top or bottom of a page."},
    {"drop_running_headers", bulletin::ParamType::Bool, "true", false,
     "Drop lines at the top of pages 2+ that repeat text found on another page."},
};
BULLETIN_PLUGIN(kPdf, PdfReader, "pdf", bulletin::PluginKind::Reader,
                "Reads PDF text with font names, sizes and positions, in reading order.",
                kPdfParams);
BULLETIN_MODULE("pdf", "1.0.0", "GPL-2.0-or-later", "PDF reader (poppler-cpp).", &kPdf)
