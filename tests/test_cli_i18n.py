"""The `academy` command in Chinese: a trainer running a cohort in zh-CN meets no English sentence.

Each command runs as a trainer runs it (a fresh ``python -m grader.cli`` with ``--lang zh-CN``) on a
small real cohort: an nbgrader gradebook, a role-play studio database, a track manifest with its
Chinese titles. What it prints must hold no run of two English words once the things that stay
English are taken out: ids, file names and paths, commands in backticks, option names and their
metavars, quoted names, learners' names (:func:`english_runs`). The same commands in English print
what they always printed (golden texts below), and a certificate issued in Chinese is drawn in
Chinese and verifies in English.
"""
from __future__ import annotations

import argparse
import ast
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader import cli, i18n

from test_tracks import BOOK, _alembic_on_path, add_learner, make_gradebook  # noqa: F401 - autouse fixture
from academy_testing import save_coaching_score

ROOT = Path(__file__).resolve().parents[1]
NAMES = ["Ana Lima", "Ben Wu", "王 梅"]  # learners' names are data, printed as they are
OTHERS_COMMANDS = {"demo", "report"}  # another branch translates these two


# --------------------------------------------------------------------------- the English detector
WORD = r"[A-Za-z][A-Za-z'’]*"
RUN = re.compile(rf"{WORD}(?:[ \t]+{WORD})+")


def _commands() -> tuple[set[str], dict[str, set[str]]]:
    """The top-level commands, and the steps of those that have some (hub STEP, roleplay ACTION)."""
    sub = next(a for a in cli.build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    steps = {}
    for name, parser in sub.choices.items():
        for a in parser._actions:
            if isinstance(a, argparse._SubParsersAction):
                steps[name] = set(a.choices)
    return set(sub.choices), steps


TOP, STEPS = _commands()
COMMANDS = TOP.union(*STEPS.values())


def english_runs(text: str, allowed=()) -> list[str]:
    """Runs of two or more English words in ``text``, after removing what stays English in a
    Chinese message: ``allowed`` (names, ids the test knows), `commands`, quoted names, URLs,
    options with their metavars, paths and file names, dotted, hyphenated and underscored ids,
    upper-case metavars and acronyms, and `academy COMMAND [STEP]`."""
    t = text
    for a in sorted(allowed, key=len, reverse=True):
        t = t.replace(a, " ")
    t = re.sub(r"`[^`\n]*`", " ", t)
    t = re.sub(r"“[^”\n]*”|'[^'\n]*'|\"[^\"\n]*\"", " ", t)
    t = re.sub(r"https?://\S+", " ", t)
    t = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*(?:[ =](?:[A-Z][A-Z_]*\b|\{[^}\n]*\}))?", " ", t, flags=re.A)
    t = re.sub(r"[!-~]*[/\\$][!-~]*", " ", t)  # printable ASCII around a / \\ or $
    t = re.sub(r"\w+(?:[.\-]\w+)+|\w*_\w*|\w*\d\w*", " ", t, flags=re.A)
    t = re.sub(r"\b[A-Z][A-Z]+\b", " ", t, flags=re.A)
    commands = "|".join(sorted(COMMANDS, key=len, reverse=True))
    t = re.sub(rf"\bacademy(?:[ \t]+(?:{commands})\b){{0,2}}", " ", t)
    return RUN.findall(t)


def test_the_detector_finds_english_and_spares_what_stays_english():
    """Does the detector flag English sentences and fragments, and only those?"""
    assert english_runs("The roster was not imported; nothing changed.") == [
        "The roster was not imported", "nothing changed"]
    assert english_runs("花名册未导入：no such file") == ["no such file"]
    kept = ("用法：academy roster [-h] [--course COURSE] [--table {results,items}] file\n"
            "academy progress: 成绩册中没有学员“nobody”。请运行 `academy roster ROSTER.csv --course x`，"
            "或打开 http://127.0.0.1:8866/ 查看 /tmp/cohort/gradebook.db、coaching-conversation.v1、"
            "trainer.kim、01-service-standards、generate_assignment、'(course update)'、Ana Lima 的 PDF")
    assert english_runs(kept, allowed=["Ana Lima"]) == []


