"""Architecture rules that code review would otherwise have to catch."""

from __future__ import annotations

import ast
from pathlib import Path

from audisi.services import ROOT, SERVICES


def imported_modules(path: Path) -> set[str]:
    """Every module a Python file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_no_service_imports_another_service() -> None:
    offences = []
    for name in SERVICES:
        for path in (ROOT / "services" / name).rglob("*.py"):
            for module in imported_modules(path):
                if module.startswith("services.") and not module.startswith(f"services.{name}"):
                    offences.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offences == []


def test_shared_kernel_imports_no_service() -> None:
    offences = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "shared").rglob("*.py")
        for module in imported_modules(path)
        if module.startswith(("services", "audisi"))
    ]
    assert offences == []


def test_every_service_has_its_own_migrations_and_tests() -> None:
    for name in SERVICES:
        base = ROOT / "services" / name
        assert (base / "migrations" / "env.py").is_file(), name
        assert any((base / "migrations" / "versions").glob("0001_*.py")), name
        assert any((base / "tests").glob("test_*.py")) or any((base / "tests").rglob("test_*.py")), name


def _writes_spreadsheets(tree: ast.AST) -> bool:
    """Whether a module builds CSV (csv.writer, csv.DictWriter) or XLSX (openpyxl's Workbook) output."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in ("writer", "DictWriter", "Workbook"):
                return True
    return False


def test_every_spreadsheet_writer_uses_the_shared_safe_cell() -> None:
    """A CSV or XLSX writer without shared.cells would let `=HYPERLINK(...)` in a title run as a formula."""
    offences = []
    sources = [*(ROOT / "shared").rglob("*.py"), *(ROOT / "services").rglob("*.py"), *(ROOT / "audisi").rglob("*.py")]
    for path in sources:
        if "tests" in path.relative_to(ROOT).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        if _writes_spreadsheets(tree) and "shared.cells" not in imported_modules(path):
            offences.append(str(path.relative_to(ROOT)))
    assert offences == []


def test_every_domain_folder_has_its_service_module() -> None:
    """ARCHITECTURE.md: one folder per domain concept, with `service.py` (domain, no HTTP) always."""
    offences = []
    for name in SERVICES:
        for folder in sorted((ROOT / "services" / name).iterdir()):
            if not (folder / "__init__.py").is_file() or folder.name in ("tests", "migrations"):
                continue
            if not (folder / "service.py").is_file():
                offences.append(str(folder.relative_to(ROOT)))
    assert offences == []


def imported_routes(path: Path) -> set[str]:
    """The `routes` modules a file imports, however named (`from x.routes import y`, `from x import routes`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[-1] == "routes")
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[-1] == "routes":
                found.add(node.module)
            found.update(f"{node.module}.routes" for alias in node.names if alias.name == "routes")
    return found


def test_no_routes_module_imports_another() -> None:
    """Issue 15: route dependencies shared by domains live in the service's `deps.py`, not in another `routes.py`."""
    offences = {
        f"{path.relative_to(ROOT)} imports {module}"
        for name in SERVICES
        for path in (ROOT / "services" / name).rglob("routes.py")
        for module in imported_routes(path)
    }
    assert offences == set()


MODULE_LINE_LIMIT = 400
#: Data rather than logic: the web front's English text for each Indonesian sentence, one entry a line.
LONG_MODULES_ALLOWED = {"services/web/i18n.py"}


def test_no_module_of_a_service_or_the_kernel_does_too_much() -> None:
    """Issue 15: a module over ~400 lines does several jobs; split it by job inside its domain folder."""
    too_long = {
        f"{path.relative_to(ROOT)}: {lines} lines"
        for folder in (ROOT / "services", ROOT / "shared")
        for path in folder.rglob("*.py")
        if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)
        and str(path.relative_to(ROOT)) not in LONG_MODULES_ALLOWED
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINE_LIMIT
    }
    assert too_long == set()


def _service_sources() -> list[Path]:
    """The services' own modules (not their tests or migrations)."""
    return [
        path
        for path in (ROOT / "services").rglob("*.py")
        if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)
    ]


def test_service_functions_take_the_session_first() -> None:
    """Issue 15: one signature for service functions, `(session, *, ...)`, not `(*, session, ...)`."""
    offences: set[str] = set()
    for path in _service_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            args = node.args
            if not args.args and not args.posonlyargs and args.kwonlyargs and args.kwonlyargs[0].arg == "session":
                offences.add(f"{path.relative_to(ROOT)}:{node.name}")
    assert offences == set()


def test_roles_are_checked_through_has_role() -> None:
    """Issue 15: `principal.has_role(...)` (admins hold every role), never a hand-written `principal.role == ...`."""
    offences: set[str] = set()
    for path in _service_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Compare):
                offences.update(
                    f"{path.relative_to(ROOT)}:{node.lineno}"
                    for side in (node.left, *node.comparators)
                    if isinstance(side, ast.Attribute)
                    and side.attr == "role"
                    and isinstance(side.value, ast.Name)
                    and side.value.id in ("principal", "viewer")
                )
    assert offences == set()
