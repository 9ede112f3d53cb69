// PDF reader (poppler): text boxes with font name and size, grouped into lines by baseline and
// put in reading order (top-to-bottom, left-to-right; a wide gap splits a baseline into two
// lines, as pdftotext does). Page numbers ("— 1 —") and running headers on pages 2+ are dropped
// and reported.
//
// poppler's own TextOutputDev lays out the words, as poppler-cpp's page::text_list() does, but
// driven directly: poppler-cpp cannot stop a page half way, and poppler's word layout is
// quadratic in the words on one baseline (TextPool::addWord), so a page of a million text
// objects ran for over ten minutes. Here each page may draw at most max_chars_per_page glyphs
// (the document max_chars): past that, poppler is told to stop drawing and the document is
// refused. The same check stops a page when the run is cancelled.
#include <bulletin/layout.hpp>
#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <Error.h>
#include <ErrorCodes.h>
#include <GlobalParams.h>
#include <PDFDoc.h>
#include <Page.h>
#include <Stream.h>
#include <TextOutputDev.h>
#include <goo/GooString.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <unordered_map>

namespace {

using bulletin::Page;

// Runs of glyphs -> lines, page furniture, alignment: bulletin/layout.hpp (shared with OFD).
using Run = bulletin::layout::GlyphRun;
using bulletin::layout::build_lines;
using bulletin::layout::finish_pages;
using bulletin::layout::Furniture;

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

/// Text from the document, fit for a log line: control characters as \xNN, valid UTF-8.
std::string printable(std::string_view text) {
    std::string out;
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7F) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02X", byte);
            out += hex;
        } else {
            out += c;
        }
    }
    return bulletin::text::repair_utf8(out);
}

// ---- poppler's messages ----
//
// poppler reports a damaged file through one process-wide callback that carries no pointer of
// ours (setErrorCallback; poppler-cpp's set_debug_error_function has a single closure for the
// whole process too), while a batch reads several PDFs at once on several threads. A document
// is read on one thread from start to end, so the thread tells whose message it is: read()
// puts a MessageScope in place for its thread. That thread_local pointer is the one piece of
// state outside the reader, and no other thread ever sees it.
class MessageScope {
public:
    MessageScope(bulletin::Context& ctx, std::string file)
        : ctx_(ctx), file_(std::move(file)), previous_(current_) {
        current_ = this;
    }
    ~MessageScope() {
        current_ = previous_;
        if (hidden_ > 0)
            ctx_.warn(file_, ": poppler reported ", hidden_,
                      " more problem(s), not shown (-v shows them)");
    }
    MessageScope(const MessageScope&) = delete;
    MessageScope& operator=(const MessageScope&) = delete;

    /// poppler's error callback, installed once per process by GlobalParamsIniter.
    static void on_message(ErrorCategory category, Goffset pos, const char* message) {
        std::string text = std::string(kind(category)) + ": " + printable(message ? message : "");
        if (pos >= 0) text += " (at byte " + std::to_string(pos) + ")";
        if (current_) {
            current_->log(text);
        } else {
            // Outside any read (poppler's start-up): no file to name.
            std::fprintf(stderr, "[warning] pdf: poppler: %s\n", text.c_str());
        }
    }

private:
    static constexpr int kShown = 20; // a damaged file can make poppler complain per glyph

    static const char* kind(ErrorCategory category) {
        switch (category) {
        case errSyntaxWarning:
            return "syntax warning";
        case errSyntaxError:
            return "syntax error";
        case errIO:
            return "read error";
        case errUnimplemented:
            return "unsupported feature";
        default:
            return "error";
        }
    }

    void log(const std::string& text) {
        if (shown_ < kShown) {
            ++shown_;
            ctx_.warn(file_, ": poppler: ", text);
        } else {
            ++hidden_;
            ctx_.debug(file_, ": poppler: ", text);
        }
    }

    bulletin::Context& ctx_;
    std::string file_;
    MessageScope* previous_;
    int shown_ = 0, hidden_ = 0;
    static thread_local MessageScope* current_;
};

