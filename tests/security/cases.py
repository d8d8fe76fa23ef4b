"""The hostile and broken submissions, each with what must happen to it.

``expect``: ``zero`` (no points at all), ``full`` (every point, as an honest learner),
``lose:Q,…`` (every point but those questions), ``from:Q`` (every point of the questions graded
before Q, none from Q on), ``before:Q`` (the questions before Q score as solved; the rest is not
judged). Attack code prints ``LEAK`` if it ever sees something it must not; the tests fail on that.
"""
from __future__ import annotations

from .conftest import Case

CASES = [
    # --- reading what a submission must never see -------------------------------------------
    Case("read_solutions", where="new", why="solutions/ through the package's own path", code="""
import glob, re
found = glob.glob('{root}/solutions/**/*.ipynb', recursive=True)
print('LEAK solutions' if found else 'no solutions visible')
for f in found:
    m = re.search(r"q1_1 = '(.)'", open(f).read())
    if m:
        q1_1 = m.group(1)
"""),
    Case("read_gradebook", where="new", why="hidden tests in gradebook.db", code="""
import sqlite3, os
path = '{course}/gradebook.db'
if os.path.exists(path):
    print('LEAK gradebook', sqlite3.connect(path).execute('select count(*) from grade_cells').fetchall())
"""),
    Case("read_worker_copies", where="new", why="the workers' gradebook copies", code="""
import glob
copies = glob.glob('{course}/.academy/**/*.db', recursive=True) + glob.glob('/tmp/academy-grade-*/*.db')
print('LEAK copies', copies) if copies else print('no copies')
"""),
    Case("read_generated", where="new", why="nbgrader's generated assignments (hidden tests in their gradebooks)",
         code="""
import glob
found = glob.glob('{root}/build/generated/**/*', recursive=True) + glob.glob('{root}/build/**/gradebook.db', recursive=True)
print('LEAK generated', found[:3]) if found else print('no generated folders')
"""),
    Case("copy_classmate", where="new", why="a classmate's submitted notebook", code="""
import glob
for f in glob.glob('{submitted}/*/*/*.ipynb'):
    print('LEAK classmate', f, open(f).read()[:50])
"""),
    Case("read_course_files", where="new", why="exchange, autograded, feedback folders", code="""
import os
for d in ['{course}', '{course}/exchange', '{course}/autograded', '{root}']:
    if os.path.isdir(d) and set(os.listdir(d)) - {{'grader', 'datasets', '.venv'}}:
        print('LEAK listing', d, os.listdir(d))
"""),
    Case("nbgrader_config", where="new", code="""
try:
    print('LEAK config', open('{root}/nbgrader_config.py').read()[:40])
except OSError as e:
    print('config hidden:', type(e).__name__)
"""),
    Case("env_secret", where="new", why="the trainer's environment variables", code="""
import os
print('LEAK env' if os.environ.get('{secret_name}') else 'no secret', sorted(os.environ))
"""),
    Case("proc_environ", where="new", why="other processes' environment through /proc", code="""
import glob
for f in glob.glob('/proc/*/environ'):
    try:
        if b'{secret_name}' in open(f, 'rb').read():
            print('LEAK proc', f)
    except OSError:
        pass
"""),
    Case("home_ssh", where="new", why="$HOME and ~/.ssh", code="""
import os
home = '{home}'
seen = [n for n in os.listdir(home) if n != '.pyenv'] if os.path.isdir(home) else []
print('LEAK home', seen) if seen else print('home hidden')
"""),
    Case("symlink_to_gradebook", where="new", why="a link in the submission pointing at the gradebook",
         code="""
import os
for name in os.listdir('.'):
    if name.startswith('linked'):
        print('LEAK link', name, open(name, 'rb').read()[:16])
"""),
    # --- changing what decides a grade ----------------------------------------------------------
    Case("redefine_grade", note="tampered", code="""
import grader.check as gc
gc.grade = lambda *a, **k: 1.0
gc.score = lambda *a, **k: 99.0
"""),
    Case("replace_module", where="new", note="tampered", code="""
import sys, types
fake = types.ModuleType('grader.check')
fake.grade = lambda *a, **k: 1.0
fake.check = print
sys.modules['grader.check'] = fake
"""),
    Case("evade_static_check", where="new", note="replaced grader.check.grade",
         why="reaches grader.check through os.sys, which no source rule names", code="""
import os
os.sys.modules['grader.check'].grade = lambda *a, **k: 1.0
"""),
    Case("patch_builtins", where="new", note="tampered", code="""
import builtins
builtins.isinstance = lambda *a: True
"""),
    Case("tamper_last_question", base="solved", where="q1_13", expect="from:q1_13", note="tampered",
         why="tampering costs the questions graded after it, not the ones before", code="""
from grader.check import grade
"""),
    Case("edit_hidden_test", base="solved", where="edit:q1_2_test", expect="lose:q1_2", note="tampered",
         code="q1_2 = 3  # hidden test replaced"),
    Case("eq_always_true", where="edit:q1_1", why="a str whose == is always True", code="""
class Any(str):
    def __eq__(self, other):
        return True
    def __hash__(self):
        return 0
q1_1 = Any('Z')
"""),
    Case("forge_channel", where="new", status="graded", why="fake messages on every open descriptor",
         code="""
import os
for fd in range(3, 40):
    try:
        os.write(fd, b'{{"i": 999999, "values": {{}}}}\\ngarbage\\n')
    except OSError:
        pass
"""),
    Case("forge_deep_json", where="new", status="graded", why="a message nested too deep to parse",
         code="""
import os
for fd in range(3, 40):
    try:
        os.write(fd, b'[' * 200_000 + b'\\n')
    except OSError:
        pass
"""),
    Case("fake_grade_cell", base="solved", where="meta:", expect="full", code="""
c = nbformat.v4.new_code_cell('pass')
c.metadata['nbgrader'] = dict(grade=True, solution=False, locked=True, grade_id='bonus', points=100,
                              schema_version=3)
nb.cells.append(c)
"""),
    Case("duplicate_test_cell", base="solved", where="meta:", expect="full", code="""
import copy
t = cell('q1_3_test')
fake = copy.deepcopy(t)
fake.source = 'pass'
nb.cells.insert(nb.cells.index(t), fake)
"""),
    # --- hurting others -----------------------------------------------------------------------
    Case("overwrite_classmate", where="new", code="""
import glob
for f in glob.glob('{submitted}/victim/*/*.ipynb') + glob.glob('{course}/autograded/*/*/*.ipynb'):
    open(f, 'w').write('{{}}')
    print('LEAK wrote', f)
"""),
    Case("detached_writer", where="new", why="a setsid child that rewrites the gradebook later", code="""
import subprocess
subprocess.Popen(['sh', '-c', 'sleep 2; echo pwned > {course}/pwned; cp /dev/null {course}/gradebook.db # {token}'],
                 start_new_session=True)
"""),
    Case("setsid_survivor", where="new", code="""
import subprocess
subprocess.Popen(['sh', '-c', 'sleep 60 # {token}'], start_new_session=True)
"""),
    Case("poison_next_learner", where="new", why="files left for the next submission's sandbox", code="""
import os
for p in ['/tmp/poison', os.path.expanduser('~/poison'), '/dev/shm/poison']:
    try:
        open(p, 'w').write('x')
    except OSError:
        pass
"""),
    Case("persist_backdoor", where="new", why="write into the Python environment or grader package",
         code="""
import glob
for f in glob.glob('{root}/grader/check.py') + glob.glob('{root}/.venv/lib/*/site-packages/*.pth'):
    try:
        open(f, 'a').write('# backdoor')
        print('LEAK wrote', f)
    except OSError:
        pass
"""),
    Case("tcp_loopback", where="new", why="the trainer's services on 127.0.0.1", code="""
import socket
try:
    socket.create_connection(('127.0.0.1', {port}), timeout=1)
    print('LEAK connected')
except OSError as e:
    print('no network:', type(e).__name__)
"""),
    Case("kill_grader", base="solved", where="new", expect="full",
         why="signals to the processes around it", code="""
import os
for pid in (os.getppid(), 1):
    try:
        os.kill(pid, 9)
    except OSError:
        pass
"""),
    # --- honest but heavy, and broken -------------------------------------------------------------
    Case("huge_print", base="solved", where="q1_2", expect="full", code="print('x' * 100_000_000)"),
    Case("many_lines", base="solved", where="q1_2", expect="full", code="print('line\\n' * 1_000_000)"),
    Case("huge_display", base="solved", where="q1_10", expect="full",
         code="display({{'text/html': '<b>x</b>' * 5_000_000}}, raw=True)"),
    Case("alloc_within_limit", base="solved", where="q1_3", expect="full",
         code="x = bytearray(300 * 1024 ** 2)\ndel x"),
    Case("alloc_over_limit", base="solved", where="q1_3", expect="lose:q1_3",
         code="x = bytearray(3 * 1024 ** 3)"),
    Case("c_level_loop", base="solved", where="q1_4", expect="lose:q1_4", note="q1_4",
         why="a loop in C that no interrupt stops", code="sum(range(10 ** 13))"),
    Case("python_loop", base="solved", where="q1_5", expect="lose:q1_5", note="q1_5",
         code="while True:\n    pass"),
    Case("fork_bomb", base="solved", where="q1_8", expect="before:q1_8", code="""
import os
while True:
    os.fork()
"""),
    Case("disk_fill", base="solved", where="q1_9", expect="lose:q1_9",
         code="open('big.bin', 'wb').write(b'0' * (300 * 1024 ** 2))"),
    Case("system_exit", base="solved", where="q1_11", expect="lose:q1_11", code="raise SystemExit(3)"),
    Case("huge_answer", base="solved", where="edit:q1_7", expect="lose:q1_7",
         code="q1_7 = list(range(3_000_000))"),
    Case("lost_metadata", base="solved", where="meta-lost", expect="full", note="matched to the release",
         why="every cell lost its nbgrader metadata", code=""),
    Case("script_in_written_answer", base="solved", where="meta:", expect="full",
         why="stored XSS against the trainer in formgrader", code="""
cell('q1_14').source = 'I would apologise. <script>alert(1)</script><img src=x onerror=alert(1)>'
"""),
    Case("script_in_raw_cell_and_widgets", base="solved", where="meta:", expect="full",
         why="raw HTML cells and saved widget state are copied into HTML exports", code="""
raw = nbformat.v4.new_raw_cell('<script>alert(5)</script><img src=x onerror=alert(6)>')
raw.metadata['raw_mimetype'] = 'text/html'
nb.cells.append(raw)
nb.metadata['widgets'] = dict(state=dict(x=dict(value='</script><script>alert(7)</script>')))
"""),
    Case("script_in_output", base="solved", where="q1_2", expect="full", code="""
display({{'text/html': '<script>alert(2)</script><b onmouseover=alert(3)>hi</b>',
          'application/javascript': 'alert(4)'}}, raw=True)
display({{'image/svg+xml': '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(8)"/>'}}, raw=True)
display({{'image/png': 'iVBORw0KGgo='}}, metadata={{'image/png': {{'width': '1 onerror=alert(9)'}}}}, raw=True)
"""),
    Case("copies_setup_line", base="solved", where="new", expect="full",
         why="an honest learner re-running the setup imports in a cell of their own", code="""
from grader.check import check
from grader.datasets import load
"""),
    Case("input_call", base="solved", where="q1_12", expect="lose:q1_12", code="name = input('Your name? ')"),
]
