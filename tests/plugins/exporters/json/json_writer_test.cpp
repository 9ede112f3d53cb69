// bulletin/json.hpp against nlohmann::json, the library the json and jsonl exporters used before:
// the streaming writer must print byte for byte what nlohmann's dump(indent, ' ', false,
// error_handler_t::replace) printed, for every indent the json exporter accepts (-1..8), so
// switching did not change a single output file.
#include "sample_document.hpp"
#include "support/plugins.hpp"

#include <bulletin/json.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

namespace {

using namespace bulletin::testing;
using bulletin::Document;
using nlohmann::ordered_json;

constexpr auto kReplace = ordered_json::error_handler_t::replace;

// --- The nlohmann serialisation the exporters had, kept here as the reference. ---

ordered_json optional_string(const std::optional<std::string>& value) {
    return value ? ordered_json(*value) : ordered_json(nullptr);
}

const char* severity_name(bulletin::Severity severity) {
    switch (severity) {
    case bulletin::Severity::Info:
        return "info";
    case bulletin::Severity::Warning:
        return "warning";
    case bulletin::Severity::Error:
        return "error";
    }
    return "warning";
}

ordered_json reference_document(const Document& doc) {
    ordered_json out;
    out["schema"] = "bulletin/1";
    out["source"] = {{"path", doc.source.path},
                     {"format", doc.source.format},
                     {"sha256", doc.source.sha256},
                     {"pages", doc.source.pages}};
    const auto& m = doc.masthead;
    ordered_json issue = nullptr;
    if (m.issue) {
        issue = {{"number", m.issue->number},
                 {"total", m.issue->total ? ordered_json(*m.issue->total) : ordered_json(nullptr)}};
        if (m.issue->year) issue["year"] = *m.issue->year;
        if (m.issue->supplement) issue["supplement"] = true;
    }
    out["masthead"] = {{"series", optional_string(m.series)},
                       {"issue", issue},
                       {"publisher", optional_string(m.publisher)},
                       {"date", optional_string(m.date)},
                       {"date_text", m.date_text}};
    out["articles"] = ordered_json::array();
    for (const auto& a : doc.articles) {
        ordered_json byline = nullptr;
        if (a.byline)
            byline = {{"department", optional_string(a.byline->department)},
                      {"authors", a.byline->authors},
                      {"text", a.byline->text}};
        std::vector<std::string> paragraphs;
        for (const auto& p : a.paragraphs)
            paragraphs.push_back(p.text);
        out["articles"].push_back(
            {{"title", a.title}, {"paragraphs", paragraphs}, {"byline", byline}});
    }
    out["distribution"] = ordered_json::array();
    for (const auto& d : doc.distribution)
        out["distribution"].push_back({{"label", d.label}, {"recipients", d.recipients}});
    out["entities"] = ordered_json::array();
    for (const auto& e : doc.entities) {
        ordered_json attributes = ordered_json::object();
        for (const auto& [key, value] : e.attributes)
            attributes[key] = value;
        out["entities"].push_back({{"type", e.type},
                                   {"text", e.text},
                                   {"value", e.value},
                                   {"attributes", attributes},
                                   {"article", bulletin::bulletin1_article(e)},
                                   {"paragraph", bulletin::bulletin1_paragraph(e)},
                                   {"start", e.start},
                                   {"end", e.end}});
    }
    out["diagnostics"] = ordered_json::array();
    for (const auto& d : doc.diagnostics)
        out["diagnostics"].push_back({{"severity", severity_name(d.severity)},
                                      {"plugin", d.plugin},
                                      {"message", d.message},
                                      {"page", d.page},
                                      {"line", d.line}});
    out["metadata"] = ordered_json::object();
    for (const auto& [key, value] : doc.metadata)
        out["metadata"][key] = value;
    return out;
}

// The jsonl exporter's lines (nlohmann::json: keys sorted).
std::string reference_jsonl(const Document& doc) {
    using nlohmann::json;
    auto optional = [](const std::optional<std::string>& v) { return v ? json(*v) : json(); };
    const auto& m = doc.masthead;
    std::string out;
    for (std::size_t i = 0; i < doc.articles.size(); ++i) {
        const auto& article = doc.articles[i];
        std::string text;
        for (const auto& p : article.paragraphs)
            text += (text.empty() ? "" : "\n") + p.text;
        json by_type = {{"person", json::array()},
                        {"place", json::array()},
                        {"date", json::array()},
                        {"organization", json::array()}};
        for (const auto& e : doc.entities) {
            if (bulletin::bulletin1_article(e) != static_cast<int>(i)) continue;
            auto& values = by_type[e.type];
            if (values.is_null()) values = json::array();
            const auto& value = e.value.empty() ? e.text : e.value;
            if (std::find(values.begin(), values.end(), value) == values.end())
                values.push_back(value);
        }
        json line = {
            {"schema", "bulletin/1+jsonl"},
            {"source_path", doc.source.path},
            {"source_sha256", doc.source.sha256},
            {"series", optional(m.series)},
            {"issue_number", m.issue ? json(m.issue->number) : json(nullptr)},
            {"issue_total", m.issue && m.issue->total ? json(*m.issue->total) : json(nullptr)},
            {"publisher", optional(m.publisher)},
            {"date", optional(m.date)},
            {"article", i},
            {"articles", doc.articles.size()},
            {"title", article.title},
            {"text", text},
            {"byline_department",
             article.byline ? optional(article.byline->department) : json(nullptr)},
            {"byline_authors", article.byline ? json(article.byline->authors) : json::array()},
            {"entities", by_type},
        };
        out += line.dump(-1, ' ', false, json::error_handler_t::replace);
        out += '\n';
    }
    return out;
}

// --- Inputs. ---

std::string nlohmann_escaped(const std::string& s) {
    auto dumped = ordered_json(s).dump(-1, ' ', false, kReplace);
    return dumped.substr(1, dumped.size() - 2);
}

std::string escaped(std::string_view s) {
    std::string out;
    bulletin::json::escape(s, out);
    return out;
}

/// Strings that exercise every branch of the escaping: every short escape, \u00XX controls, DEL,
/// quotes, backslash, slash, U+2028/2029, 2-, 3- and 4-byte UTF-8, and ill-formed UTF-8 of each
/// kind (stray continuation, overlong, surrogate, above U+10FFFF, truncated at the end and in
/// the middle, invalid lead bytes).
const std::vector<std::string>& adversarial_strings() {
    static const std::vector<std::string> strings = {
        "",
        "plain ascii",
        "\"quoted\" and \\backslash\\ and /slash/",
        std::string("nul\0inside", 10),
        "\b\f\n\r\t\x01\x02\x0b\x0e\x1f\x7f",
        "line\u2028separator\u2029paragraph",
        "中文，全角（括号）〇",
        "é ß € 𝄞 😀 \U0010FFFF",
        "\x80",
        "\xbf\xbf",
        "\xc0\xaf", // overlong '/'
        "\xc1\xbf",
        "\xe0\x80\xaf", // overlong
        "\xe0\x9f\xbf",
        "\xed\xa0\x80", // surrogate D800
        "\xed\xbf\xbf",
        "\xf0\x80\x80\x80",
        "\xf0\x8f\xbf\xbf",
        "\xf4\x90\x80\x80", // above U+10FFFF
        "\xf5\x80\x80\x80",
        "\xff\xfe",
        "\xe4\xb8",             // truncated at the end
        "\xe4\xb8x",            // truncated in the middle
        "\xe4\xb8\xe4\xb8\xad", // truncated then valid
        "\xf0\x9f\x98",
        "\xf0\x9f\x98\"",
        "a\xc3",
        "\xc3\xa9\xc3",
        "中\xff文\x80\x80字",
        "\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
        "\xef\xbf\xbd replacement itself",
        std::string(600, '\x01'), // longer than nlohmann's 512-byte buffer
        std::string(700, '\xff'),
        std::string(1000, 'x') + "\xe4\xb8",
    };
    return strings;
}

// A document with adversarial strings in every string field, empty and null values, extreme
// numbers, every optional branch (issue year, supplement, byline without department).
Document adversarial_document() {
    const auto& s = adversarial_strings();
    Document doc;
    doc.source = {s[2], s[8], s[0], 0};
    doc.masthead.series = s[6];
    doc.masthead.issue =
        bulletin::IssueNumber{std::numeric_limits<int>::min(), std::nullopt, 2023, true};
    doc.masthead.date = "";
    doc.masthead.date_text = s[21];
    for (std::size_t i = 0; i < s.size(); ++i) {
        bulletin::Article a;
        a.title = s[i];
        a.paragraphs = {{s[i], {}}, {"", {}}, {s[(i + 1) % s.size()], {}}};
        if (i % 3 == 0) a.byline = bulletin::Byline{std::nullopt, {}, s[i]};
        if (i % 3 == 1) a.byline = bulletin::Byline{s[i], {s[i], "", s[0]}, ""};
        doc.articles.push_back(std::move(a));
        doc.distribution.push_back({s[i], i % 2 ? std::vector<std::string>{} : std::vector{s[i]}});
        doc.entities.push_back({s[i],
                                s[i],
                                i % 2 ? "" : s[i],
                                {{s[i], s[i]}, {"", ""}},
                                static_cast<bulletin::EntityPlace>(i % 5), // every place
                                static_cast<int>(i % 4) - 1,
                                -3,
                                std::numeric_limits<int>::max(),
                                -1});
        doc.metadata[s[i]] = s[i];
        doc.diagnose(static_cast<bulletin::Severity>(i % 3), s[i], s[i], static_cast<int>(i), -7);
    }
    return doc;
}

std::vector<std::pair<std::string, Document>> documents() {
    std::vector<std::pair<std::string, Document>> docs;
    for (const char* stem : {"hunan-xuanren-2023-04-24", "yueyang-daibiao-2023-12",
                             "chengdu-zhuanbao-2024-03", "zhejiang-dongtai-2024-07"})
        docs.emplace_back(stem, make_sample_document(stem));
    docs.emplace_back("tricky", make_tricky_document());
    docs.emplace_back("adversarial", adversarial_document());
    docs.emplace_back("empty", Document{});
    Document no_issue_total = make_sample_document();
    no_issue_total.masthead.issue = bulletin::IssueNumber{};
    no_issue_total.masthead.series.reset();
    no_issue_total.masthead.publisher.reset();
    no_issue_total.masthead.date.reset();
    docs.emplace_back("nulls", std::move(no_issue_total));
    return docs;
}

/// The samples as the shipped pipeline's plugins make them (reader, segmenter, taggers), so the
/// comparison also covers real output; these are also the documents of the benchmarks.
std::vector<std::pair<std::string, Document>> pipeline_documents() {
    std::vector<std::pair<std::string, Document>> docs;
    for (const auto& entry : std::filesystem::directory_iterator(data_dir() / "samples")) {
        auto name = entry.path().filename().string();
        if (!name.ends_with(".txt")) continue;
        auto bytes = read_file(entry.path());
        Document doc;
        TestContext ctx;
        load<bulletin::Reader>("text")->read({entry.path(), bytes}, doc, ctx);
        load<bulletin::Segmenter>("cn.bulletin")->segment(doc, ctx);
        for (const char* tagger :
             {"cn.dates", "cn.persons", "cn.places", "cn.orgs", "cn.recipients"})
            load<bulletin::Tagger>(tagger)->tag(doc, ctx);
        docs.emplace_back(name, std::move(doc));
    }
    return docs;
}

/// Keeps what an exporter writes instead of writing it: `written` holds the bytes of the last
/// write_file or committed open_file, and the counts say which way they came.
class CaptureContext final : public bulletin::Context {
public:
    std::string_view plugin_name() const override { return "test"; }
    bool log_enabled(bulletin::LogLevel) const override { return false; }
    void log(bulletin::LogLevel, std::string_view) override {}
    bool cancelled() const override { return false; }
    std::filesystem::path output_path(std::string_view, const Document&) const override {
        return "/nonexistent/out";
    }
    std::filesystem::path run_output_path(std::string_view) const override {
        return "/nonexistent/run";
    }
    void write_file(const std::filesystem::path&, std::string_view bytes) override {
        ++write_file_calls;
        written = bytes;
    }
    std::unique_ptr<bulletin::OutputFile> open_file(const std::filesystem::path&) override {
        ++open_file_calls;
        return std::make_unique<File>(*this);
    }
    void add_record(std::string_view) override {}

