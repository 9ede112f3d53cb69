// The catalogue of bad inputs (README.md in this folder): each is made here, at test time, run
// through `bulletin run` (exit code and the message a person sees), and all the input files go
// through one `bulletin batch` together with good samples, which must still convert.
#include "support/plugins.hpp"

#include <gtest/gtest.h>
#include <iconv.h>
#include <zip.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using bulletin::testing::bulletin_binary;
using bulletin::testing::data_dir;
using bulletin::testing::read_file;
using bulletin::testing::run_command;
using bulletin::testing::source_dir;
using bulletin::testing::TempDir;

namespace {

std::string quote(const fs::path& p) {
    return "'" + p.string() + "'";
}

void write(const fs::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

fs::path sample(const std::string& name) {
    return data_dir() / "samples" / name;
}

struct Entry {
    std::string name;
    std::string data;
    bool deflate = true;
};

/// Writes a zip file with libzip (entries stored or deflated, names exactly as given).
void write_zip(const fs::path& path, const std::vector<Entry>& entries) {
    int error = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    ASSERT_NE(archive, nullptr) << "zip_open " << path;
    for (const auto& e : entries) {
        zip_source_t* source = zip_source_buffer(archive, e.data.data(), e.data.size(), 0);
        ASSERT_NE(source, nullptr);
        zip_int64_t index = zip_file_add(archive, e.name.c_str(), source, ZIP_FL_ENC_UTF_8);
        ASSERT_GE(index, 0) << zip_strerror(archive);
        zip_set_file_compression(archive, static_cast<zip_uint64_t>(index),
                                 e.deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
    }
    ASSERT_EQ(zip_close(archive), 0) << path; // reads the buffers: `entries` outlives it
}

/// The entries of a committed sample container, with some replaced or added.
std::vector<Entry> sample_entries(const std::string& name, const std::vector<Entry>& replace = {}) {
    std::vector<Entry> out;
    std::string bytes = read_file(sample(name));
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
    if (!archive) {
        zip_source_free(source);
        return out;
    }
    for (zip_int64_t i = 0; i < zip_get_num_entries(archive, 0); ++i) {
        zip_stat_t st;
        zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &st);
        std::string data(st.size, '\0');
        zip_file_t* f = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0);
        zip_fread(f, data.data(), st.size);
        zip_fclose(f);
        out.push_back({st.name, std::move(data)});
    }
    zip_close(archive);
    for (const auto& r : replace) {
        bool found = false;
        for (auto& e : out)
            if (e.name == r.name) e = r, found = true;
        if (!found) out.push_back(r);
    }
    return out;
}

const char* kOfdRoot =
    R"(<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" )"
    R"(Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocRoot>%ROOT%</ofd:DocRoot></ofd:DocBody></ofd:OFD>)";

std::string ofd_root(const std::string& root) {
    std::string s = kOfdRoot;
    s.replace(s.find("%ROOT%"), 6, root);
    return s;
}

const char* kContentTypes =
    R"(<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
    R"(<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-)"
    R"(officedocument.wordprocessingml.document.main+xml"/></Types>)";
const char* kDocxHead =
    R"(<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">)";

/// A one-page PDF; `content` is its page's content stream (no text operators: no text layer),
/// `/F1` its font (Helvetica).
std::string tiny_pdf(const std::string& content, int pages = 1) {
    std::vector<std::string> objects = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        pages ? "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
              : "<< /Type /Pages /Kids [] /Count 0 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R "
        ">> >> /Contents 4 0 R >>",
        "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "endstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
    std::string out = "%PDF-1.4\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(out.size());
        out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    std::size_t xref = out.size();
    out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (auto o : offsets) {
        char line[32];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", o);
        out += line;
    }
    out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
           " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return out;
}

/// A page of `count` text objects, one glyph each: `columns` positions across, then the next row
/// (`columns` = 0: all on one baseline, every other position left to right, then the rest right
/// to left: the order in which poppler's layout takes longest).
std::string text_objects_pdf(int count, int columns) {
    std::string content;
    content.reserve(static_cast<std::size_t>(count) * 40);
    char op[96];
    for (int i = 0; i < count; ++i) {
        int slot = i < count / 2 ? 2 * i : 2 * (count - 1 - i) + 1;
        double x = columns ? 40 + (i % columns) * 10 : 40 + slot * (500.0 / count);
        double y = columns ? 800 - (i / columns) % 70 * 10 : 400;
        std::snprintf(op, sizeof op, "BT /F1 10 Tf 1 0 0 1 %.3f %.1f Tm (a) Tj ET\n", x, y);
        content += op;
    }
    return tiny_pdf(content);
}

