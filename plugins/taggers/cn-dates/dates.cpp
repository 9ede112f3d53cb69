// cn.dates: Chinese calendar dates in titles, paragraphs, bylines and the masthead.
//
// Recognised: 2023年4月24日, 二〇二三年四月二十四日, ２０２３年４月２４日, 2023-04-24 / 2023.4.24,
// 4月12日 (year from the issue date), 2024年10月底 / 11月下旬 (month), 2023年 / 2023年度 (year),
// ranges joined by 至/到/—/-/～ (6月8日至9日, 4月下旬至5月上旬, 6月8—9日).
// A year needs four digits and a 年, so counts and ordinals (十四届, 14个, 1580热连轧) never match.
#include "taggers_common.hpp"

#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace {

using bulletin::Entity;
using bulletin::taggers::Slot;

/// A calendar point at year, month or day precision. year 0 = not written.
struct Point {
    int year = 0, month = 0, day = 0;
};

struct Match {
    std::size_t start = 0, end = 0;
    Point from;
    std::optional<Point> to;
};

int digit_of(char32_t c) {
    switch (c) {
    case U'〇':
    case U'○':
    case U'零':
    case U'Ｏ':
        return 0;
    case U'一':
        return 1;
    case U'二':
        return 2;
    case U'三':
        return 3;
    case U'四':
        return 4;
    case U'五':
        return 5;
    case U'六':
        return 6;
    case U'七':
        return 7;
    case U'八':
        return 8;
    case U'九':
        return 9;
    default:
        break;
    }
    if (c >= U'0' && c <= U'9') return static_cast<int>(c - U'0');
    if (c >= U'０' && c <= U'９') return static_cast<int>(c - U'０');
    return -1;
}

/// The Chinese numerals of digit_of, and 十.
constexpr char32_t kNumerals[] = {U'〇', U'○',  U'零', U'Ｏ', U'一', U'二', U'三',
                                  U'四', U'五', U'六', U'七', U'八', U'九', U'十'};

/// A bit per code point modulo 1024 of the numerals: the tagger asks is_date_numeral of every
/// character, and this rejects almost all of them with one load.
constexpr auto kNumeralFilter = [] {
    std::array<std::uint64_t, 16> bits{};
    auto set = [&](char32_t c) { bits[(c >> 6) & 15] |= std::uint64_t{1} << (c & 63); };
    for (char32_t c : kNumerals)
        set(c);
    for (char32_t c = U'0'; c <= U'9'; ++c)
        set(c);
    for (char32_t c = U'０'; c <= U'９'; ++c)
        set(c);
    return bits;
}();

bool is_date_numeral(char32_t c) {
    if (!((kNumeralFilter[(c >> 6) & 15] >> (c & 63)) & 1u)) return false;
    return digit_of(c) >= 0 || c == U'十';
}

/// A run of numeral characters at text[pos]: its value and length (0 when there is none).
struct Number {
    int value = 0;
    std::size_t length = 0;
    bool positional = false; ///< digit by digit, no 十 ("2023", "二〇二三")
};

Number number_at(std::u32string_view text, std::size_t pos) {
    std::size_t end = pos;
    while (end < text.size() && end - pos < 6 && is_date_numeral(text[end]))
        ++end;
    if (end == pos) return {};
    auto run = text.substr(pos, end - pos);
    auto value = bulletin::text::parse_number(run);
    if (!value || *value > 9999) return {};
    return {static_cast<int>(*value), run.size(), run.find(U'十') == std::u32string_view::npos};
}

bool starts_with(std::u32string_view text, std::size_t pos, std::u32string_view word) {
    return text.substr(pos, word.size()) == word;
}

/// Words after "N月" that keep month precision: 2024年10月底, 11月下旬, 6月份.
std::size_t month_tail(std::u32string_view text, std::size_t pos) {
    static constexpr std::array<std::u32string_view, 8> tails = {U"上旬", U"中旬", U"下旬", U"底",
                                                                 U"末",   U"初",   U"中",   U"份"};
    for (auto tail : tails)
        if (starts_with(text, pos, tail)) return tail.size();
    return 0;
}

