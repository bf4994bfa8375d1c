"""A reproducible install: every import is declared, every installed version is pinned.

requirements.in / requirements-dev.in are the source: the app's and the tests' direct dependencies.
requirements.txt / requirements-dev.txt are generated from them (uv pip compile; the command is each file's
header and the README's "Dependencies") with every package pinned, dependencies of dependencies included, so
Community Cloud installs exactly what CI tested. No network: the code's imports are read with ast and mapped
to the installed distributions that provide them.
"""

from __future__ import annotations

import ast
import configparser
import re
import sys
from functools import cache
from importlib.metadata import distributions, packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ("cnnlib", "services", "ui", "lessons", "links", "words", "notebooks", "streamlit_app.py")
DEV = ("tests", "bench")
NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")
PINNED = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9.+!-]+)(?:\s*;\s*(?P<marker>\S.*))?$")


def normalize(name: str) -> str:
    """A distribution's name as PEP 503 compares them (``Markdown_It.py`` → ``markdown-it-py``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path: Path) -> list[str]:
    """The requirement lines of a requirements file (comments, blanks and "# via" notes dropped)."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if line:
            lines.append(line)
    return lines


def declared(path: Path) -> dict[str, str]:
    """{normalized name: its line} of a .in file, following ``-r`` includes."""
    out = {}
    for line in requirement_lines(path):
        if line.startswith(("-r ", "--requirement ")):
            out.update(declared(path.parent / line.split(None, 1)[1]))
        elif line.startswith("-"):
            raise AssertionError(f"{path.name}: {line!r}: only requirements and -r includes belong in a .in file")
        else:
            match = NAME.match(line)
            assert match, f"{path.name}: cannot read {line!r}"
            out[normalize(match.group(1))] = line
    return out


def pins(path: Path) -> dict[str, list[tuple[str, str | None]]]:
    """{normalized name: [(version, marker), …]} of a generated file; every line must be ``name==version``."""
    out: dict[str, list[tuple[str, str | None]]] = {}
    for line in requirement_lines(path):
        match = PINNED.match(line)
        assert match, (
            f"{path.name}: {line!r} is not pinned as name==version (no options, index URLs, paths or hashes: "
            "Community Cloud installs this file as it is); regenerate it (README, 'Dependencies')"
        )
        out.setdefault(normalize(match["name"]), []).append((match["version"], match["marker"]))
    return out


def local_names() -> set[str]:
    """The repository's own top-level modules and packages."""
    return {p.stem if p.suffix == ".py" else p.name for p in ROOT.iterdir() if p.suffix == ".py" or p.is_dir()}


