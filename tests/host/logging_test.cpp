// Log output is safe for terminals: nothing from a document acts on the screen or forges lines.
#include "support/plugins.hpp"

#include "logging.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

using bulletin::host::log_safe;

TEST(LogSafe, EscapesControlsAndBytesThatAreNotUtf8) {
    EXPECT_EQ(log_safe("plain 文本 text"), "plain 文本 text");
    EXPECT_EQ(log_safe("\x1b[2Jcleared"), "\\x1b[2Jcleared");
    EXPECT_EQ(log_safe("one\ntwo\rthree\tfour"), "one\\x0atwo\\x0dthree\\x09four");
    EXPECT_EQ(log_safe("del\x7f"), "del\\x7f");
    EXPECT_EQ(log_safe("csi\xc2\x9b"
                       "31m"),
              "csi\\x9b31m");                                // U+009B, the one-byte CSI
    EXPECT_EQ(log_safe("nbsp\xc2\xa0ok"), "nbsp\xc2\xa0ok"); // U+00A0 is printable
    EXPECT_EQ(log_safe("bad\xff\xfe"), "bad\\xff\\xfe");
    EXPECT_EQ(log_safe("cut\xe6\x96"), "cut\\xe6\\x96"); // a truncated sequence
    EXPECT_EQ(log_safe(std::string("nul\0x", 5)), "nul\\x00x");
}

TEST(LogSafe, TextAndJsonSinksEscapeMessages) {
    bulletin::testing::TempDir dir;
    auto file = dir.path() / "log.txt";
    bulletin::host::configure_logging(spdlog::level::info, bulletin::host::LogFormat::Text);
    bulletin::host::add_log_file(file.string(), bulletin::host::LogFormat::Text);
    bulletin::host::plugin_logger("test.logging")->warn("title \x1b]0;owned\x07 from\nthe text");
    spdlog::default_logger()->flush();
    for (const auto& logger : {bulletin::host::plugin_logger("test.logging")})
        logger->flush();
    auto text = bulletin::testing::read_file(file);
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
    EXPECT_NE(text.find("title \\x1b]0;owned\\x07 from\\x0athe text\n"), std::string::npos) << text;
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
    spdlog::drop_all();
}