/// Parses [Y年][M月[D日|tail]] at pos, inheriting missing leading fields from `base` (for the
/// second half of a range). Returns the end, or nullopt. `point` gets what was written.
std::optional<std::size_t> parse_point(std::u32string_view text, std::size_t pos, Point& point,
                                       const Point* base) {
    Point p;
    std::size_t i = pos;
    Number n = number_at(text, i);
    if (n.length == 0) return std::nullopt;
    char32_t unit = i + n.length < text.size() ? text[i + n.length] : U'\0';
    if (unit == U'年') {
        if (!n.positional || n.length != 4 || n.value < 1900 || n.value > 2100) return std::nullopt;
        p.year = n.value;
        i += n.length + 1;
        if (i < text.size() && text[i] == U'度') {
            point = p;
            return i + 1;
        }
        n = number_at(text, i);
        unit = n.length && i + n.length < text.size() ? text[i + n.length] : U'\0';
        if (unit != U'月') {
            point = p;
            return i;
        }
    }
    if (unit == U'月') {
        if (n.value < 1 || n.value > 12) return std::nullopt;
        p.month = n.value;
        i += n.length + 1;
        if (std::size_t t = month_tail(text, i)) {
            point = p;
            return i + t;
        }
        n = number_at(text, i);
        unit = n.length && i + n.length < text.size() ? text[i + n.length] : U'\0';
        if (unit != U'日' && unit != U'号') {
            point = p;
            return i;
        }
    }
    if (unit == U'日' || unit == U'号') {
        // A bare day only continues a range whose first half had a month.
        if (p.month == 0 && (!base || base->month == 0)) return std::nullopt;
        if (n.value < 1 || n.value > 31) return std::nullopt;
        p.day = n.value;
        i += n.length + 1;
        point = p;
        return i;
    }
    return std::nullopt;
}

/// 2023-04-24, 2023.4.24, 2023/04/24 (ASCII or full-width digits).
std::optional<std::size_t> parse_numeric(std::u32string_view text, std::size_t pos, Point& point) {
    auto digits = [&](std::size_t at, std::size_t& len) {
        int v = 0;
        len = 0;
        while (at + len < text.size() && len < 4) {
            char32_t c = text[at + len];
            if (!((c >= U'0' && c <= U'9') || (c >= U'０' && c <= U'９'))) break;
            v = v * 10 + digit_of(c);
            ++len;
        }
        return v;
    };
    std::size_t ylen = 0, mlen = 0, dlen = 0;
    int y = digits(pos, ylen);
    if (ylen != 4 || y < 1900 || y > 2100 || pos + 4 >= text.size()) return std::nullopt;
    char32_t sep = text[pos + 4];
    if (sep != U'-' && sep != U'.' && sep != U'/') return std::nullopt;
    int m = digits(pos + 5, mlen);
    if (mlen < 1 || mlen > 2 || m < 1 || m > 12) return std::nullopt;
    std::size_t at = pos + 5 + mlen;
    if (at >= text.size() || text[at] != sep) return std::nullopt;
    int d = digits(at + 1, dlen);
    if (dlen < 1 || dlen > 2 || d < 1 || d > 31) return std::nullopt;
    std::size_t end = at + 1 + dlen;
    if (end < text.size() && digit_of(text[end]) >= 0) return std::nullopt;
    point = {y, m, d};
    return end;
}

bool is_range_joiner(char32_t c) {
    return c == U'至' || c == U'到' || c == U'—' || c == U'–' || c == U'-' || c == U'～' ||
           c == U'~' || c == U'－';
}