    std::string written;
    int write_file_calls = 0, open_file_calls = 0;
    std::size_t pieces = 0;           ///< OutputFile::write calls
    std::size_t fail_after_bytes = 0; ///< when not 0, a write beyond this many bytes throws

private:
    class File final : public bulletin::OutputFile {
    public:
        explicit File(CaptureContext& ctx) : ctx_(ctx) {}
        void write(std::string_view bytes) override {
            ++ctx_.pieces;
            if (ctx_.fail_after_bytes && bytes_.size() + bytes.size() > ctx_.fail_after_bytes)
                throw bulletin::Error("disk full (test)");
            bytes_ += bytes;
        }
        void commit() override { ctx_.written = bytes_; }

    private:
        CaptureContext& ctx_;
        std::string bytes_;
    };
};

// --- Escaping. ---

TEST(JsonEscape, AdversarialStringsMatchNlohmann) {
    for (const auto& s : adversarial_strings())
        EXPECT_EQ(escaped(s), nlohmann_escaped(s)) << ordered_json(s).dump(-1, ' ', true, kReplace);
}

TEST(JsonEscape, DocumentedForms) {
    EXPECT_EQ(escaped("\"\\/\b\f\n\r\t"), "\\\"\\\\/\\b\\f\\n\\r\\t");
    EXPECT_EQ(escaped(std::string("\0\x1f\x7f", 3)), "\\u0000\\u001f\x7f");
    EXPECT_EQ(escaped("\u2028中😀"), "\u2028中😀");
    EXPECT_EQ(escaped("a\xe4\xb8z\xff"), "a\uFFFDz\uFFFD");
    EXPECT_EQ(escaped("\xe0\x80"), "\uFFFD\uFFFD"); // E0 80 is no prefix of a valid sequence
    std::string appended = "kept";
    bulletin::json::escape("\n", appended);
    EXPECT_EQ(appended, "kept\\n");
}

TEST(JsonEscape, EveryOneAndTwoByteStringMatchesNlohmann) {
    for (int a = 0; a < 256; ++a) {
        std::string one(1, static_cast<char>(a));
        ASSERT_EQ(escaped(one), nlohmann_escaped(one)) << a;
        for (int b = 0; b < 256; ++b) {
            std::string two{static_cast<char>(a), static_cast<char>(b)};
            ASSERT_EQ(escaped(two), nlohmann_escaped(two)) << a << " " << b;
        }
    }
}

TEST(JsonEscape, EveryThreeAndFourByteStringOfBoundaryBytesMatchesNlohmann) {
    // The bytes where UTF-8's rules change, plus controls and escapes.
    const std::vector<unsigned char> bytes = {
        0x00, 0x0a, 0x1f, 0x22, 0x41, 0x5c, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1,
        0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff};
    for (auto a : bytes)
        for (auto b : bytes)
            for (auto c : bytes) {
                std::string three{static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)};
                ASSERT_EQ(escaped(three), nlohmann_escaped(three));
                for (auto d : bytes) {
                    std::string four = three + static_cast<char>(d);
                    ASSERT_EQ(escaped(four), nlohmann_escaped(four));
                }
            }
}