/// `utf8` in GB18030, by iconv(3).
std::string to_gb18030(const std::string& utf8) {
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    if (cd == reinterpret_cast<iconv_t>(-1)) return {};
    std::string out(utf8.size() * 2 + 16, '\0');
    char* in = const_cast<char*>(utf8.data());
    char* to = out.data();
    std::size_t in_left = utf8.size(), out_left = out.size();
    iconv(cd, &in, &in_left, &to, &out_left);
    iconv_close(cd);
    out.resize(out.size() - out_left);
    return out;
}

/// A zip of `entries` in which the names given as `placeholder` -> `name` are renamed after
/// writing, in the local headers and the central directory (libzip refuses to write two
/// entries of one name). Placeholders must have the length of their names.
void write_zip_renamed(const fs::path& path, const std::vector<Entry>& entries,
                       const std::string& placeholder, const std::string& name) {
    write_zip(path, entries);
    std::string bytes = read_file(path);
    for (auto at = bytes.find(placeholder); at != std::string::npos;
         at = bytes.find(placeholder, at + 1))
        bytes.replace(at, name.size(), name);
    write(path, bytes);
}

std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 random(seed);
    std::string out(n, '\0');
    for (auto& c : out)
        c = static_cast<char>(random() & 0xFF);
    return out;
}

std::string nested(const std::string& open, const std::string& close, int depth,
                   const std::string& inner) {
    std::string out;
    out.reserve((open.size() + close.size()) * static_cast<std::size_t>(depth) + inner.size());
    for (int i = 0; i < depth; ++i)
        out += open;
    out += inner;
    for (int i = 0; i < depth; ++i)
        out += close;
    return out;
}

const std::string kLaughs =
    R"(<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">)"
    R"(<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">)"
    R"(<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">)"
    R"(<!ENTITY xxe SYSTEM "file:///etc/passwd">]>)";

/// One catalogue entry. `make` writes the input (or the pipeline) into `dir` and returns the
/// `bulletin` arguments after the subcommand; `run_exit` and `message` are what the user gets.
struct Case {
    std::string id;
    std::string file; ///< input written into the directory; "" = not part of the batch
    std::function<std::string(const fs::path& dir)> make;
    int run_exit;
    std::string message;
    bool in_batch = true;
    std::string batch_message = {}; ///< when the batch says it differently
};

std::string pipeline() {
    return quote(source_dir() / "pipelines" / "cn-bulletin.xml");
}

/// Arguments for `bulletin run` on `file` in `dir` with the shipped pipeline.
std::string run_args(const fs::path& dir, const std::string& file, const std::string& extra = "") {
    return pipeline() + " " + quote(dir / file) + " -o " + quote(dir / "out") + extra;
}