/// "6月8—9日": a day range written once with 日.
std::optional<Match> parse_day_range(std::u32string_view text, std::size_t pos) {
    Match m;
    m.start = pos;
    int year = 0;
    if (Number y = number_at(text, pos);
        y.length == 4 && y.positional && pos + 4 < text.size() && text[pos + 4] == U'年') {
        year = y.value;
        pos += 5;
    }
    Number month = number_at(text, pos);
    if (!month.length || pos + month.length >= text.size() || text[pos + month.length] != U'月')
        return std::nullopt;
    std::size_t i = pos + month.length + 1;
    Number d1 = number_at(text, i);
    if (!d1.length || i + d1.length >= text.size() || !is_range_joiner(text[i + d1.length]))
        return std::nullopt;
    std::size_t j = i + d1.length + 1;
    Number d2 = number_at(text, j);
    if (!d2.length || j + d2.length >= text.size() ||
        (text[j + d2.length] != U'日' && text[j + d2.length] != U'号'))
        return std::nullopt;
    if (month.value < 1 || month.value > 12 || d1.value < 1 || d1.value > 31 || d2.value < 1 ||
        d2.value > 31)
        return std::nullopt;
    m.from = {year, month.value, d1.value};
    m.to = Point{year, month.value, d2.value};
    m.end = j + d2.length + 1;
    return m;
}

std::optional<Match> parse_date(std::u32string_view text, std::size_t pos) {
    Match m;
    m.start = pos;
    if (auto end = parse_numeric(text, pos, m.from)) {
        m.end = *end;
        return m;
    }
    // "6月8—9日": a day range written once with 日.
    if (auto range = parse_day_range(text, pos)) return range;
    auto end = parse_point(text, pos, m.from, nullptr);
    if (!end) return std::nullopt;
    m.end = *end;
    // Ranges: "6月8日至9日", "4月下旬至5月上旬", "2023年4月至6月".
    if (m.end < text.size() && is_range_joiner(text[m.end]) && m.from.month != 0) {
        Point second;
        if (auto end2 = parse_point(text, m.end + 1, second, &m.from)) {
            if (second.year == 0) second.year = m.from.year;
            if (second.month == 0) second.month = m.from.month;
            bool same_precision = (second.day == 0) == (m.from.day == 0);
            if (same_precision) {
                m.to = second;
                m.end = *end2;
            }
        }
    }
    return m;
}

/// Whether parse_date can match at pos: it needs a digit there (2023-04-24) or, after the run of
/// numerals it reads (six at most), 年/月/日/号. Most numerals in a text are neither (一是,
/// 进一步), and this spares them the numeral parsing.
bool may_be_date(std::u32string_view text, std::size_t pos) {
    char32_t c = text[pos];
    if ((c >= U'0' && c <= U'9') || (c >= U'０' && c <= U'９')) return true;
    std::size_t end = pos;
    while (end < text.size() && end - pos < 6 && is_date_numeral(text[end]))
        ++end;
    if (end == text.size()) return false;
    char32_t unit = text[end];
    return unit == U'年' || unit == U'月' || unit == U'日' || unit == U'号';
}

std::string format(const Point& p) {
    char buf[16];
    if (p.day)
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", p.year, p.month, p.day);
    else if (p.month)
        std::snprintf(buf, sizeof buf, "%04d-%02d", p.year, p.month);
    else
        std::snprintf(buf, sizeof buf, "%04d", p.year);
    std::string s = buf;
    if (p.year == 0) s.replace(0, 4, "-"); // ISO 8601 "--04-12": year unknown
    return s;
}

/// The issue date as a Point, from Masthead::date ("YYYY-MM-DD").
std::optional<Point> issue_point(const bulletin::Masthead& masthead) {
    if (!masthead.date) return std::nullopt;
    Point p;
    if (std::sscanf(masthead.date->c_str(), "%d-%d-%d", &p.year, &p.month, &p.day) != 3)
        return std::nullopt;
    return p;
}

bool after(const Point& a, const Point& b) {
    if (a.year != b.year) return a.year > b.year;
    if (a.month != b.month) return a.month > b.month;
    return a.day > b.day && a.day != 0;
}