TEST(JsonEscape, RandomByteStringsMatchNlohmann) {
    std::mt19937 random(20240731);
    // Biased towards bytes that matter: continuation bytes, lead bytes, controls.
    std::uniform_int_distribution<int> byte(0, 255), kind(0, 3), length(0, 40);
    for (int i = 0; i < 20000; ++i) {
        std::string s;
        for (int n = length(random); n > 0; --n) {
            switch (kind(random)) {
            case 0:
                s += static_cast<char>(0x80 + byte(random) % 64);
                break;
            case 1:
                s += static_cast<char>(0xc0 + byte(random) % 64);
                break;
            case 2:
                s += "中";
                break;
            default:
                s += static_cast<char>(byte(random));
            }
        }
        ASSERT_EQ(escaped(s), nlohmann_escaped(s)) << ordered_json(s).dump(-1, ' ', true, kReplace);
    }
}

// --- The writer. ---

TEST(JsonWriter, EveryKindOfValueMatchesNlohmannAtEveryIndent) {
    const auto& strings = adversarial_strings();
    ordered_json expected = ordered_json::object();
    expected["empty object"] = ordered_json::object();
    expected["empty array"] = ordered_json::array();
    expected["strings"] = strings;
    expected["numbers"] = {0,
                           -1,
                           std::numeric_limits<std::int64_t>::min(),
                           std::numeric_limits<std::int64_t>::max(),
                           std::numeric_limits<std::uint64_t>::max(),
                           std::size_t{42}};
    expected["booleans"] = {true, false};
    expected["null"] = nullptr;
    ordered_json nested = ordered_json::array();
    nested.push_back({{"a", ordered_json::array({ordered_json::array(), ordered_json::object()})}});
    nested.push_back(ordered_json::array({ordered_json::array({1})}));
    nested.push_back(nullptr);
    expected["nested"] = nested;
    for (const auto& s : strings)
        expected["keys"][s] = s;
    expected["map"] = std::map<std::string, std::string>{{"b", "2"}, {"a", "1"}};
    expected["optional"] = {"set", nullptr};

    for (int indent = -1; indent <= 8; ++indent) {
        std::string out = "prefix ";
        bulletin::json::Writer w(out, indent);
        w.begin_object();
        w.key("empty object").begin_object().end_object();
        w.key("empty array").begin_array().end_array();
        w.member("strings", strings);
        w.key("numbers")
            .begin_array()
            .value(0)
            .value(-1)
            .value(std::numeric_limits<std::int64_t>::min())
            .value(std::numeric_limits<std::int64_t>::max())
            .value(std::numeric_limits<std::uint64_t>::max())
            .value(std::size_t{42})
            .end_array();
        w.key("booleans").begin_array().value(true).value(false).end_array();
        w.member("null", nullptr);
        w.key("nested").begin_array();
        w.begin_object().key("a").begin_array().begin_array().end_array();
        w.begin_object().end_object().end_array().end_object();
        w.begin_array().begin_array().value(1).end_array().end_array();
        w.value(nullptr);
        w.end_array();
        w.key("keys").begin_object();
        for (const auto& s : strings)
            w.member(s, s);
        w.end_object();
        w.member("map", std::map<std::string, std::string>{{"b", "2"}, {"a", "1"}});
        w.key("optional")
            .begin_array()
            .value(std::optional<std::string>("set"))
            .value(std::optional<std::string>())
            .end_array();
        w.end_object();
        EXPECT_EQ(out, "prefix " + expected.dump(indent, ' ', false, kReplace)) << indent;
    }
}