std::vector<Case> catalogue() {
    std::vector<Case> c;
    auto input = [&](std::string id, std::string file, std::function<void(const fs::path&)> make,
                     int exit, std::string message, std::string extra = "") {
        c.push_back({std::move(id), file,
                     [file, make, extra](const fs::path& dir) {
                         make(dir / file);
                         return run_args(dir, file, extra);
                     },
                     exit, std::move(message)});
    };
    // -- any format
    input(
        "empty-file", "empty.txt", [](auto p) { write(p, ""); }, 1,
        "the file is empty (0 bytes), nothing to convert");
    input(
        "binary-garbage", "garbage.txt", [](auto p) { write(p, random_bytes(4096, 1)); }, 1,
        "no reader of this pipeline accepts this file");
    input(
        "garbage-named-pdf", "garbage.pdf", [](auto p) { write(p, random_bytes(4096, 2)); }, 1,
        "no reader of this pipeline accepts this file");
    // -- PDF
    input(
        "truncated-pdf", "truncated.pdf",
        [](auto p) {
            write(p, read_file(sample("chengdu-zhuanbao-2024-03.pdf")).substr(0, 20000));
        },
        1, "not a readable PDF (damaged or truncated)");
    input(
        "encrypted-pdf", "encrypted.pdf",
        [](auto p) {
            auto r = run_command("qpdf --encrypt secret owner 256 -- " +
                                 quote(sample("chengdu-zhuanbao-2024-03.pdf")) + " " + quote(p));
            if (r.exit_code != 0) write(p, "qpdf missing");
        },
        1, "the PDF is encrypted and needs a password");
    input(
        "pdf-without-text", "scanned.pdf",
        [](auto p) { write(p, tiny_pdf("0 0 1 rg 100 100 200 200 re f\n")); }, 1,
        "no text layer (a scanned image?); run OCR on it first");
    input(
        "pdf-no-pages", "no-pages.pdf", [](auto p) { write(p, tiny_pdf("", 0)); }, 1,
        "no-pages.pdf");
    // 150 000 one-glyph text objects on one page (a million took over ten minutes before the
    // glyph limit): refused once the page passes max_chars_per_page.
    input(
        "pdf-many-text-objects", "text-objects.pdf",
        [](auto p) { write(p, text_objects_pdf(150000, 50)); }, 1,
        "text-objects.pdf: page 1 draws more than 100000 characters (the pdf reader's "
        "max_chars_per_page limit");
    // 20 000 glyphs on one baseline (2.8 s in poppler's layout before the limit; the time grows
    // with the square of the glyphs).
    input(
        "pdf-crowded-line", "crowded.pdf", [](auto p) { write(p, text_objects_pdf(20000, 0)); }, 1,
        "crowded.pdf: page 1 draws more than 4000 characters on one line");
    // poppler complains about a font tag; its message names the file and goes through the log.
    input(
        "pdf-poppler-complains", "complains.pdf",
        [](auto p) {
            write(p, tiny_pdf("BT /F1 24 Tf 72 700 Td (Hello bulletin) Tj /F#01#1Bx 12 Tf ET\n"));
        },
        0, "complains.pdf: poppler: syntax error: Unknown font tag 'F<01><1b>x'");
    // -- OFD
    input(
        "ofd-missing-document", "no-document.ofd",
        [](auto p) {
            write_zip(p, {{"OFD.xml", ofd_root("Doc_0/Document.xml")}});
        },
        1, "named by OFD.xml is not in the package");
    input(
        "ofd-docroot-leaves-package", "docroot-escape.ofd",
        [](auto p) {
            write_zip(p, {{"OFD.xml", ofd_root("../../../etc/passwd")}});
        },
        1, "points outside the package");
    input(
        "ofd-entry-leaves-package", "zip-slip.ofd",
        [](auto p) {
            write_zip(p,
                      sample_entries("chengdu-zhuanbao-2024-03.ofd", {{"../../evil.xml", "<x/>"}}));
        },
        1, "zip entry '../../evil.xml' leaves the package");
    input(
        "ofd-zip-bomb", "bomb.ofd",
        [](auto p) {
            write_zip(p, sample_entries(
                             "chengdu-zhuanbao-2024-03.ofd",
                             {{"Doc_0/Pages/Page_0/Content.xml", std::string(20u << 20, ' ')}}));
        },
        1, "(a zip bomb?)");
    input(
        "ofd-deeply-nested", "deep.ofd",
        [](auto p) {
            write_zip(
                p,
                sample_entries(
                    "chengdu-zhuanbao-2024-03.ofd",
                    {{"Doc_0/Pages/Page_0/Content.xml",
                      R"(<?xml version="1.0"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer>)" +
                          nested("<ofd:PageBlock>", "</ofd:PageBlock>", 100000, "") +
                          "</ofd:Layer></ofd:Content></ofd:Page>",
                      false}}));
        },
        1, "nest too deeply");
    input(
        "ofd-billion-laughs", "laughs-ofd.ofd",
        [](auto p) {
            std::string root = ofd_root("Doc_0/Document.xml");
            root.insert(root.find("<ofd:OFD"), kLaughs);
            root.insert(root.find("<ofd:DocRoot"),
                        "<ofd:DocInfo><ofd:Title>&lol3;&xxe;</ofd:Title></ofd:DocInfo>");
            write_zip(p, sample_entries("chengdu-zhuanbao-2024-03.ofd", {{"OFD.xml", root}}));
        },
        0, "laughs-ofd.ofd ->");
    // 240 pages that all draw one content part of about 1 MiB of text: 44 KB on disk, which
    // made the reader produce 240 MiB of text. Refused once the text passes max_chars.
    input(
        "ofd-pages-share-one-content", "shared-pages.ofd",
        [](auto p) {
            std::string pages;
            for (int i = 0; i < 240; ++i)
                pages += "<ofd:Page ID=\"" + std::to_string(i + 100) +
                         "\" BaseLoc=\"Pages/Page_0/Content.xml\"/>";
            std::string document =
                R"(<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016">)"
                R"(<ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>)"
                R"(<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>)" +
                pages + "</ofd:Pages></ofd:Document>";
            std::string content =
                R"(<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="2">)";
            for (int i = 0; i < 100; ++i)
                content += R"(<ofd:TextObject ID="3" Boundary="10 )" + std::to_string(10 + i * 2) +
                           R"( 190 2" Font="1" Size="1"><ofd:TextCode X="0" Y="1">)" +
                           std::string(10000, 'a') + "</ofd:TextCode></ofd:TextObject>";
            content += "</ofd:Layer></ofd:Content></ofd:Page>";
            write_zip(p, sample_entries("chengdu-zhuanbao-2024-03.ofd",
                                        {{"Doc_0/Document.xml", document},
                                         {"Doc_0/Pages/Page_0/Content.xml", content}}));
        },
        1,
        "shared-pages.ofd: the document has more than 5000000 characters of text (the ofd "
        "reader's max_chars limit");
    input(
        "ofd-not-a-zip", "damaged.ofd",
        [](auto p) { write(p, "PK\x03\x04" + random_bytes(2000, 3)); }, 1,
        "not a readable zip container");
    // -- DOCX
    input(
        "docx-no-body", "no-body.docx",
        [](auto p) {
            write_zip(p, {{"[Content_Types].xml", kContentTypes},
                          {"word/document.xml", std::string(kDocxHead) + "</w:document>"}});
        },
        1, "word/document.xml has no body");
    input(
        "docx-zip-bomb", "bomb.docx",
        [](auto p) {
            write_zip(p, {{"[Content_Types].xml", kContentTypes},
                          {"word/document.xml", std::string(kDocxHead) + "<w:body>" +
                                                    std::string(20u << 20, ' ') +
                                                    "</w:body></w:document>"}});
        },
        1, "(a zip bomb?)");
    input(
        "docx-deeply-nested", "deep.docx",
        [](auto p) {
            write_zip(p, {{"[Content_Types].xml", kContentTypes},
                          {"word/document.xml",
                           std::string(kDocxHead) + "<w:body>" +
                               nested("<w:sdt><w:sdtContent>", "</w:sdtContent></w:sdt>", 100000,
                                      "<w:p><w:r><w:t>x</w:t></w:r></w:p>") +
                               "</w:body></w:document>",
                           false}});
        },
        1, "nest too deeply");
    input(
        "docx-billion-laughs", "laughs-docx.docx",
        [](auto p) {
            write_zip(p, {{"[Content_Types].xml", kContentTypes},
                          {"word/document.xml", "<?xml version=\"1.0\"?>" + kLaughs +
                                                    std::string(kDocxHead).substr(21) +
                                                    "<w:body><w:p><w:r><w:t>&lol3;&xxe;</w:t></"
                                                    "w:r></w:p></w:body></w:document>"}});
        },
        0, "laughs-docx.docx ->");
    // Two entries named word/document.xml: viewers show one, a converter might read the other.
    input(
        "zip-duplicate-entry", "duplicate.docx",
        [](auto p) {
            auto body = [](const std::string& text) {
                return std::string(kDocxHead) + "<w:body><w:p><w:r><w:t>" + text +
                       "</w:t></w:r></w:p></w:body></w:document>";
            };
            write_zip_renamed(p,
                              {{"[Content_Types].xml", kContentTypes},
                               {"word/document.xml", body("第一份正文")},
                               {"word/documenX.xml", body("第二份正文")}},
                              "word/documenX.xml", "word/document.xml");
        },
        1, "duplicate.docx: zip entry 'word/document.xml' appears more than once in the package");
    // A NUL character reference ended pugixml's text node: the rest of it was lost.
    input(
        "docx-nul-reference", "nul-reference.docx",
        [](auto p) {
            write_zip(p, {{"[Content_Types].xml", kContentTypes},
                          {"word/document.xml",
                           std::string(kDocxHead) +
                               "<w:body><w:p><w:r><w:t>第一段前半&#0;第一段后半</w:t></w:r></w:p>"
                               "</w:body></w:document>"}});
        },
        0, "word/document.xml: 1 NUL character reference(s) (&#0;) removed");
    input(
        "docx-without-document", "not-word.docx",
        [](auto p) {
            write_zip(p, {{"[Content_Types].xml", kContentTypes}, {"a.txt", "hello"}});
        },
        1, "not-word.docx");
    // -- HTML
    input(
        "html-no-content", "no-content.html",
        [](auto p) {
            write(p, "<!DOCTYPE html><html><head><title>x</title></head><body><div "
                     "id=\"nav\"><a href=\"/\">首页</a></div></body></html>");
        },
        1, "no main content found in the HTML page");
    // <meta charset="utf-8"> over GB18030 bytes: read as GB18030, and said so.
    input(
        "html-lying-charset", "lying-charset.html",
        [](auto p) { write(p, to_gb18030(read_file(sample("hunan-xuanren-2023-04-24.html")))); }, 0,
        "it decodes as GB18030 without an error, so it was read as GB18030");
    input(
        "html-deeply-nested", "deep.html",
        [](auto p) {
            write(p, "<!DOCTYPE html><html><body>" +
                         nested("<div>", "</div>", 200000, "正文内容正文内容正文内容") +
                         "</body></html>");
        },
        1, "HTML elements nest more than 2000 deep");
    // -- text
    input(
        "invalid-utf8-in-the-middle", "bad-utf8.txt",
        [](auto p) {
            std::string t = read_file(sample("chengdu-zhuanbao-2024-03.txt"));
            write(p, t.substr(0, 400) + "\xff\xfe\xc3" + t.substr(400));
        },
        0, "invalid UTF-8 byte sequence at byte offset 400 (3 in all, each replaced by U+FFFD)");
    input(
        "nul-bytes-in-text", "nul.txt",
        [](auto p) {
            std::string t = read_file(sample("chengdu-zhuanbao-2024-03.txt"));
            t.insert(300, std::string(1, '\0'));
            write(p, t);
        },
        0, "1 NUL characters removed from the text");
    c.push_back({"gb18030-declared-utf8", "",
                 [](const fs::path& dir) {
                     fs::copy_file(sample("hunan-xuanren-2023-04-24.gb18030.txt"), dir / "gb.txt");
                     return run_args(dir, "gb.txt", " --set text.encoding=utf-8");
                 },
                 1, "`encoding` parameter says utf-8 but the file looks like GB18030", false});
    c.push_back({"input-larger-than-limit", "",
                 [](const fs::path& dir) {
                     fs::copy_file(sample("hunan-xuanren-2023-04-24.txt"), dir / "big.txt");
                     return run_args(dir, "big.txt", " --max-input-size 1000");
                 },
                 1, "more than the limit of 1000 (--max-input-size)", false});
    // -- the file system
    c.push_back({"input-missing", "",
                 [](const fs::path& dir) { return run_args(dir, "missing.txt"); }, 1,
                 "missing.txt: cannot read input: No such file or directory", false});
    c.push_back({"input-is-a-directory", "",
                 [](const fs::path& dir) {
                     fs::create_directories(dir / "folder.txt");
                     return run_args(dir, "folder.txt");
                 },
                 1, "is a directory; pass files", false});
    c.push_back({"input-is-a-fifo", "",
                 [](const fs::path& dir) {
                     ::mkfifo((dir / "fifo.txt").c_str(), 0644);
                     return run_args(dir, "fifo.txt");
                 },
                 1, "is not a regular file (a FIFO, socket or device)", false});
    c.push_back({"output-dir-not-writable", "",
                 [](const fs::path& dir) {
                     write(dir / "a-file", "x");
                     return pipeline() + " " + quote(sample("chengdu-zhuanbao-2024-03.txt")) +
                            " -o " + quote(dir / "a-file" / "out");
                 },
                 2, "cannot create output directory", false});
    c.push_back({"disk-full", "",
                 [](const fs::path& dir) {
                     // RLIMIT_FSIZE stands in for a full disk: writes fail with EFBIG once the
                     // output passes 1 KiB (SIGXFSZ ignored, as a daemon would).
                     return pipeline() + " " + quote(sample("hunan-xuanren-2023-04-24.txt")) +
                            " -o " + quote(dir / "out") + "#FSIZE";
                 },
                 1, "a file size limit was reached", false});
    // -- pipelines
    auto pipeline_case = [&](std::string id, std::string xml, std::string message) {
        c.push_back({std::move(id), "",
                     [xml](const fs::path& dir) {
                         write(dir / "p.xml", xml);
                         return quote(dir / "p.xml") + " " +
                                quote(sample("chengdu-zhuanbao-2024-03.txt")) + " -o " +
                                quote(dir / "out");
                     },
                     2, std::move(message), false});
    };
    pipeline_case(
        "pipeline-missing-plugin",
        R"(<pipeline name="x"><reader plugin="text"/><segmenter plugin="cn.bulletn"/>)"
        R"(<exporter plugin="json"/></pipeline>)",
        "p.xml:1:43: error: unknown segmenter plugin 'cn.bulletn'; did you mean 'cn.bulletin'?");
    pipeline_case("pipeline-billion-laughs",
                  "<?xml version=\"1.0\"?>" + kLaughs +
                      R"(<pipeline name="&lol3;&xxe;"><reader plugin="text"/></pipeline>)",
                  "a pipeline file may not have a <!DOCTYPE>");
    pipeline_case("pipeline-deeply-nested",
                  "<pipeline name=\"x\">" + nested("<a>", "</a>", 200000, "") + "</pipeline>",
                  "unknown element <a> in <pipeline>");
    pipeline_case("pipeline-not-xml", "this is not XML <<<", "malformed XML");
    pipeline_case("pipeline-extends-itself", R"(<pipeline name="x" extends="p.xml"/>)",
                  "'extends' cycle: p.xml -> p.xml");
    c.push_back(
        {"pipeline-unknown-parameter", "",
         [](const fs::path& dir) { return run_args(dir, "x.txt", " --set text.encodng=utf-8"); }, 2,
         "plugin 'text' has no parameter 'encodng'; did you mean 'encoding'?", false});
    c.push_back({"pipeline-wrong-parameter-type", "",
                 [](const fs::path& dir) {
                     return run_args(dir, "x.txt", " --set text.min_confidence=high");
                 },
                 2, "parameter 'min_confidence' of plugin 'text' must be an integer, not 'high'",
                 false});
    // Values that once switched a reader's limit off, or that are outside a choice: refused by
    // the reader's declared range or choices (issue 15 item 8).
    auto parameter_case = [&](std::string id, std::string set, std::string message) {
        c.push_back({std::move(id), "",
                     [set](const fs::path& dir) { return run_args(dir, "x.txt", " --set " + set); },
                     2, std::move(message), false});
    };
    parameter_case("parameter-negative-limit", "ofd.max_entries=-1",
                   "parameter 'max_entries' of plugin 'ofd' must be between 1 and 1000000, not -1");
    parameter_case("parameter-nan-limit", "docx.max_ratio=nan",
                   "parameter 'max_ratio' of plugin 'docx' must be a finite number, not 'nan'");
    parameter_case(
        "parameter-zero-limit", "text.max_line_bytes=0",
        "parameter 'max_line_bytes' of plugin 'text' must be between 1 and 1073741824, not 0");
    parameter_case(
        "parameter-outside-choices", "text.double_spaced=maybe",
        "parameter 'double_spaced' of plugin 'text' must be one of auto, yes, no, not 'maybe'");
    return c;
}