thread_local MessageScope* MessageScope::current_ = nullptr;

// ---- text of one page ----

// poppler sorts each word into a list per 4-pt band of baselines by walking the list, and its
// layout compares the words of nearby bands with each other: quadratic in the words on one
// baseline. A line of text has a few hundred glyphs (a few more where text is drawn twice for
// fake bold); this many in one band is not text, and bounds that work.
constexpr std::size_t kMaxGlyphsPerBand = 4000;
constexpr double kBand = 4; // points, poppler's textPoolStep

/// poppler's text device with a budget of glyphs for the page and for each band of baselines
/// (horizontal and vertical, as text may be rotated): past either, glyphs are no longer laid
/// out and stop() tells poppler to stop drawing the page.
class BoundedText final : public TextOutputDev {
public:
    BoundedText(std::size_t budget, const bulletin::Context& ctx)
        : TextOutputDev(nullptr, false, 0, false, false), budget_(budget), ctx_(ctx) {}

    void drawChar(GfxState* state, double x, double y, double dx, double dy, double origin_x,
                  double origin_y, CharCode code, int bytes, const Unicode* u, int u_len) override {
        if (drawn_ >= budget_) over_ = true;
        double px = 0, py = 0;
        state->transform(x, y, &px, &py); // where poppler's layout puts it
        if (!over_ &&
            (++rows_[band(py)] > kMaxGlyphsPerBand || ++columns_[band(px)] > kMaxGlyphsPerBand)) {
            crowded_ = true;
            crowded_at_ = rows_[band(py)] > kMaxGlyphsPerBand ? py : px;
            over_ = true;
        }
        if (over_) return;
        ++drawn_;
        TextOutputDev::drawChar(state, x, y, dx, dy, origin_x, origin_y, code, bytes, u, u_len);
    }

    bool over() const { return over_; }
    /// The budget was passed by too many glyphs in one band, near `crowded_at()` points.
    bool crowded() const { return crowded_; }
    double crowded_at() const { return crowded_at_; }
    std::size_t drawn() const { return drawn_; }
    bool stop() const { return over_ || ctx_.cancelled(); }

    // poppler's callbacks take a void* to this device.
    static bool abort_check(void* self) { return static_cast<BoundedText*>(self)->stop(); }
    static bool draw_annotation(Annot*, void* self) { return !abort_check(self); }

private:
    static long long band(double at) {
        constexpr double kFar = 1e12; // coordinates can be anything in a hostile file
        return std::isfinite(at) ? static_cast<long long>(std::clamp(at, -kFar, kFar) / kBand) : 0;
    }

    std::size_t budget_, drawn_ = 0;
    bool over_ = false, crowded_ = false;
    double crowded_at_ = 0;
    std::unordered_map<long long, std::size_t> rows_, columns_; // glyphs per band
    const bulletin::Context& ctx_;
};

class PdfReader final : public bulletin::Reader {
public:
    explicit PdfReader(const bulletin::Params& params)
        : password_(params.string("password")), column_gap_(params.number("column_gap")) {
        furniture_.drop_page_numbers = params.boolean("drop_page_numbers");
        furniture_.drop_running_headers = params.boolean("drop_running_headers");
        max_pages_ = params.integer("max_pages");
        max_chars_ = params.integer("max_chars");
        max_lines_ = params.integer("max_lines");
        max_page_chars_ = params.integer("max_chars_per_page");
    }

    bool accepts(const bulletin::Input& input) const override {
        // The header may follow some junk, but must come within the first KiB.
        return input.bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos;
    }