TEST(JsonWriter, ValuesLargerThanItsBufferAndDeepNesting) {
    // Longer than the writer's buffer, with escapes and invalid bytes across its boundaries.
    std::string big;
    for (int i = 0; big.size() < 20000; ++i)
        big += i % 7 == 0 ? "\"\n\x01\xff" : i % 3 == 0 ? "abc" : "中文字";
    // Deep enough that one line's indentation (300 x 8 spaces) exceeds the buffer.
    constexpr int kDepth = 300;
    for (int indent = -1; indent <= 8; ++indent) {
        ordered_json expected = ordered_json::array({big, big});
        for (int d = 0; d < kDepth; ++d)
            expected = ordered_json::array({expected, d});
        std::string out;
        bulletin::json::Writer w(out, indent);
        for (int d = 0; d < kDepth; ++d)
            w.begin_array();
        w.begin_array().value(big).value(big).end_array();
        for (int d = 0; d < kDepth; ++d) // the innermost array holds 0
            w.value(d).end_array();
        EXPECT_EQ(out, expected.dump(indent, ' ', false, kReplace)) << indent;
    }
}

TEST(JsonWriter, TopLevelValuesFollowEachOther) {
    std::string out;
    bulletin::json::Writer w(out, 2);
    w.value("a");
    out += '\n';
    w.begin_array().value(1).end_array();
    out += '\n';
    w.value(nullptr);
    EXPECT_EQ(out, "\"a\"\n[\n  1\n]\nnull");
}