class Dates final : public bulletin::Tagger {
public:
    explicit Dates(const bulletin::Params& params)
        : resolve_(params.boolean("resolve_year")), masthead_(params.boolean("masthead")) {}

    void tag(bulletin::Document& doc, bulletin::Context& ctx) override {
        auto issue = issue_point(doc.masthead);
        std::size_t before = doc.entities.size();
        if (masthead_) tag_masthead(doc);
        auto slots = bulletin::taggers::text_slots(doc);
        const bulletin::taggers::SlotTexts texts(slots);
        for (std::size_t k = 0; k < slots.size(); ++k) {
            const Slot& slot = slots[k];
            auto text = texts[k];
            for (std::size_t i = 0; i < text.size();) {
                // A date starts a run of numerals; most characters are none.
                bool starts = is_date_numeral(text[i]) && (i == 0 || !is_date_numeral(text[i - 1]));
                if (!starts || !may_be_date(text, i)) {
                    ++i;
                    continue;
                }
                auto match = parse_date(text, i);
                if (!match) {
                    ++i;
                    continue;
                }
                std::string value = resolve(*match, issue);
                doc.entities.push_back(bulletin::taggers::make_entity(
                    "date", text, match->start, match->end, std::move(value), slot));
                i = match->end;
            }
        }
        ctx.debug("tagged ", doc.entities.size() - before, " dates");
    }

private:
    std::string resolve(Match m, const std::optional<Point>& issue) const {
        if (m.from.year == 0 && resolve_ && issue) {
            m.from.year = issue->year;
            if (after(m.from, *issue)) --m.from.year;
        }
        std::string value = format(m.from);
        if (m.to) {
            Point to = *m.to;
            if (to.year == 0) to.year = m.from.year;
            if (to.year != 0 && after(m.from, to)) ++to.year; // 12月28日至1月3日
            value += "/" + format(to);
        }
        return value;
    }

    void tag_masthead(bulletin::Document& doc) const {
        const auto& masthead = doc.masthead;
        if (masthead.date_text.empty() && !masthead.date) return;
        Entity e;
        e.type = "date";
        e.place = bulletin::EntityPlace::MastheadDate;
        auto text = bulletin::text::to_u32(masthead.date_text);
        std::optional<Match> found;
        for (std::size_t i = 0; i < text.size() && !found; ++i)
            if (is_date_numeral(text[i])) found = parse_date(text, i);
        if (found) {
            e.start = static_cast<int>(found->start);
            e.end = static_cast<int>(found->end);
            e.text = bulletin::text::to_utf8(text.substr(found->start, found->end - found->start));
            e.value = masthead.date ? *masthead.date : resolve(*found, std::nullopt);
        } else if (masthead.date) {
            // No date_text from the segmenter: keep the date, written as its ISO value.
            e.text = masthead.date_text.empty() ? *masthead.date : masthead.date_text;
            e.value = *masthead.date;
            e.end = masthead.date_text.empty() ? 0 : static_cast<int>(text.size());
        } else {
            return;
        }
        doc.entities.push_back(std::move(e));
    }

    bool resolve_;
    bool masthead_;
};

} // namespace

constexpr bulletin::ParamSpec kDatesParams[] = {
    bulletin::bool_param(
        "resolve_year", "true",
        "Give dates written without a year (4月12日) the issue's year, one year earlier when that "
        "would fall after the issue date. Off: the value is ISO '--04-12'."),
    bulletin::bool_param("masthead", "true",
                         "Also tag the masthead date (place MastheadDate; written as article -1, "
                         "paragraph -1, offsets into the masthead date text)."),
};

BULLETIN_PLUGIN(kDatesPlugin, Dates, "cn.dates", bulletin::PluginKind::Tagger,
                "Tags Chinese dates (Arabic, full-width and Chinese numerals, month and year "
                "precision, ranges) with ISO values.",
                kDatesParams);
BULLETIN_MODULE("cn-dates", "1.0.0", "MIT", "Date tagger for Chinese bulletins.", &kDatesPlugin)