std::string command_for(const std::string& args) {
    std::string cmd = quote(bulletin_binary()) + " run " + args;
    if (auto at = cmd.find("#FSIZE"); at != std::string::npos) {
        cmd.erase(at, 6);
        cmd = "sh -c \"trap '' XFSZ; ulimit -f 1; exec " + cmd + "\"";
    }
    return cmd;
}

class BadInput : public ::testing::TestWithParam<std::string> {};

TEST_P(BadInput, RunSaysWhatFailed) {
    for (const auto& entry : catalogue()) {
        if (entry.id != GetParam()) continue;
        TempDir dir;
        std::string args = entry.make(dir.path());
        if (entry.id == "encrypted-pdf" && read_file(dir.path() / entry.file) == "qpdf missing")
            GTEST_SKIP() << "qpdf is not installed (scripts/setup.sh installs it)";
        auto result = run_command(command_for(args));
        EXPECT_EQ(result.exit_code, entry.run_exit) << result.output;
        EXPECT_NE(result.output.find(entry.message), std::string::npos)
            << "expected: " << entry.message << "\ngot:\n"
            << result.output;
        return;
    }
    FAIL() << "no catalogue entry " << GetParam();
}

std::vector<std::string> ids() {
    std::vector<std::string> out;
    for (const auto& e : catalogue())
        out.push_back(e.id);
    return out;
}

