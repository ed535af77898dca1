"""What a worker holds that it does not need (issue 18 point 5): Pygments, which Markdown's code blocks would
import, and the parse and compile of every template, which the template cache saves the workers after the first."""
import subprocess
import sys

import pytest

from tracker import create_app


def test_rendering_markdown_with_a_code_block_does_not_import_pygments_and_keeps_the_block():
    # A process of its own: the test process has Pygments loaded (pytest uses it), which the guard leaves alone.
    script = (
        "import sys\n"
        "from tracker.core.markdown import render\n"
        "html = str(render('手順:\\n\\n```python\\nprint(1)\\n```\\n\\n| a | b |\\n|---|---|\\n| 1 | 2 |'))\n"
        "assert '<pre><code>print(1)' in html and '<td>2</td>' in html, html\n"
        "print('pygments' in sys.modules)\n"
        "import pygments\n"  # still importable for anything else
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.fixture
def cached_app(database_url, tmp_path):
    def make():
        return create_app("test", SQLALCHEMY_DATABASE_URI=database_url, TEMPLATE_CACHE_DIR=str(tmp_path / "compiled"))
    return make


def test_a_second_worker_loads_the_compiled_sign_in_page_instead_of_compiling_it(cached_app, tmp_path):
    first = cached_app()
    page = first.test_client().get("/login")
    assert page.status_code == 200
    assert list((tmp_path / "compiled").iterdir()), "the first worker leaves its compiled templates"

    second = cached_app()

    def compile_refused(*args, **kwargs):
        raise AssertionError("a cached template was compiled again")

    second.jinja_env.compile = compile_refused
    again = second.test_client().get("/login")
    assert again.status_code == 200
    assert again.get_data(as_text=True).count("<form") == page.get_data(as_text=True).count("<form") >= 1


def test_an_empty_template_cache_setting_compiles_in_each_worker(database_url):
    app = create_app("test", SQLALCHEMY_DATABASE_URI=database_url, TEMPLATE_CACHE_DIR="")
    assert app.jinja_env.bytecode_cache is None
