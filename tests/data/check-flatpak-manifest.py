#!/usr/bin/env python3
"""Checks flatpak/org.custodian.Custodian.json without flatpak-builder.

The manifest cannot be built here (no Flatpak remotes), so this keeps it
honest: valid JSON, the app id the desktop file and metainfo use, the
command the desktop file runs, every downloaded source pinned by sha256 (or
a git commit), the modules the runtime lacks, every library the build asks
for (meson's dependency() and find_library()) either in the runtime
(x-runtime-provides) or built by a module (its x-provides), and a sandbox
with network but no home or host files.

Usage: check-flatpak-manifest.py MANIFEST DESKTOP_IN METAINFO_IN
"""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def desktop_exec(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("Exec="):
                return line[len("Exec="):].split()[0]
    return None


def all_modules(modules):
    for module in modules:
        if isinstance(module, str):  # a path to a module file, not used here
            failures.append(f"module given as a file name ({module}): keep them inline")
            continue
        yield module
        yield from all_modules(module.get("modules", []))


def check_source(module_name, source):
    kind = source.get("type")
    where = f"module {module_name}: {kind} source {source.get('url', source.get('path'))}"
    if kind in ("archive", "file"):
        url = source.get("url", "")
        check(url.startswith("https://"), f"{where}: not an https URL")
        check(re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")) is not None,
              f"{where}: no sha256")
        check(bool(source.get("x-checksum-origin")),
              f"{where}: say where the sha256 was checked (x-checksum-origin)")
    elif kind == "git":
        check(re.fullmatch(r"[0-9a-f]{40}", source.get("commit", "")) is not None,
              f"{where}: a git source must be pinned to a commit")
    elif kind in ("dir", "patch", "shell", "script"):
        pass
    else:
        failures.append(f"{where}: unexpected source type")


# Libraries every system has: the C library's own.
LIBC = {"m", "dl", "pthread", "rt"}


def build_libraries(root):
    """The pkg-config names (and find_library() names as lib<name>) that
    the project's meson.build files require, with where each is asked.
    Optional ones (required: false) and the tests' (the manifest builds
    with -Dtests=false) are left out."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs
                   if not d.startswith((".", "build")) and d not in ("subprojects", "tests")]
        if "meson.build" not in files:
            continue
        path = os.path.join(folder, "meson.build")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for kind, name, rest in re.findall(r"\b(dependency|find_library)\(\s*'([^']+)'([^)]*)\)",
                                           text):
            if re.search(r"required\s*:\s*false", rest) or name in LIBC:
                continue
            found.setdefault(name if kind == "dependency" else "lib" + name, path)
    return found


def check_libraries(manifest, modules, root):
    provided = set(manifest.get("x-runtime-provides", []))
    for module in modules:
        provided.update(module.get("x-provides", []))
    for name, path in sorted(build_libraries(root).items()):
        check(name in provided,
              f"{os.path.relpath(path, root)} needs {name}, which neither the runtime "
              "(x-runtime-provides) nor a module (x-provides) has: add a module")


def main(manifest_path, desktop_in, metainfo_in):
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)

    app_id = manifest.get("id") or manifest.get("app-id")
    desktop_id = os.path.basename(desktop_in).removesuffix(".in").removesuffix(".desktop")
    metainfo_id = ET.parse(metainfo_in).getroot().findtext("id")
    check(app_id == desktop_id, f"app id {app_id!r} is not the desktop file's {desktop_id!r}")
    check(app_id == metainfo_id, f"app id {app_id!r} is not the metainfo's {metainfo_id!r}")
    check(os.path.basename(manifest_path) == f"{app_id}.json",
          "the manifest's file name is not the app id")

    check(manifest.get("runtime") == "org.gnome.Platform", "runtime is not org.gnome.Platform")
    check(manifest.get("sdk") == "org.gnome.Sdk", "sdk is not org.gnome.Sdk")
    check(bool(manifest.get("runtime-version")), "no runtime-version")
    check(manifest.get("command") == desktop_exec(desktop_in),
          f"command {manifest.get('command')!r} is not what the desktop file runs")

    args = manifest.get("finish-args", [])
    for needed in ("--share=network", "--socket=wayland", "--socket=fallback-x11", "--device=dri"):
        check(needed in args, f"finish-args lack {needed}")
    for arg in args:
        check(not re.match(r"--filesystem=(home|host|host-os|~)", arg),
              f"finish-args give file access the app must not have: {arg}")
        check(not arg.startswith(("--socket=session-bus", "--socket=system-bus", "--device=all")),
              f"finish-args too broad: {arg}")

    modules = list(all_modules(manifest.get("modules", [])))
    names = [m.get("name") for m in modules]
    for needed in ("postgresql", "libharu", "poppler", "custodian"):
        check(needed in names, f"no {needed} module")
    check(names[-1:] == ["custodian"], "the app is not the last module")
    for module in modules:
        check(bool(module.get("sources")), f"module {module.get('name')}: no sources")
        for source in module.get("sources", []):
            check_source(module.get("name"), source)

    # The private database needs the server programs, not only libpq.
    postgres = next((m for m in modules if m.get("name") == "postgresql"), {})
    removed = " ".join(postgres.get("cleanup", []) + manifest.get("cleanup", []))
    for program in ("initdb", "pg_ctl", "postgres"):
        check(not re.search(rf"(^|\s)/bin(/{program}\b|/?\*?(\s|$))", removed),
              f"the postgresql module's {program} is cleaned up")
    check("--env=CUSTODIAN_PG_BINDIR=/app/bin" in args,
          "the app is not told where the PostgreSQL server programs are")

    check_libraries(manifest, modules,
                    os.path.dirname(os.path.dirname(os.path.abspath(manifest_path))))

    app = modules[-1] if modules else {}
    check(app.get("buildsystem") == "meson", "the app is not built with meson")

    for failure in failures:
        print(f"not ok: {failure}")
    print(f"{len(modules)} modules checked, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