INSTANTIATE_TEST_SUITE_P(Catalogue, BadInput, ::testing::ValuesIn(ids()),
                         [](const auto& param_info) {
                             std::string name = param_info.param;
                             for (auto& ch : name)
                                 if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                             return name;
                         });

TEST(BadInputs, CatalogueHasThirtyEntries) {
    EXPECT_GE(catalogue().size(), 30u);
}

TEST(BadInputs, UnreadableInputIsReported) {
    if (::geteuid() == 0)
        GTEST_SKIP() << "running as root: permission bits do not stop root from reading, so "
                        "chmod 000 cannot make an unreadable file (the FIFO and directory "
                        "entries cover unreadable inputs)";
    TempDir dir;
    write(dir.path() / "locked.txt", read_file(sample("chengdu-zhuanbao-2024-03.txt")));
    fs::permissions(dir.path() / "locked.txt", fs::perms::none);
    auto result = run_command(command_for(run_args(dir.path(), "locked.txt")));
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("locked.txt: cannot read input: Permission denied"),
              std::string::npos)
        << result.output;
}

// Every input-file entry in one batch, beside good samples: the bad ones fail with their
// message, the good ones convert, the run ends with exit code 1 (some inputs failed).
TEST(BadInputs, BatchConvertsTheGoodInputsBesideTheBadOnes) {
    TempDir dir;
    fs::create_directories(dir.path() / "in");
    std::vector<const Case*> batch;
    auto all = catalogue();
    for (const auto& entry : all) {
        if (!entry.in_batch) continue;
        entry.make(dir.path() / "in");
        batch.push_back(&entry);
    }
    // The 100 MB single line: generated here, never committed; refused by --max-input-size.
    {
        std::ofstream big(dir.path() / "in" / "one-line.txt", std::ios::binary);
        std::string chunk(1 << 20, 'x');
        for (int i = 0; i < 100; ++i)
            big << chunk;
    }
    for (auto good : {"chengdu-zhuanbao-2024-03.txt", "hunan-xuanren-2023-04-24.docx"})
        fs::copy_file(sample(good), dir.path() / "in" / good);
    auto result = run_command(quote(bulletin_binary()) + " batch " + pipeline() + " --input " +
                              quote(dir.path() / "in") + " --output " + quote(dir.path() / "out") +
                              " --max-input-size 50000000");
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_TRUE(fs::exists(dir.path() / "out" / "chengdu-zhuanbao-2024-03.json")) << result.output;
    EXPECT_TRUE(fs::exists(dir.path() / "out" / "hunan-xuanren-2023-04-24.json")) << result.output;
    for (const Case* entry : batch) {
        if (entry->run_exit == 0) {
            fs::path json = dir.path() / "out" / fs::path(entry->file).stem();
            json += ".json";
            EXPECT_TRUE(fs::exists(json)) << entry->id << " should convert\n" << result.output;
            continue;
        }
        std::string message = entry->batch_message.empty() ? entry->message : entry->batch_message;
        EXPECT_NE(result.output.find(entry->file), std::string::npos)
            << entry->id << ": batch output does not name " << entry->file << "\n"
            << result.output;
        EXPECT_NE(result.output.find(message), std::string::npos)
            << entry->id << ": expected " << message << "\n"
            << result.output;
    }
    EXPECT_NE(result.output.find("one-line.txt: input is 104857600 bytes, more than the limit"),
              std::string::npos)
        << result.output;
    EXPECT_TRUE(fs::exists(dir.path() / "out" / ".bulletin" / "report.json"));
}

