// cn.recipients: one "recipient" entity per distribution recipient, with the name it stands for.
//
// Distribution lists elide a prefix the previous recipient already wrote:
// "全国人大常委会办公厅联络局、研究室、新闻局" means 全国人大常委会办公厅研究室 and …新闻局. A
// recipient without a head of its own (no place, 省/市/县, 全国, 各 …) takes the previous full
// recipient's prefix up to its last organisation unit (…办公厅, …常委会); that expansion is the
// value and the "expanded" attribute. The text stays as written.
#include "taggers_common.hpp"

#include <bulletin/module.hpp>
#include <bulletin/text.hpp>

#include <string>
#include <string_view>

namespace {

using bulletin::Entity;

bool has_head(std::u32string_view r) {
    static constexpr std::u32string_view kHeads[] = {
        U"全国", U"中共", U"中央", U"国务院", U"国家", U"中国", U"各", U"本",
        U"《",   U"省",   U"市",   U"县",     U"区",   U"州",   U"乡", U"镇"};
    for (auto h : kHeads)
        if (r.substr(0, h.size()) == h) return true;
    // A place name inside (湖州市委办公室, 湖南省…) also makes it a full name.
    return r.find_first_of(U"省市县区州盟旗") != std::u32string_view::npos;
}

/// 全国人大常委会办公厅联络局 -> 全国人大常委会办公厅: the length of the prefix up to the last
/// unit before the final one, or 0 when there is none.
std::size_t shared_prefix(std::u32string_view full) {
    static constexpr std::u32string_view kUnitEnds = U"厅会委院部局室府组处";
    for (std::size_t i = full.size() - 1; i-- > 1;) {
        if (kUnitEnds.find(full[i]) == std::u32string_view::npos) continue;
        if (full[i] == U'会' && full[i + 1] == U'议') continue; // 主任会议 is one unit
        return i + 1;
    }
    return 0;
}

class Recipients final : public bulletin::Tagger {
public:
    explicit Recipients(const bulletin::Params& params)
        : max_elided_(static_cast<std::size_t>(params.integer("max_elided_length"))) {}

    void tag(bulletin::Document& doc, bulletin::Context& ctx) override {
        std::size_t before = doc.entities.size();
        std::size_t count = 0;
        for (const auto& block : doc.distribution)
            count += block.recipients.size();
        doc.entities.reserve(before + count);
        // Reused for every recipient: the decoded recipient, the prefix of the last full one in
        // the block, and the two joined.
        std::u32string decoded, prefix, joined;
        for (std::size_t b = 0; b < doc.distribution.size(); ++b) {
            const auto& block = doc.distribution[b];
            bool has_prefix = false;
            for (std::size_t n = 0; n < block.recipients.size(); ++n) {
                const auto& recipient = block.recipients[n];
                std::u32string_view r;
                std::size_t length;
                if (!bulletin::text::first_invalid_utf8(recipient)) {
                    // Valid UTF-8, as the document model promises: one decode gives the length
                    // and, without the spaces text::trim strips, the recipient.
                    decoded.resize(recipient.size());
                    length = bulletin::taggers::decode_utf8(recipient, decoded.data());
                    std::size_t first = 0, last = length;
                    while (first < last && bulletin::text::is_space(decoded[first]))
                        ++first;
                    while (last > first && bulletin::text::is_space(decoded[last - 1]))
                        --last;
                    r = std::u32string_view(decoded).substr(first, last - first);
                } else {
                    decoded = bulletin::text::to_u32(bulletin::text::trim(recipient));
                    r = decoded;
                    length = bulletin::text::length(recipient);
                }
                if (r.empty()) continue;
                Entity e;
                e.type = "recipient";
                e.text = recipient;
                // Place Recipient: article is the block, index the recipient in it;
                // start/end are code points of the recipient string itself.
                e.place = bulletin::EntityPlace::Recipient;
                e.article = static_cast<int>(b);
                e.index = static_cast<int>(n);
                e.start = 0;
                e.end = static_cast<int>(length);
                bool expanded = false;
                if (has_head(r) || r.size() > max_elided_) {
                    std::size_t shared = shared_prefix(r);
                    has_prefix = shared > 0;
                    prefix.assign(r.substr(0, shared));
                    e.value = bulletin::taggers::to_utf8(r);
                } else if (has_prefix) {
                    joined.assign(prefix);
                    joined += r;
                    e.value = bulletin::taggers::to_utf8(joined);
                    expanded = true;
                } else {
                    e.value = bulletin::taggers::to_utf8(r);
                }
                // block and index say which recipient. Inserted in key order at the end, each
                // insertion is one comparison instead of a descent.
                auto& a = e.attributes;
                a.emplace_hint(a.end(), "block", std::to_string(b));
                if (expanded) a.emplace_hint(a.end(), "expanded", e.value);
                a.emplace_hint(a.end(), "index", std::to_string(n));
                a.emplace_hint(a.end(), "label", block.label);
                doc.entities.push_back(std::move(e));
            }
        }
        ctx.debug("tagged ", doc.entities.size() - before, " recipients");
    }

private:
    std::size_t max_elided_;
};

} // namespace

constexpr bulletin::ParamSpec kRecipientsParams[] = {
    bulletin::int_param(
        "max_elided_length", "8",
        "A recipient without a head of its own and at most this many characters is read as "
        "eliding the previous recipient's prefix (研究室 after 全国人大常委会办公厅联络局).")
        .range(0, 64),
};

BULLETIN_PLUGIN(kRecipientsPlugin, Recipients, "cn.recipients", bulletin::PluginKind::Tagger,
                "Tags distribution recipients, expanding those that elide a shared prefix "
                "(联络局、研究室 -> 全国人大常委会办公厅研究室).",
                kRecipientsParams);
BULLETIN_MODULE("cn-recipients", "1.0.0", "MIT", "Recipient tagger for Chinese bulletins.",
                &kRecipientsPlugin)
