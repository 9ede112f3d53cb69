#!/usr/bin/env python3
"""Deterministic corpus of synthetic Chinese government bulletins, for benchmarks.

    generate.py --seed S --count N --out DIR [--truth DIR] [--style txt|plain|mixed]

writes DIR/bulletin-000001.txt ... in the two forms pdftotext leaves behind (see
tests/data/samples): `txt` like the real Hunan sample (punctuation folded to ASCII, a blank line
after every line, page numbers dropped, a leading space on each page's first line) and `plain`
(full-width punctuation, blank lines only between text blocks, "— N —" page numbers and form
feeds). Each bulletin has a masthead (series, issue, publisher, date in Arabic or Chinese
numerals, in the four shapes of the samples), 1-4 articles with titles wrapped like the samples,
paragraphs hard-wrapped at a width of 25-30 cells (the first line two cells narrower: the
indent extraction lost), persons with positions, real Hunan/Zhejiang/Sichuan divisions, dates,
bylines, and a distribution block (报/送/发/抄送, wrapped wider than the body).

With --truth, DIR2/NAME.json holds what a perfect pipeline extracts (schema bulletin/1 fields:
masthead, articles, distribution) plus the entity mentions the generator placed.

Deterministic: document i depends only on (seed, i), so the same seed gives byte-identical files
and --count 1000 is a prefix of --count 10000. Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys

# ----------------------------------------------------------------------------------------------
# Vocabulary

PROVINCES = {
    "湖南省": {
        "长沙市": ["芙蓉区", "天心区", "岳麓区", "开福区", "雨花区", "望城区", "长沙县", "浏阳市", "宁乡市"],
        "株洲市": ["醴陵市", "攸县", "茶陵县", "炎陵县"],
        "湘潭市": ["湘潭县", "湘乡市", "韶山市"],
        "衡阳市": ["衡阳县", "衡南县", "衡山县", "衡东县", "祁东县", "耒阳市", "常宁市"],
        "邵阳市": ["邵东市", "新邵县", "隆回县", "洞口县", "武冈市"],
        "岳阳市": ["岳阳县", "华容县", "湘阴县", "平江县", "汨罗市", "临湘市"],
        "常德市": ["安乡县", "汉寿县", "澧县", "临澧县", "桃源县", "石门县"],
        "张家界市": ["慈利县", "桑植县"],
        "益阳市": ["桃江县", "安化县", "沅江市"],
        "郴州市": ["桂阳县", "宜章县", "永兴县", "嘉禾县", "资兴市"],
        "永州市": ["祁阳市", "东安县", "双牌县", "宁远县"],
        "怀化市": ["沅陵县", "辰溪县", "溆浦县"],
        "娄底市": ["双峰县", "新化县", "冷水江市", "涟源市", "娄星区"],
    },
    "浙江省": {
        "杭州市": ["西湖区", "滨江区", "萧山区", "余杭区", "富阳区", "临安区", "桐庐县", "淳安县", "建德市"],
        "宁波市": ["海曙区", "北仑区", "镇海区", "鄞州区", "象山县", "宁海县", "余姚市", "慈溪市"],
        "温州市": ["鹿城区", "瓯海区", "永嘉县", "平阳县", "苍南县", "文成县", "泰顺县", "瑞安市", "乐清市"],
        "嘉兴市": ["南湖区", "秀洲区", "嘉善县", "海盐县", "海宁市", "平湖市", "桐乡市"],
        "湖州市": ["吴兴区", "南浔区", "德清县", "长兴县", "安吉县"],
        "绍兴市": ["越城区", "柯桥区", "上虞区", "新昌县", "诸暨市", "嵊州市"],
        "金华市": ["婺城区", "金东区", "武义县", "浦江县", "磐安县", "兰溪市", "义乌市", "东阳市", "永康市"],
        "衢州市": ["柯城区", "衢江区", "常山县", "开化县", "龙游县", "江山市"],
        "舟山市": ["定海区", "岱山县", "嵊泗县"],
        "台州市": ["椒江区", "黄岩区", "路桥区", "三门县", "天台县", "仙居县", "温岭市", "临海市"],
        "丽水市": ["莲都区", "青田县", "缙云县", "遂昌县", "松阳县", "庆元县", "龙泉市"],
    },
    "四川省": {
        "成都市": ["锦江区", "青羊区", "金牛区", "武侯区", "成华区", "新都区", "温江区", "双流区",
                 "郫都区", "金堂县", "大邑县", "蒲江县", "都江堰市", "彭州市", "邛崃市", "崇州市", "简阳市"],
        "绵阳市": ["涪城区", "游仙区", "三台县", "盐亭县", "梓潼县", "江油市"],
        "德阳市": ["旌阳区", "中江县", "广汉市", "什邡市", "绵竹市"],
        "宜宾市": ["翠屏区", "南溪区", "叙州区", "江安县", "长宁县"],
        "南充市": ["顺庆区", "高坪区", "嘉陵区", "阆中市"],
        "泸州市": ["江阳区", "纳溪区", "龙马潭区", "合江县"],
        "眉山市": ["东坡区", "彭山区", "仁寿县", "洪雅县"],
        "雅安市": ["雨城区", "名山区", "荥经县", "汉源县"],
    },
}

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆范汪廖石金贾夏付方邹熊白孟秦邱侯江尹薛段雷龙黎史陶贺毛郝顾龚邵万覃武")
GIVEN = list("建国伟明华丽军红平志强文斌辉芳敏静涛勇杰磊娟超秀英立新晓东燕海波鹏飞宏俊峰丹霞玉兰梅春雪亮刚永健林松云德清水泉荣桂珍凤")

POSITIONS = [
    ("省人大常委会", ["副主任", "党组成员、副主任", "党组副书记、副主任", "委员、代表工作委员会主任", "秘书长"]),
    ("市人大常委会", ["主任", "副主任", "党组成员、副主任", "党组书记、主任", "秘书长"]),
    ("县人大常委会", ["主任", "副主任", "党组书记、主任"]),
    ("省人大常委会代表工作委员会", ["主任", "副主任"]),
    ("市人大法制委员会", ["主任委员", "副主任委员"]),
]

COMMITTEES = ["代表工作委员会", "选举任免联络工作委员会", "法制工作委员会", "办公厅", "研究室"]
SERIES = ["人大代表工作简报", "人大工作动态", "信息专报", "选举任免联络工作简报", "立法工作通讯",
          "代表工作信息", "人大监督工作快报", "人大信息"]
TOPICS = ["城市更新", "生态环境保护", "乡村振兴促进", "优化营商环境", "物业管理", "养老服务",
          "饮用水水源保护", "历史文化名城保护", "文明行为促进", "河湖长制"]
MEETINGS = ["代表履职能力提升培训班", "选举任免联络工作座谈会", "代表工作联席会议", "立法调研座谈会",
            "执法检查反馈会", "代表建议交办会", "专题询问准备会"]
PHRASES = [
    "全面学习贯彻党的二十大精神", "坚持以人民为中心的发展思想", "积极发展全过程人民民主",
    "认真履行宪法法律赋予的职责", "密切常委会同人大代表的联系", "高质量办理代表议案建议",
    "支持和保障代表依法履职", "不断提高依法履职水平", "更好地联系群众、反映民意",
    "推动各项工作取得新成效", "聚焦群众反映强烈的突出问题", "坚持问题导向和目标导向",
    "扎实做好闭会期间代表工作", "增强监督工作的针对性和实效性", "把代表满意度作为检验成效的标准",
    "切实把各项部署落到实处", "健全完善代表联络站运行机制", "进一步加强代表履职服务保障",
]
ACTIONS = ["实地察看了", "走访了", "听取了", "调研了", "考察了"]
SITES = ["代表联络站", "老旧院落改造项目", "背街小巷整治项目", "污水处理厂", "社区养老服务中心",
         "乡村振兴示范点", "基层立法联系点", "民生实事项目"]
RECIPIENTS = [
    "全国人大常委会办公厅联络局", "省委办公厅", "省政府办公厅", "省人大常委会代表工作委员会",
    "市委办公室", "市政府办公厅", "市人大常委会组成人员", "市人大各专门委员会",
    "市人大常委会各工作机构", "各县市区人大常委会", "各设区市人大常委会", "省人大各专门委员会",
    "各省(区、市)人大常委会代表联络工作机构", "省人大常委会主任会议(党组)成员", "《中国人大》杂志社",
    "省高级人民法院", "省人民检察院", "省监察委员会", "市人大常委会各副主任、秘书长",
]
# "市人大常委会各副主任、秘书长" is two recipients: 、 separates them wherever it stands.
MARKINGS = ["内部资料 注意保存", "内部刊物 注意保存"]
SUBHEADINGS = ["一、主要做法", "二、取得的成效", "三、下一步打算", "一、基本情况", "二、存在的问题", "三、意见建议"]

CN_DIGITS = "〇一二三四五六七八九"
FOLD = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?"})
NO_LINE_START = set("，。、；：,.;:)）》”’！？!?")
NO_LINE_END = set("“‘（(《")
TERMINAL = set("。！？!?")


def cn_number(n: int) -> str:
    """11 -> 十一, 24 -> 二十四, 86 -> 八十六, 215 -> 二百一十五."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = CN_DIGITS[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + CN_DIGITS[rest]
    return head + CN_DIGITS[rest // 10] + "十" + (CN_DIGITS[rest % 10] if rest % 10 else "")


def cn_year(y: int) -> str:
    return "".join(CN_DIGITS[int(d)] for d in str(y))


def width(s: str) -> float:
    """Printed width in CJK cells, as the segmenter measures it: ASCII letters and digits half a
    cell, everything else (CJK, and ASCII punctuation folded from full-width forms) one."""
    return sum(0.5 if c.isascii() and c.isalnum() else 1.0 for c in s)


def tokens(s: str) -> list[str]:
    """Break opportunities: runs of ASCII letters/digits stay whole, everything else is one."""
    out: list[str] = []
    for c in s:
        if c.isascii() and c.isalnum() and out and out[-1][-1].isascii() and out[-1][-1].isalnum():
            out[-1] += c
        else:
            out.append(c)
    return out


def wrap(s: str, first: float, rest: float, overflow: bool = True) -> list[str]:
    """Hard-wraps like pdftotext output of a justified page: `first` cells on the first line,
    `rest` after, with the usual line-breaking rules (no closing punctuation at a line start, no
    opening one at a line end): closing punctuation hangs past the line end (`overflow`) or
    pulls the character before it down to the next line."""
    toks = tokens(s)
    lines: list[str] = []
    i = 0
    cap = first
    while i < len(toks):
        line: list[str] = []
        w = 0.0
        while i < len(toks) and w + width(toks[i]) <= cap:
            line.append(toks[i])
            w += width(toks[i])
            i += 1
        if not line:  # one token wider than the line: take it anyway
            line.append(toks[i])
            i += 1
        if overflow:
            while i < len(toks) and toks[i] in NO_LINE_START:
                line.append(toks[i])
                i += 1
        else:
            while len(line) > 1 and i < len(toks) and toks[i] in NO_LINE_START:
                i -= 1
                line.pop()
        while len(line) > 1 and line[-1] in NO_LINE_END:
            i -= 1
            line.pop()
        lines.append("".join(line))
        cap = rest
    return lines


# ----------------------------------------------------------------------------------------------
# One bulletin


class Bulletin:
    def __init__(self, rng: random.Random, style: str):
        self.rng = rng
        self.style = style
        self.persons: list[dict] = []
        self.places: list[str] = []
        self.dates: list[str] = []

    # -- small pieces --------------------------------------------------------------------------
    def name(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))

    def county(self) -> tuple[str, str, str]:
        prov = self.rng.choice(list(PROVINCES))
        city = self.rng.choice(list(PROVINCES[prov]))
        return prov, city, self.rng.choice(PROVINCES[prov][city])

    def day(self, month_max: int) -> tuple[str, str]:
        m = self.rng.randint(1, month_max)
        d = self.rng.randint(1, 28)
        return f"{m}月{d}日", f"{self.year}-{m:02d}-{d:02d}"

    def fold(self, s: str) -> str:
        return s.translate(FOLD) if self.style == "txt" else s

    # -- sentences -----------------------------------------------------------------------------
    def sentence(self, city: str, county: str) -> str:
        r = self.rng
        kind = r.randrange(9)
        if kind == 0:
            text, iso = self.day(max(1, self.month - 1))
            self.dates.append(iso)
            self.places.append(county)
            return f"{text}，{city}人大常委会在{county}召开{r.choice(MEETINGS)}"
        if kind == 1:
            org, titles = r.choice(POSITIONS)
            title = r.choice(titles)
            person = self.name()
            self.persons.append({"name": person, "position": org + title})
            return f"{org}{title}{person}出席会议并讲话"
        if kind == 2:
            person = self.name()
            self.persons.append({"name": person, "position": None})
            return f"{person}指出，{r.choice(PHRASES)}，{r.choice(PHRASES)}"
        if kind == 3:
            self.places.append(county)
            return f"与会人员{r.choice(ACTIONS)}{county}{r.choice(SITES)}"
        if kind == 4:
            n = r.randint(20, 160)
            done = r.randint(5, n)
            text, iso = self.day(max(1, self.month - 1))
            self.dates.append(iso)
            return f"代表提出的{n}件建议，截至{text}已办结{done}件，其余{n - done}件列入年度计划推进"
        if kind == 5:
            start = r.randint(1, 20)
            m = r.randint(1, max(1, self.month - 1))
            self.dates.append(f"{self.year}-{m:02d}-{start:02d}/{self.year}-{m:02d}-{start + 1:02d}")
            return f"{m}月{start}日至{start + 1}日，{r.choice(TOPICS)}条例草案调研组深入基层开展调研"
        if kind == 6:
            self.dates.append(str(self.year))
            return f"{self.year}年度共收集意见建议{r.randint(30, 400)}条"
        if kind == 7:
            return f"要{r.choice(PHRASES)}，{r.choice(PHRASES)}"
        return f"{r.choice(PHRASES)}，{r.choice(PHRASES)}，{r.choice(PHRASES)}"

    def paragraph(self, city: str, county: str, min_lines: int) -> tuple[str, list[str]]:
        """A paragraph and its lines; retried until the wrap is unambiguous (every line but the
        last full and not ending a sentence, the last clearly short)."""
        for _ in range(200):
            n = self.rng.randint(2, 5)
            text = self.fold("。".join(self.sentence(city, county) for _ in range(n)) + "。")
            lines = wrap(text, self.W - 2, self.W)
            if len(lines) < min_lines:
                continue
            # A first line without sentence punctuation could be a title (cn.bulletin README,
            # "Known limits"); real bulletins have those too, but the ground truth must be sure.
            if not any(c in lines[0] for c in "，,。；;"):
                continue
            ok = True
            for k, line in enumerate(lines[:-1]):
                cap = self.W - 2 if k == 0 else self.W
                if line[-1] in TERMINAL or line.rstrip("”’)）")[-1:] in TERMINAL or width(line) < cap - 1:
                    ok = False
            cap = self.W - 2 if len(lines) == 1 else self.W
            if width(lines[-1]) > cap - 5:
                ok = False
            if ok:
                return text, lines
        raise RuntimeError("could not wrap a paragraph")

    # -- the whole document --------------------------------------------------------------------
    def build(self) -> tuple[str, dict]:
        r = self.rng
        self.W = r.randint(25, 30)                 # body width in cells
        self.D = self.W + r.randint(3, 8)          # distribution lines are set wider
        self.year = r.randint(2019, 2025)
        self.month = r.randint(2, 12)
        self.day_of_month = r.randint(1, 28)
        prov, city, county = self.county()
        level = r.choice(("省", "市"))
        owner = prov if level == "省" else city

        # Masthead ---------------------------------------------------------------------------
        shape = r.choice(("single", "series", "series-no-bian", "marked"))
        chinese = r.random() < 0.4
        if chinese:
            date_text = f"{cn_year(self.year)}年{cn_number(self.month)}月{cn_number(self.day_of_month)}日"
        else:
            date_text = f"{self.year}年{self.month}月{self.day_of_month}日"
        iso = f"{self.year}-{self.month:02d}-{self.day_of_month:02d}"
        self.dates.append(iso)
        number, total = r.randint(1, 24), r.randint(30, 260)
        with_total = r.random() < 0.6
        if chinese:
            issue_text = f"第{cn_number(number)}期" + (f"（总第{cn_number(total)}期）" if with_total else "")
        else:
            issue_text = f"第{number}期" + (f"（总第{total}期）" if with_total else "")
        issue_text = self.fold(issue_text)
        series = r.choice(SERIES)
        committee = r.choice(COMMITTEES)
        publisher = f"{owner}人大常委会{committee}"
        masthead_lines: list[tuple[str, bool]] = []  # (line, blank after in plain style)
        truth_masthead = {"series": series, "issue": {"number": number, "total": total if with_total else None},
                          "publisher": publisher, "date": iso}
        if shape == "single":
            masthead_lines.append((f"{publisher}编 {date_text}", True))
            truth_masthead["series"] = None
            truth_masthead["issue"] = None
        else:
            if shape == "marked":
                masthead_lines.append((r.choice(MARKINGS), True))
            masthead_lines.append((series, False))
            masthead_lines.append((issue_text, False))
            masthead_lines.append((publisher if shape == "series-no-bian" else publisher + "编", True))
            masthead_lines.append((date_text, True))

        # Articles ---------------------------------------------------------------------------
        n_articles = r.choice((1, 2, 2, 3, 3, 4))
        articles = []
        for a in range(n_articles):
            _, a_city, a_county = self.county()
            if r.random() < 0.5:
                title = f"{a_county}人大常委会{r.choice(('开展', '推进', '召开', '举办'))}"
                title += r.choice(TOPICS) + r.choice(("执法检查", "立法调研", "专题询问", "工作评议"))
                self.places.append(a_county)
            else:
                title = f"{level}人大常委会{r.choice(('召开', '举办'))}{r.choice(MEETINGS)}"
            paragraphs = []
            lines_of = []
            for p in range(r.randint(2, 5)):
                if p > 0 and r.random() < 0.12:
                    head = r.choice(SUBHEADINGS)
                    paragraphs.append(self.fold(head))
                    lines_of.append([self.fold(head)])
                text, lines = self.paragraph(a_city, a_county, 3 if p == 0 else 1)
                paragraphs.append(text)
                lines_of.append(lines)
            last = a == n_articles - 1
            byline = None
            if not last or r.random() < 0.8:
                form = r.randrange(3)
                if form == 0:
                    dept = r.choice(("选举任免处", "代表联络处", "研究室", f"{a_county}人大常委会", "代表工委"))
                    author = self.name()
                    self.persons.append({"name": author, "position": None})
                    byline = {"text": f"{dept} {author}", "department": dept, "authors": [author]}
                elif form == 1:
                    dept = r.choice(("市人大常委会代表工委", f"{a_county}人大常委会", "省人大常委会研究室"))
                    byline = {"text": f"{dept}供稿", "department": dept, "authors": []}
                else:
                    authors = [self.name() for _ in range(r.randint(1, 2))]
                    for au in authors:
                        self.persons.append({"name": au, "position": None})
                    byline = {"text": "撰稿：" + " ".join(authors), "department": None, "authors": authors}
                byline["text"] = self.fold(byline["text"])
            tw = r.randint(9, self.W - 8)
            title_lines = wrap(title, tw, tw) if width(title) > tw else [title]
            if len(title_lines) > 3 or len(title_lines[-1]) < 2:
                title_lines = wrap(title, self.W - 8, self.W - 8)
            articles.append({"title": title, "title_lines": title_lines, "paragraphs": paragraphs,
                             "lines": lines_of, "byline": byline})

        # Distribution -----------------------------------------------------------------------
        labels = r.sample(["报", "送", "发"], r.randint(1, 3))
        labels.sort(key="报送发".index)
        if r.random() < 0.15:
            labels.append("抄送")
        pool = r.sample(RECIPIENTS, len(RECIPIENTS))
        blocks = []
        sep = r.choice(("、", "，"))
        for label in labels:
            k = r.randint(1, 4)
            names, pool = pool[:k], pool[k:]
            if not names:
                break
            recipients = []
            for nm in names:
                recipients.extend(nm.split("、") if not nm.startswith("各省") else [nm])
            blocks.append({"label": label, "recipients": [self.fold(x) for x in recipients],
                           "lines": self.distribution_lines(label, names, sep)})
        copies = r.random() < 0.5

        # Lay out ----------------------------------------------------------------------------
        # Each entry: (text, ends_block) — ends_block puts a blank line after it in plain style.
        body: list[tuple[str, bool]] = list(masthead_lines)
        if shape == "marked" and n_articles > 1 and r.random() < 0.5:
            body.append(("本期要目", False))
            for art in articles:
                body.append(("◆" + art["title"], False))
        for art in articles:
            for tl in art["title_lines"]:
                body.append((tl, False))
            for lines in art["lines"]:
                for li in lines:
                    body.append((li, False))
            if art["byline"]:
                body.append((self.fold("（") + art["byline"]["text"] + self.fold("）"), True))
        if self.style == "plain" and body:
            body[-1] = (body[-1][0], True)
        for b in blocks:
            for li in b["lines"]:
                body.append((li, False))
        if copies:
            body.append((self.fold(f"（共印{r.randint(3, 30) * 10}份）"), False))
        text = self.render(body, series if shape != "single" else None, issue_text)

        truth = {
            "schema": "bulletin/1",
            "masthead": truth_masthead,
            "articles": [{"title": a["title"], "paragraphs": a["paragraphs"],
                          "byline": None if not a["byline"] else
                          {"department": a["byline"]["department"], "authors": a["byline"]["authors"]}}
                         for a in articles],
            "distribution": [{"label": b["label"], "recipients": b["recipients"]} for b in blocks],
            "generated": {"style": self.style, "width": self.W, "persons": self.persons,
                          "places": sorted(set(self.places)), "dates": self.dates},
        }
        return text, truth

    def distribution_lines(self, label: str, names: list[str], sep: str) -> list[str]:
        """A distribution block wrapped at D cells. The first line breaks after a separator:
        cn.bulletin measures a block's first line without its label, so a first line broken
        inside a recipient would not look full to it (see docs/performance.md)."""
        first = self.fold(f"{label}：")
        k = 0
        while k < len(names) and width(first + sep.join(names[:k + 1]) + sep) <= self.D:
            k += 1
        if k == 0 or k == len(names):
            return wrap(self.fold(f"{label}：" + sep.join(names)), self.D, self.D, overflow=False)
        head = self.fold(first + sep.join(names[:k]) + sep)
        return [head] + wrap(self.fold(sep.join(names[k:])), self.D, self.D, overflow=False)

    def render(self, body: list[tuple[str, bool]], series: str | None, issue_text: str) -> str:
        r = self.rng
        per_page = r.randint(20, 26)
        out: list[str] = []
        if self.style == "txt":
            for k, (line, _) in enumerate(body):
                lead = " " if k % per_page == 0 else ""
                out.append(lead + line + "\n\n")
            return "".join(out)
        page = 1
        header = series is not None and r.random() < 0.3
        for k, (line, blank) in enumerate(body):
            if k and k % per_page == 0:
                out.append(f"— {page} —\n\n\f")
                page += 1
                if header:
                    out.append(f"{series}\n\n{issue_text}\n\n")
            out.append(line + "\n")
            if blank:
                out.append("\n")
        out.append(f"— {page} —\n\n\f")
        return "".join(out)


def generate(seed: int, index: int, style: str) -> tuple[str, dict]:
    rng = random.Random(f"bulletin-corpus/{seed}/{index}")
    if style == "mixed":
        style = "txt" if rng.random() < 0.6 else "plain"
    return Bulletin(rng, style).build()


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True, help="directory for the bulletins (created)")
    ap.add_argument("--truth", help="directory for NAME.json ground truth (created)")
    ap.add_argument("--style", choices=("txt", "plain", "mixed"), default="mixed")
    ap.add_argument("--start", type=int, default=1, help="index of the first document")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    if args.truth:
        os.makedirs(args.truth, exist_ok=True)
    total = 0
    for i in range(args.start, args.start + args.count):
        text, truth = generate(args.seed, i, args.style)
        name = f"bulletin-{i:06d}"
        data = text.encode("utf-8")
        total += len(data)
        with open(os.path.join(args.out, name + ".txt"), "wb") as f:
            f.write(data)
        if args.truth:
            with open(os.path.join(args.truth, name + ".json"), "w", encoding="utf-8") as f:
                json.dump(truth, f, ensure_ascii=False, indent=1)
                f.write("\n")
    print(f"{args.count} bulletins, {total} bytes in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