// The same 100 MB single line with the default limits: the text reader refuses it by its line
// length before the segmenter and taggers spend minutes and gigabytes on it.
TEST(BadInputs, AHundredMegabyteLineIsRefusedByTheTextReader) {
    TempDir dir;
    {
        std::ofstream big(dir.path() / "one-line.txt", std::ios::binary);
        std::string chunk(1 << 20, 'x');
        for (int i = 0; i < 100; ++i)
            big << chunk;
    }
    auto result =
        run_command(quote(bulletin_binary()) + " run " + pipeline() + " " +
                    quote(dir.path() / "one-line.txt") + " -o " + quote(dir.path() / "out"));
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("one-line.txt: reader 'text' failed: line 1 is 104857600 bytes "
                                 "long, more than the text reader's limit of 1048576 "
                                 "(max_line_bytes)"),
              std::string::npos)
        << result.output;
    EXPECT_FALSE(fs::exists(dir.path() / "out" / "one-line.json"));
}

// poppler's own messages go through the pdf plugin's logger, each naming the file: no line of
// poppler's own "poppler/error: ..." (which named no file) and no raw control character from
// the document reaches the terminal.
TEST(BadInputs, PopplerMessagesNameTheFileAndAreEscaped) {
    TempDir dir;
    write(dir.path() / "complains.pdf",
          tiny_pdf("BT /F1 24 Tf 72 700 Td (Hello bulletin) Tj /F#01#1Bx 12 Tf ET\n"));
    auto result = run_command(command_for(run_args(dir.path(), "complains.pdf")));
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(result.output.find("poppler/error"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("[warning] pdf: " + (dir.path() / "complains.pdf").string() +
                                 ": poppler: syntax error: Unknown font tag 'F<01><1b>x'"),
              std::string::npos)
        << result.output;
    EXPECT_EQ(result.output.find_first_of(std::string("\x01\x1b", 2)), std::string::npos)
        << result.output;
}

// The per-document time limit: the same 100 MB single line, with the line-length limit raised to
// its ceiling,
// in an isolated batch with a short timeout fails that document only.
TEST(BadInputs, IsolatedBatchTimesOutASlowDocument) {
    TempDir dir;
    fs::create_directories(dir.path() / "in");
    {
        std::ofstream big(dir.path() / "in" / "one-line.txt", std::ios::binary);
        std::string chunk(1 << 20, 'x');
        for (int i = 0; i < 100; ++i)
            big << chunk;
    }
    fs::copy_file(sample("chengdu-zhuanbao-2024-03.txt"),
                  dir.path() / "in" / "chengdu-zhuanbao-2024-03.txt");
    auto result = run_command(quote(bulletin_binary()) + " batch " + pipeline() + " --input " +
                              quote(dir.path() / "in") + " --output " + quote(dir.path() / "out") +
                              " --isolate --timeout 2 --set text.max_line_bytes=1073741824");
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("one-line.txt"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("timed out"), std::string::npos) << result.output;
    EXPECT_TRUE(fs::exists(dir.path() / "out" / "chengdu-zhuanbao-2024-03.json")) << result.output;
}

// A file name is bytes: TAB and LF in it once split the worker's request line, so that this
// name made the worker convert the file it spells (outside the input tree) instead.
TEST(BadInputs, IsolatedBatchTakesAFileNameWithTabAndNewlineAsBytes) {
    TempDir dir;
    auto outside = dir.path() / "outside.txt";
    fs::copy_file(sample("chengdu-zhuanbao-2024-03.txt"), outside);
    auto hostile = dir.path() / "in" / ("a\t" + outside.string() + "\nq.txt");
    fs::create_directories(hostile.parent_path());
    fs::copy_file(sample("hunan-xuanren-2023-04-24.txt"), hostile);
    auto result = run_command(quote(bulletin_binary()) + " batch " + pipeline() + " --input " +
                              quote(dir.path() / "in") + " --output " + quote(dir.path() / "out") +
                              " --isolate");
    EXPECT_EQ(result.exit_code, 0) << result.output;
    std::vector<std::string> outputs;
    for (const auto& e : fs::recursive_directory_iterator(dir.path() / "out"))
        if (e.path().extension() == ".json" && e.path().parent_path().filename() != ".bulletin")
            outputs.push_back(read_file(e.path()));
    ASSERT_EQ(outputs.size(), 1u) << result.output;
    EXPECT_NE(outputs[0].find("湖南省人大常委会"), std::string::npos); // the file itself
    EXPECT_EQ(outputs[0].find("成都市人大常委会"), std::string::npos); // not the one it names
}

} // namespace