@cache
def third_party_imports(roots: tuple[str, ...]) -> dict[str, set[str]]:
    """{top-level import name: the files importing it} for every absolute import that is neither the standard
    library nor the repository's own code — anywhere in a file, inside functions and try blocks too."""
    own = local_names()
    found: dict[str, set[str]] = {}
    for root in roots:
        base = ROOT / root
        for path in [base] if base.is_file() else sorted(base.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in own:
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def undeclared(roots: tuple[str, ...], declared_names: set[str], where: str) -> list[str]:
    providers = packages_distributions()
    problems = []
    for module, files in sorted(third_party_imports(roots).items()):
        dists = {normalize(d) for d in providers.get(module, [])}
        shown = ", ".join(sorted(files)[:3]) + (" …" if len(files) > 3 else "")
        if not dists:
            problems.append(f"`import {module}` ({shown}): no installed distribution provides it; "
                            f"install it and declare it in {where}")
        elif not dists & declared_names:
            problems.append(f"`import {module}` ({shown}) comes from {' or '.join(sorted(dists))}, "
                            f"which {where} does not declare (it arrives only as someone else's dependency)")
    return problems


def test_the_app_declares_every_package_it_imports():
    problems = undeclared(APP, set(declared(ROOT / "requirements.in")), "requirements.in")
    assert not problems, "\n".join(problems)


def test_the_tests_and_benchmarks_declare_every_package_they_import():
    names = set(declared(ROOT / "requirements.in")) | set(declared(ROOT / "requirements-dev.in"))
    problems = undeclared(DEV, names, "requirements-dev.in (or requirements.in)")
    assert not problems, "\n".join(problems)


def test_the_import_reader_sees_what_the_checks_rely_on():
    app = third_party_imports(APP)
    dev = third_party_imports(DEV)
    assert {"streamlit", "numpy", "PIL", "tensorflow", "segno"} <= set(app), sorted(app)
    assert {"pytest", "markdown_it", "websockets"} <= set(dev), sorted(dev)
    assert not {"os", "__future__", "cnnlib", "ui", "tests"} & (set(app) | set(dev))


def test_every_direct_package_is_pinned_in_the_generated_file():
    for source, generated in (("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")):
        wanted, pinned = declared(ROOT / source), pins(ROOT / generated)
        for name, line in wanted.items():
            assert name in pinned, f"{source} declares {name}, {generated} does not pin it: regenerate (README, 'Dependencies')"
            spec = line.split(";", 1)[0]
            if "==" in spec:
                version = spec.split("==", 1)[1].strip()
                got = sorted({v for v, _ in pinned[name]})
                assert got == [version], f"{source} pins {name}=={version}, {generated} has {got}: regenerate"
            if ";" in line:  # an environment marker (tensorflow-cpu on Linux only) survives into the pin
                assert all(marker for _, marker in pinned[name]), f"{generated}: {name} lost its marker {line!r}"


def test_the_dev_file_pins_the_apps_packages_at_the_same_versions():
    app, dev = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-dev.txt")
    for name, versions in app.items():
        assert name in dev, f"requirements-dev.txt lacks {name}, which requirements.txt pins"
        assert sorted({v for v, _ in dev[name]}) == sorted({v for v, _ in versions}), (
            f"{name}: requirements.txt pins {versions}, requirements-dev.txt {dev[name]}: "
            "compile the dev file with -c requirements.txt (README, 'Dependencies')"
        )


def test_pytest_loads_exactly_the_plugins_the_dev_requirements_ask_for(request):
    """pytest.ini turns pytest's plugin autoloading off and names the plugins: the pytest plugin of every package
    requirements-dev.in asks for is loaded, and no other plugin a machine happens to have (a dependency's, such as
    platformdirs' fixtures, is not asked for)."""
    ini = configparser.ConfigParser()
    ini.read(ROOT / "pytest.ini", encoding="utf-8")
    args = ini["pytest"]["addopts"].split()
    assert "--disable-plugin-autoload" in args
    named = {args[i + 1] for i, arg in enumerate(args[:-1]) if arg == "-p"}
    wanted = set(declared(ROOT / "requirements-dev.in"))
    plugins = {}  # the pytest plugin modules of each package requirements-dev.in asks for
    for dist in distributions():
        modules = {entry.value for entry in dist.entry_points if entry.group == "pytest11"}
        if modules and normalize(dist.metadata["Name"]) in wanted:
            plugins[normalize(dist.metadata["Name"])] = modules
    assert {"pytest-xdist", "pytest-timeout", "hypothesis"} <= set(plugins), sorted(plugins)
    for name, modules in plugins.items():
        assert modules & named, f"requirements-dev.in asks for {name}, pytest.ini does not load it: -p {min(modules)}"
    others = named - set().union(*plugins.values())
    assert not others, f"pytest.ini loads plugins of packages requirements-dev.in does not ask for: {sorted(others)}"
    assert all(request.config.pluginmanager.has_plugin(module) for module in named)
    assert not request.config.pluginmanager.has_plugin("anyio")  # installed on the 2-core machine, not a dependency


def test_no_other_dependency_file_would_win_on_community_cloud():
    """Cloud installs the first of uv.lock, Pipfile, environment.yml, requirements.txt it finds (README)."""
    for name in ("uv.lock", "Pipfile", "Pipfile.lock", "environment.yml"):
        assert not (ROOT / name).exists(), f"{name} would be installed on Community Cloud instead of requirements.txt"


def test_the_readers_are_strict():
    assert PINNED.match("tensorflow-cpu==2.21.0 ; sys_platform == 'linux'")["marker"] == "sys_platform == 'linux'"
    for bad in ("numpy>=2", "numpy", "--index-url file:///opt/pypi/simple", "-e .", "numpy @ file:///tmp/n.whl",
                "numpy==2.4.6 --hash=sha256:00"):
        assert not PINNED.match(bad), bad
    assert normalize("Markdown_It.py") == "markdown-it-py"