TEST(JsonWriter, Doubles) {
    auto written = [](double d) {
        std::string out;
        bulletin::json::Writer(out).value(d);
        return out;
    };
    // The forms where std::to_chars and nlohmann agree.
    for (double d : {0.0, -0.0, 1.0, -2.0, 0.5, 0.1, 3.14159, 1e300, 1e-300, 12.5, 1e15, 1e16})
        EXPECT_EQ(written(d), ordered_json(d).dump()) << d;
    EXPECT_EQ(written(std::nan("")), "null");
    EXPECT_EQ(written(std::numeric_limits<double>::infinity()), "null");
    EXPECT_EQ(std::stod(written(0.1 + 0.2)), 0.1 + 0.2);
}

// --- Documents and the exporters. ---

void expect_identical(const std::string& name, const Document& doc) {
    auto reference = reference_document(doc);
    for (int indent = -1; indent <= 8; ++indent) {
        std::string out;
        bulletin::json::Writer w(out, indent);
        bulletin::json::write_document(w, doc);
        ASSERT_EQ(out, reference.dump(indent, ' ', false, kReplace))
            << name << " at indent " << indent;

        auto exporter = load<bulletin::Exporter>("json", {{"indent", std::to_string(indent)}});
        CaptureContext ctx;
        exporter->write(doc, ctx);
        ASSERT_EQ(ctx.written, out + "\n") << name << " at indent " << indent;
    }
    auto jsonl = load<bulletin::Exporter>("jsonl");
    CaptureContext ctx;
    jsonl->write(doc, ctx);
    ASSERT_EQ(ctx.written, reference_jsonl(doc)) << name;
}