    void read(const bulletin::Input& input, bulletin::Document& doc,
              bulletin::Context& ctx) override {
        const std::string file = input.path.string();
        MessageScope messages(ctx, file); // before the PDFDoc: poppler talks until it is gone
        if (input.bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
            throw bulletin::Error(file + ": too large for the PDF reader (over 2 GiB)");
        // PDFDoc owns the stream it is given; the stream only points into input.bytes.
        auto stream = std::make_unique<MemStream>(
            input.bytes.data(), 0, static_cast<Goffset>(input.bytes.size()), Object(objNull));
        auto pdf = std::make_unique<PDFDoc>(stream.release(), GooString(password_.c_str()),
                                            GooString(password_.c_str()));
        if (!pdf->isOk()) {
            if (pdf->getErrorCode() == errEncrypted)
                throw bulletin::Error(file + ": the PDF is encrypted and needs a password" +
                                      (password_.empty()
                                           ? "; set the reader's 'password' parameter"
                                           : "; the given password does not open it"));
            throw bulletin::Error(file + ": not a readable PDF (damaged or truncated)");
        }
        int count = pdf->getNumPages();
        if (count <= 0) throw bulletin::Error(file + ": the PDF has no pages");
        if (count > max_pages_)
            throw bulletin::Error(file + ": the PDF has " + std::to_string(count) +
                                  " pages, more than the limit of " + std::to_string(max_pages_) +
                                  " (the pdf reader's max_pages parameter; raise it with --set "
                                  "pdf.max_pages=N if this really is one bulletin)");
        bulletin::layout::TextBudget budget(file, ctx.plugin_name(), max_chars_, max_lines_);
        Repairs repairs;
        std::size_t boxes = 0;
        for (int i = 0; i < count; ++i) {
            if (ctx.cancelled()) throw bulletin::Error(file + ": cancelled");
            Page out;
            out.number = i + 1;
            ::Page* page = pdf->getPage(i + 1);
            if (!page) {
                doc.diagnose(bulletin::Severity::Warning, std::string(ctx.plugin_name()),
                             "page " + std::to_string(i + 1) + " cannot be read; left empty",
                             i + 1);
                doc.pages.push_back(std::move(out));
                continue;
            }
            const PDFRectangle* box = page->getMediaBox();
            out.width = box->x2 - box->x1;
            out.height = box->y2 - box->y1;
            auto runs = page_runs(*pdf, i + 1, budget, repairs, file, ctx);
            boxes += runs.size();
            out.lines = build_lines(std::move(runs), column_gap_);
            budget.add_lines(out.lines.size());
            doc.pages.push_back(std::move(out));
        }
        if (boxes == 0)
            throw bulletin::Error(file + ": the PDF has no text layer (a scanned image?); "
                                         "run OCR on it first");
        if (auto what = repairs.describe(); !what.empty())
            doc.diagnose(bulletin::Severity::Warning, std::string(ctx.plugin_name()), what);
        doc.source.format = "pdf";
        doc.source.pages = count;
        finish_pages(doc, furniture_, ctx.plugin_name());
    }

private:
    /// Characters of the text layer that could not be kept as they were.
    struct Repairs {
        std::size_t nuls = 0, invalid = 0;
        std::string describe() const {
            std::string out;
            if (nuls) out = std::to_string(nuls) + " NUL character(s) removed from the text";
            if (invalid)
                out += (out.empty() ? "" : "; ") + std::to_string(invalid) +
                       " character(s) of the text layer that are not Unicode (a broken ToUnicode "
                       "map?) replaced by U+FFFD";
            return out;
        }
    };

    /// The page's words, in poppler's reading order, as glyph runs. Throws when the page or
    /// the document passes its glyph limit, or when the run is cancelled.
    std::vector<Run> page_runs(PDFDoc& pdf, int number, bulletin::layout::TextBudget& budget,
                               Repairs& repairs, const std::string& file,
                               const bulletin::Context& ctx) const {
        // Both limits are at least 1 (their declared ranges).
        const auto page_limit = static_cast<std::size_t>(max_page_chars_);
        const auto doc_limit = static_cast<std::size_t>(max_chars_);
        const std::size_t doc_left = doc_limit - std::min(budget.chars(), doc_limit);
        // One glyph over the budget tells us that it was passed.
        std::size_t allowed = std::min(page_limit, doc_left);
        BoundedText text(allowed + 1, ctx);
        pdf.displayPageSlice(&text, number, 72, 72, 0, false, false, false, -1, -1, -1, -1,
                             &BoundedText::abort_check, &text, &BoundedText::draw_annotation, &text,
                             true);
        if (ctx.cancelled()) throw bulletin::Error(file + ": cancelled");
        if (text.crowded())
            throw bulletin::Error(file + ": page " + std::to_string(number) + " draws more than " +
                                  std::to_string(kMaxGlyphsPerBand) +
                                  " characters on one line (near " +
                                  std::to_string(std::lround(text.crowded_at())) +
                                  " pt): this is not a page of text (a damaged or hostile file)");
        if (text.over() || text.drawn() > allowed) {
            if (page_limit <= doc_left)
                throw bulletin::Error(
                    file + ": page " + std::to_string(number) + " draws more than " +
                    std::to_string(page_limit) +
                    " characters (the pdf reader's max_chars_per_page limit; a bulletin's page "
                    "has a few thousand: raise it with --set pdf.max_chars_per_page=N if "
                    "this page is genuine)");
            budget.add_chars(text.drawn()); // passes max_chars: throws its message
        }
        budget.add_chars(text.drawn());

        std::vector<Run> runs;
        std::unique_ptr<TextWordList> words = text.makeWordList();
        if (!words) return runs;
        runs.reserve(static_cast<std::size_t>(words->getLength()));
        for (int w = 0; w < words->getLength(); ++w) {
            const TextWord* word = words->get(w);
            std::unique_ptr<GooString> utf8(word->getText());
            Run run;
            run.text = utf8 ? utf8->toStr() : std::string();
            if (auto nul = std::erase(run.text, '\0')) repairs.nuls += nul;
            std::size_t replaced = 0;
            run.text = bulletin::text::repair_utf8(run.text, &replaced);
            repairs.invalid += replaced;
            double x_min = 0, y_min = 0, x_max = 0, y_max = 0;
            word->getBBox(&x_min, &y_min, &x_max, &y_max);
            double height = y_max - y_min;
            run.size = word->getFontSize() > 0 ? word->getFontSize() : height;
            run.x = x_min;
            run.width = x_max - x_min;
            run.baseline = y_min + 0.88 * height;
            const TextFontInfo* font = word->getLength() > 0 ? word->getFontInfo(0) : nullptr;
            const GooString* name = font ? font->getFontName() : nullptr;
            run.font = font_family(name ? name->toStr() : std::string());
            run.bold = bold_name(run.font);
            runs.push_back(std::move(run));
        }
        return runs;
    }

    GlobalParamsIniter poppler_{&MessageScope::on_message}; // poppler's globals, shared
    std::string password_;
    double column_gap_ = 3;
    Furniture furniture_;
    long long max_pages_ = 0, max_chars_ = 0, max_lines_ = 0, max_page_chars_ = 0;
};

} // namespace

constexpr bulletin::ParamSpec kPdfParams[] = {
    bulletin::int_param(
        "max_pages", "1000",
        "Refuse PDFs with more pages than this; a bulletin has a few dozen at most.")
        .range(1, 100000),
    bulletin::int_param("max_chars_per_page", "100000",
                        "Refuse PDFs with a page that draws more characters than this; poppler's "
                        "layout slows down quadratically on such pages.")
        .range(1, 10000000),
    bulletin::layout::max_chars_param("Refuse PDFs that draw more characters than this in all."),
    bulletin::layout::max_lines_param("Refuse PDFs whose pages make more lines than this in all."),
    bulletin::string_param("password", "",
                           "Password for encrypted PDFs (tried as owner and user password)."),
    bulletin::layout::column_gap_param(),
    bulletin::layout::drop_page_numbers_param(),
    bulletin::layout::drop_running_headers_param(),
};
BULLETIN_READER(kPdf, PdfReader, "pdf",
                "Reads PDF text with font names, sizes and positions, in reading order.",
                kPdfParams, "pdf", 0u);
BULLETIN_MODULE("pdf", "1.0.0", "GPL-2.0-or-later", "PDF reader (poppler).", &kPdf)