# --------------------------------------------------------------------------- argparse's own words
def _argparse_calls() -> tuple[set[str], set[tuple[str, str]]]:
    """The messages this Python's argparse passes to its ``_`` and ``ngettext``."""
    singles, plurals = set(), set()
    for node in ast.walk(ast.parse(inspect.getsource(argparse))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "_":
                singles.update(args)
                for a in node.args:  # _(kwargs.pop('title', 'subcommands'))
                    if isinstance(a, ast.Call):
                        singles.update(x.value for x in a.args if isinstance(x, ast.Constant)
                                       and isinstance(x.value, str) and x.value not in ("title", "description"))
            elif node.func.id == "ngettext" and len(args) == 2:
                plurals.add((args[0], args[1]))
    return singles, plurals


def test_argparse_messages_are_the_ones_listed_for_translation():
    """Does this Python's argparse look its words up through module globals ``_`` and
    ``ngettext``, and are its messages exactly those cli.py lists (translated) or sets aside
    (programming mistakes)? A Python that words them differently fails here, by name."""
    assert callable(getattr(argparse, "_", None)) and callable(getattr(argparse, "ngettext", None)), \
        "argparse no longer has module-level _ and ngettext: grader.cli.argparse_words needs another way"
    singles, plurals = _argparse_calls()
    developer = {m for m in cli.ARGPARSE_DEVELOPER_MESSAGES if isinstance(m, str)}
    listed = set(cli.ARGPARSE_MESSAGES) | developer
    assert singles - listed == set(), "argparse has messages cli.py does not list"
    assert listed - singles == set(), "cli.py lists messages this argparse does not have"
    counted = set(cli.argparse_counted(2)) | {m for m in cli.ARGPARSE_DEVELOPER_MESSAGES if isinstance(m, tuple)}
    assert plurals == counted


def test_argparse_words_are_chinese_only_while_academy_runs(capsys):
    """Are argparse's words in the catalog's Chinese inside argparse_words(), and argparse's own
    gettext again afterwards (other users of argparse in the process are left alone)?"""
    before = argparse._, argparse.ngettext
    with i18n.language("zh-CN"):
        with cli.argparse_words() as patched:
            assert patched
            assert argparse._("usage: ") == "用法：" and argparse._("options") == "选项"
            assert argparse.ngettext("expected %s argument", "expected %s arguments", 2) == "需要 %s 个参数值"
    assert (argparse._, argparse.ngettext) == before
    with pytest.raises(SystemExit):
        cli.main(["--lang", "zh-CN", "--help"])
    assert "用法：academy" in capsys.readouterr().out
    assert (argparse._, argparse.ngettext) == before
    i18n.use_language(None)


@pytest.mark.parametrize("argv, env, expected", [
    (["--lang", "zh-CN", "roster"], None, "zh-CN"), (["roster", "--lang=zh_CN", "x"], None, "zh_CN"),
    (["--lang", "en", "x", "--lang", "zh-CN"], None, "zh-CN"), (["roster", "x"], "zh-CN", "zh-CN"),
    (["roster", "x"], None, None), (["x", "--", "--lang", "zh-CN"], None, None)])
def test_language_is_read_before_the_parser_is_built(argv, env, expected, monkeypatch):
    """Is --lang found wherever it stands (the last one wins, nothing after --), else $ACADEMY_LANG?"""
    monkeypatch.delenv("ACADEMY_LANG", raising=False)
    if env:
        monkeypatch.setenv("ACADEMY_LANG", env)
    assert cli.language_in(argv) == expected


# --------------------------------------------------------------------------- a small real cohort
MANIFEST = """\
tracks:
  - id: agent
    title: Agent track
    title_zh: 坐席路径
    modules: [1]
    assignments: [{id: 01-a, pass_mark: 70, title: Module 1 quiz, title_zh: 模块 1 测验}]
  - id: leadership
    title: Leadership track
    title_zh: 管理路径
    modules: [1, 6]
    assignments:
      - {id: 01-a, pass_mark: 70, title: Module 1 quiz, title_zh: 模块 1 测验}
      - {id: 06-cap, pass_mark: 60, title: Improvement proposal, title_zh: 改进提案}
    roleplays:
      - {id: coach, title: Coaching role-play, title_zh: 辅导角色扮演, scorecard: coaching-conversation, min_total: 80}
    capstone: [06-cap, coach]
"""


@pytest.fixture(scope="module")
def cohort(tmp_path_factory, _alembic_on_path):
    """ana completes both tracks, wangmei the agent track, ben awaits a manual grade; ana's coaching
    role-play is scored in the studio's database. Rosters: a good one and one with three faults."""
    base = tmp_path_factory.mktemp("zh-cli")
    (base / "cohort").mkdir()
    url = make_gradebook(base / "cohort" / "gradebook.db", BOOK)
    add_learner(url, "ana", {"01-a": {"q1": 6, "q2": 3}, "06-cap": {"auto": 2, "proposal": 6}}, "Ana", "Lima")
    add_learner(url, "ben", {"01-a": {"q1": 6, "q2": 4}, "06-cap": {"auto": 2, "proposal": None}}, "Ben", "Wu")
    add_learner(url, "wangmei", {"01-a": {"q1": 5, "q2": 3}}, "王", "梅")
    (base / "tracks.yaml").write_text(MANIFEST, encoding="utf-8")
    (base / "roster.csv").write_text("id,first_name,last_name\nana,Ana,Lima\nben,Ben,Wu\nwangmei,王,梅\n",
                                     encoding="utf-8")
    (base / "bad.csv").write_text("id,first_name\nana,Ana\n,Nobody\n.x,Dot\nANA,Again\n", encoding="utf-8")
    (base / "noid.csv").write_text("name,email\nAna,a@example.com\n", encoding="utf-8")
    save_coaching_score(base / "roleplay.db", "ana")
    return base


def academy(args: list[str], cwd: Path, lang: str | None = "zh-CN") -> subprocess.CompletedProcess:
    """``academy [--lang LANG] ARGS`` in a fresh interpreter, as a trainer runs it. With ARGS that
    give --lang themselves, ``lang`` goes to $ACADEMY_LANG instead."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ACADEMY_ROLEPLAY_DB": str(cwd / "roleplay.db"),
           "COLUMNS": "100"}
    for name in ("ACADEMY_GRADEBOOK", "ACADEMY_LANG"):
        env.pop(name, None)
    if "--lang" in args and lang:
        env["ACADEMY_LANG"], lang = lang, None
    cmd = [sys.executable, "-m", "grader.cli", *(["--lang", lang] if lang else []), *args]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


M = ["--manifest", "tracks.yaml"]
HELP = [[c, "--help"] for c in sorted(TOP - OTHERS_COMMANDS)]
HELP += [[c, s, "--help"] for c in sorted(STEPS) for s in sorted(STEPS[c])]
RUNS = [  # (arguments, exit code)
    ([], 2), (["--help"], 0),
    # tracks and certificates, on the cohort
    (["progress", "ana", *M], 0), (["progress", "ben", *M], 0), (["progress", "wangmei", "--track", "agent", *M], 0),
    (["progress", "nobody", *M], 1), (["progress", "anna", *M], 1), (["progress", "ana", "--track", "nope", *M], 1),
    (["candidates", *M], 0), (["candidates", "--track", "agent", *M], 0), (["candidates", "--track", "zzz", *M], 1),
    (["candidates", "--course", "missing", *M], 1), (["tracks", *M], 0), (["tracks"], 0),
    (["verify", "AGT-20261201-AAAA-BBBB-CCCC", *M], 1), (["verify", "nonsense", *M], 2),
    (["verify", "AGT-20261399-AAAA-BBBB-CCCC", *M], 2),
    (["certificates", "--date", "bad", *M], 1), (["certificates", "--track", "zzz", *M], 1),
    # the cohort cycle: rosters, and each command's refusal
    (["roster", "bad.csv", "--course", "new"], 1), (["roster", "noid.csv", "--course", "new"], 1),
    (["roster", "missing.csv", "--course", "new"], 1), (["roster", "roster.csv", "--course", "cohort", "--quiet"], 0),
    (["collect", "01-service-standards", "--course", "cohort", "--quiet"], 0),
    (["collect", "01-service-standards", "--course", "missing"], 1), (["collect", "no-such", "--course", "cohort"], 1),
    (["collect", "01-service-standards", "--course", "cohort", "--learner", "../x"], 2),
    (["collect", "01-service-standards", "--course", "cohort", "--zip", "nofolder"], 1),
    (["release", "no-such", "--course", "cohort"], 1), (["autograde", "01-service-standards", "--course", "missing"], 1),
    (["feedback", "01-service-standards", "--course", "missing"], 1), (["export", "--course", "missing"], 1),
    (["build", "no-such-assignment"], 1), (["formgrader", "--course", "missing"], 1),
    # the role-play studio, the hub (without root's work), the learner workspace
    (["roleplay", "export", "--db", "none.db"], 1), (["roleplay", "calibrate", "--db", "none.db"], 1),
    (["roleplay", "export", "--db", "roleplay.db", "--out", "scores.csv"], 0), (["roleplay", "validate"], 0),
    (["hub", "adduser"], 2), (["workspace", "--dir", "learner"], 0),
    # argparse's own refusals
    (["nosuch"], 2), (["release"], 2), (["autograde", "x", "--workers", "many"], 2),
    (["roleplay", "export", "--table", "everything"], 2), (["progress", "ana", "--bogus"], 2),
    (["--lang", "fr", "tracks"], 2),
] + [(h, 0) for h in HELP]


@pytest.mark.parametrize("args, code", RUNS, ids=lambda a: " ".join(a) if isinstance(a, list) else str(a))
def test_command_speaks_chinese(args, code, cohort):
    """Does the command answer in Chinese, with nothing English left but ids, paths, commands,
    options and names, and exit as it does in English?"""
    p = academy(args, cohort)
    out = p.stdout + p.stderr
    assert p.returncode == code, out
    assert re.search("[\u4e00-\u9fff]", out), out
    others = re.compile(rf"^\s+({'|'.join(OTHERS_COMMANDS)})\s.*$", re.M)  # their lines in the list of commands
    assert english_runs(others.sub("", out), NAMES) == [], out


@pytest.mark.parametrize("args, code", [r for r in RUNS if r[0][:1] != ["--lang"]],
                         ids=lambda a: " ".join(a) if isinstance(a, list) else str(a))
def test_command_without_lang_stays_english(args, code, cohort):
    """Without --lang, is the same command's output English: the same exit code, and no Chinese
    but the learners' names?"""
    p = academy(args, cohort, lang=None)
    out = (p.stdout + p.stderr).replace("王 梅", "")
    assert p.returncode == code, out
    assert not re.search("[\u3000-\u9fff\uff00-\uffef]", out), out


@pytest.mark.parametrize("args", [["progress", "ana", *M], ["roster", "bad.csv", "--course", "new"],
                                  ["release", "--help"]], ids=" ".join)
def test_lang_en_is_the_default(args, cohort):
    """Does --lang en print exactly what no --lang prints?"""
    p, q = academy(args, cohort, lang=None), academy(args, cohort, lang="en")
    assert (q.returncode, q.stdout, q.stderr) == (p.returncode, p.stdout, p.stderr)


# Outputs as the English CLI printed them before it spoke Chinese (byte for byte).
GOLDEN = {
    ("progress", "ben", *M): """\
Progress of ben (Ben Wu)
Legend: [x] met   [~] waiting for manual grading   [ ] remaining

Agent track (agent): COMPLETE
  [x] Module 1 quiz: 10 of 10 points (100%); pass mark 70%

Leadership track (leadership): 1 of 3 requirements met
  [x] Module 1 quiz: 10 of 10 points (100%); pass mark 70%
  [~] Improvement proposal (capstone): 2 of 10 points (20%) so far; waiting for the trainer's manual grading (pass mark 60%)
  [ ] Coaching role-play (capstone): not scored yet (needs 80/100 on the 'coaching-conversation' scorecard with no critical item failed)
  1 requirement(s) wait for manual grading in formgrader.
""",
    ("progress", "nobody", *M): "academy progress: Learner 'nobody' is not in the gradebook. "
                                "The gradebook has 3 learner(s).\n",
    ("roster", "bad.csv", "--course", "new"): """\
The roster was not imported; nothing changed. Fix bad.csv:
  line 3: empty id; give every learner an id
  line 4: id '.x' is not allowed: use letters, digits, _ . - (not starting with a dot), at most 64 characters
  line 5: id 'ANA' already used on line 2 (ids must differ in more than upper/lower case)
""",
    ("roster", "roster.csv", "--course", "cohort", "--quiet"): """
Roster of cohort (3 learners):
  ok ana       unchanged
  ok ben       unchanged
  ok wangmei   unchanged
  3 unchanged
""",
    ("tracks", *M): """\
Agent track (agent): modules 1
  assignment 01-a (Module 1 quiz): pass mark 70%
Leadership track (leadership): modules 1, 6
  assignment 01-a (Module 1 quiz): pass mark 70%
  assignment 06-cap (Improvement proposal): pass mark 60% (capstone)
  role-play coach: 'coaching-conversation' scorecard, at least 80/100, no failed critical item (capstone)
warning: track 'agent': assignment '01-a' has no folder {root}/solutions/01-a
warning: track 'leadership': assignment '01-a' has no folder {root}/solutions/01-a
warning: track 'leadership': assignment '06-cap' has no folder {root}/solutions/06-cap
""",
    ("release", "no-such", "--course", "cohort"): None,  # its list of assignments changes: its start
    ("release",): """\
usage: academy release [-h] [--course COURSE] [--source SOURCE] [--exchange EXCHANGE] [--quiet]
                       [--gradebook GRADEBOOK] [--lang LANG]
                       assignment
academy release: error: the following arguments are required: assignment
""",
}


@pytest.mark.parametrize("args", list(GOLDEN), ids=" ".join)
def test_english_output_is_as_before(args, cohort):
    """Do these commands print, in English, exactly what they printed before the translation?"""
    p = academy(list(args), cohort, lang=None)
    out = p.stdout + p.stderr
    if GOLDEN[args] is None:
        assert out.startswith("Unknown assignment 'no-such'. Available: 01-service-standards, "), out
    else:
        assert out == GOLDEN[args].replace("{root}", str(ROOT))


def test_help_keeps_argparse_and_course_words_in_english_by_default(cohort):
    p = academy(["collect", "--help"], cohort, lang=None)
    for words in ("usage: academy collect", "positional arguments:", "options:",
                  "show this help message and exit", "only these learners (repeatable)",
                  "cohort workspace folder (default ./cohort)"):
        assert words in p.stdout
    z = academy(["collect", "--help"], cohort)
    for words in ("用法：academy collect", "位置参数：", "选项：", "显示本帮助信息并退出", "只处理这些学员（可重复给出）"):
        assert words in z.stdout


# --------------------------------------------------------------------------- the certificate
def _pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_certificate_in_chinese_draws_chinese_and_verifies_in_english(cohort, tmp_path):
    """Is a certificate issued in zh-CN a Chinese page (title, lines, scores, the verification
    sentence, in an embedded CJK font), with the same code as the English one, which `academy
    verify` accepts in English?"""
    zh, en = tmp_path / "zh", tmp_path / "en"
    p = academy(["certificates", "--out", str(zh), "--date", "2026-12-01", "--track", "leadership", *M], cohort)
    assert p.returncode == 0, p.stderr
    assert english_runs(p.stdout, NAMES) == [], p.stdout
    q = academy(["certificates", "--out", str(en), "--date", "2026-12-01", "--track", "leadership", *M],
                cohort, lang=None)
    code = re.search(r"LDR-20261201-[A-Z2-7-]{14}", p.stdout).group(0)
    assert code in q.stdout, "the code does not depend on the language"

    text = _pdftotext(zh / "ana-leadership.pdf")
    flat = re.sub(r"\s+", "", text)
    for needed in ("结业证书", "呼叫中心学院兹证明", "AnaLima", "已完成管理路径", "要求", "成绩", "模块1测验",
                   "9分，满分10分（90%）", "辅导角色扮演", "100/100（角色扮演）", "颁发日期：2026年12月1日",
                   f"验证码：{code}", f"可对照课程成绩册核验：academyverify{code}"):
        assert needed in flat, needed
    fonts = subprocess.run(["pdffonts", str(zh / "ana-leadership.pdf")], capture_output=True, text=True).stdout
    assert re.search(r"WenQuanYi|NotoSansCJK", fonts) and " yes " in fonts, fonts  # embedded CJK font
    assert "Certificate of completion" in _pdftotext(en / "ana-leadership.pdf")

    v = academy(["verify", code, *M], cohort, lang=None)
    assert v.returncode == 0 and v.stdout.startswith("VALID: Ana Lima (ana) completed the Leadership track; "
                                                      "issued 01 December 2026."), v.stdout
    w = academy(["verify", code, *M], cohort)
    assert w.returncode == 0 and w.stdout.startswith("有效：Ana Lima（ana）已完成管理路径；颁发日期 2026 年 12 月 1 日。")


# --------------------------------------------------------------------------- start-up
def test_chinese_commands_load_nothing_heavy(cohort):
    """Does `academy --lang zh-CN progress` (and its help) start as light as in English: no
    matplotlib for chart fonts, no pandas, no nbgrader?"""
    from test_cli_speed import HEAVY, loaded, unwanted

    for args in (["--lang", "zh-CN", "progress", "ana", *M], ["--lang", "zh-CN", "candidates", "--help"]):
        code, modules = loaded(args, cohort)
        assert code == 0
        assert unwanted(modules, HEAVY) == [], args


# --------------------------------------------------------------------------- summaries of grading runs
def test_cohort_summaries_and_grading_notes_in_chinese(tmp_path, capsys):
    """The summaries a trainer reads after collect, autograde and a zip collect (every status),
    and the notes on a broken submission: Chinese, with the statuses named in Chinese and the
    machine values (what code compares) unchanged."""
    import json as _json

    from grader import diagnose
    from grader.autograding import GradeResult
    from grader.commands import cohort as cmd
    from grader.workflow import StepResult, read_roster
    from grader.zipcollect import FileRow, ZipCollectResult

    sub = tmp_path / "submitted" / "ana" / "01-a"
    sub.mkdir(parents=True)
    (sub / "quiz.ipynb").write_text("{not json", encoding="utf-8")
    (sub / "old-name.ipynb").write_text("{}", encoding="utf-8")
    bad = tmp_path / "roster.csv"
    bad.write_text("id\nana\nAna\n", encoding="utf-8")
    with i18n.language("zh-CN"):
        problem, notes = diagnose.precheck(sub, ["answers", "quiz"])
        _, roster_problems = read_roster(bad)
        rows = [GradeResult("ana", "01-a", False, problem, "failed", notes),
                GradeResult("ben", "01-a", True, i18n.join(notes, "clause"), "graded", [], 8, 10),
                GradeResult("cai", "01-a", True, "", "skipped", [], 10, 10),
                StepResult("dan", False, "not graded", ""), StepResult("eve", True, "released", "")]
        code = cmd.summarise(rows, "自动评分 01-a：")
        res = ZipCollectResult(files=[FileRow(f"f{i}.ipynb", "", s, "") for i, s in enumerate(
            ["collected", "not a notebook", "unmatched", "unreadable", "older duplicate"])],
            learners=[StepResult("ana", True, "collected"), StepResult("ben", True, "unchanged")],
            kept_in=tmp_path / "archive")

        class WS:
            submitted = tmp_path / "submitted"
        cmd._print_zip_report(res, WS(), "01-a")
    out = capsys.readouterr().out
    assert code == 1 and rows[0].status == "failed" and rows[2].status == "skipped"
    for said in ("失败", "已评分", "已跳过", "未评分", "已发布", "已收取", "未变", "不是笔记本", "未匹配",
                 "无法读取", "较旧的重复文件", "不是有效的笔记本 JSON", "缺少 answers.ipynb"):
        assert said in out, said
    assert roster_problems == ["第 3 行：id 'Ana' 已在第 2 行用过（不同学员的 id 不能只差大小写）"]
    text = out + "\n".join(roster_problems) + _json.dumps(notes, ensure_ascii=False)
    assert english_runs(text, NAMES) == [], text