TEST(JsonDocument, SampleAndAdversarialDocumentsMatchNlohmann) {
    for (const auto& [name, doc] : documents())
        expect_identical(name, doc);
}

TEST(JsonDocument, PipelineOutputOfTheSamplesMatchesNlohmann) {
    auto docs = pipeline_documents();
    ASSERT_EQ(docs.size(), 12u); // 4 samples x (.txt, .plain.txt, .gb18030.txt)
    for (const auto& [name, doc] : docs) {
        ASSERT_FALSE(doc.entities.empty()) << name;
        expect_identical(name, doc);
    }
}

TEST(JsonDocument, NestsInsideAnotherValue) {
    const auto doc = make_tricky_document();
    ordered_json expected = {{"id", 7}, {"bulletin", reference_document(doc)}, {"after", true}};
    for (int indent = -1; indent <= 8; ++indent) {
        std::string out;
        bulletin::json::Writer w(out, indent);
        w.begin_object().member("id", 7).key("bulletin");
        bulletin::json::write_document(w, doc);
        w.member("after", true).end_object();
        EXPECT_EQ(out, expected.dump(indent, ' ', false, kReplace)) << indent;
    }
}

TEST(JsonDocument, AppendsToWhatIsThere) {
    std::string out = "[";
    bulletin::json::Writer w(out);
    bulletin::json::write_document(w, Document{});
    out += ']';
    EXPECT_EQ(nlohmann::json::parse(out).at(0).at("schema"), "bulletin/1");
}

// --- The json exporter streams through Context::open_file. ---

/// A Context that writes through a TestContext (real files below a directory) but whose files
/// fail once more than `fail_after_bytes` have been written, like a disk that fills up.
class FailingDiskContext final : public bulletin::Context {
public:
    FailingDiskContext(TestContext& inner, std::size_t fail_after_bytes)
        : inner_(inner), limit_(fail_after_bytes) {}
    std::string_view plugin_name() const override { return inner_.plugin_name(); }
    bool log_enabled(bulletin::LogLevel level) const override { return inner_.log_enabled(level); }
    void log(bulletin::LogLevel level, std::string_view message) override {
        inner_.log(level, message);
    }
    bool cancelled() const override { return inner_.cancelled(); }
    std::filesystem::path output_path(std::string_view path_template,
                                      const Document& document) const override {
        return inner_.output_path(path_template, document);
    }
    std::filesystem::path run_output_path(std::string_view path_template) const override {
        return inner_.run_output_path(path_template);
    }
    void write_file(const std::filesystem::path& path, std::string_view bytes) override {
        inner_.write_file(path, bytes);
    }
    std::unique_ptr<bulletin::OutputFile> open_file(const std::filesystem::path& path) override {
        return std::make_unique<File>(inner_.open_file(path), limit_);
    }
    void add_record(std::string_view record) override { inner_.add_record(record); }

private:
    class File final : public bulletin::OutputFile {
    public:
        File(std::unique_ptr<bulletin::OutputFile> inner, std::size_t limit)
            : inner_(std::move(inner)), left_(limit) {}
        void write(std::string_view bytes) override {
            if (bytes.size() > left_) throw bulletin::Error("No space left on device (test)");
            left_ -= bytes.size();
            inner_->write(bytes);
        }
        void commit() override { inner_->commit(); }

    private:
        std::unique_ptr<bulletin::OutputFile> inner_;
        std::size_t left_;
    };
    TestContext& inner_;
    std::size_t limit_;
};

std::vector<std::filesystem::path> files_below(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
        if (!entry.is_directory()) files.push_back(entry.path());
    return files;
}

TEST(JsonExporter, StreamsThroughOpenFileInPieces) {
    auto doc = make_sample_document();
    for (int copy = 0; copy < 3; ++copy) // several buffers' worth of JSON
        doc.articles.insert(doc.articles.end(), doc.articles.begin(), doc.articles.end());
    auto exporter = load<bulletin::Exporter>("json");
    CaptureContext ctx;
    exporter->write(doc, ctx);
    EXPECT_EQ(ctx.write_file_calls, 0); // never the whole document as one string
    EXPECT_EQ(ctx.open_file_calls, 1);
    std::string expected;
    bulletin::json::Writer w(expected, 2);
    bulletin::json::write_document(w, doc);
    EXPECT_EQ(ctx.written, expected + "\n");
    EXPECT_GT(ctx.pieces, expected.size() / 4096) << "written in pieces, not at once";
}

TEST(JsonExporter, LongParagraphsAndDeepValuesStreamWhole) {
    // Strings longer than the writer's buffer go to the file directly: none may be lost.
    Document doc;
    auto& article = doc.articles.emplace_back();
    article.title = std::string(5000, 't');
    for (std::size_t n : {1u, 2047u, 2048u, 2049u, 9000u})
        article.paragraphs.push_back({std::string(n, 'p') + "“引号”" + std::string(n, 'q'), {}});
    doc.metadata["long"] = std::string(70000, 'm');
    for (int indent : {-1, 0, 2, 8}) {
        auto exporter = load<bulletin::Exporter>("json", {{"indent", std::to_string(indent)}});
        CaptureContext ctx;
        exporter->write(doc, ctx);
        std::string expected;
        bulletin::json::Writer w(expected, indent);
        bulletin::json::write_document(w, doc);
        ASSERT_EQ(ctx.written.size(), expected.size() + 1) << "indent " << indent;
        EXPECT_EQ(ctx.written, expected + "\n") << "indent " << indent;
    }
}

TEST(JsonExporter, AFailedExportLeavesNoFile) {
    TempDir dir;
    TestContext files(dir.path());
    auto doc = make_sample_document();
    auto exporter = load<bulletin::Exporter>("json");
    FailingDiskContext full(files, 3000); // fails part way through the document
    EXPECT_THROW(exporter->write(doc, full), bulletin::Error);
    EXPECT_TRUE(files_below(dir.path()).empty()) << "neither the target nor a temporary is left";
    EXPECT_TRUE(files.written.empty());

    FailingDiskContext roomy(files, std::size_t(1) << 30); // the same export with room succeeds
    exporter->write(doc, roomy);
    auto written = files_below(dir.path());
    ASSERT_EQ(written.size(), 1u);
    EXPECT_EQ(written[0].filename(), "hunan-xuanren-2023-04-24.json");
    ASSERT_EQ(files.written.size(), 1u);
    EXPECT_TRUE(std::filesystem::equivalent(files.written[0], written[0]));
}

} // namespace
