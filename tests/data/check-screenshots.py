#!/usr/bin/env python3
"""The metainfo's screenshots are the ones in data/screenshots.

Every <image> the metainfo names is a PNG in data/screenshots with the
width and height it states, and every PNG there is named, so the store
listing and the README show what build-aux/take-screenshots.sh rendered.

Usage: check-screenshots.py METAINFO_IN SCREENSHOT_DIR
"""
import os
import struct
import sys
import xml.etree.ElementTree as ET


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def main(metainfo, folder):
    failures = []
    images = ET.parse(metainfo).getroot().findall("./screenshots/screenshot/image")
    if not images:
        failures.append("the metainfo has no screenshots")
    named = set()
    for image in images:
        name = os.path.basename(image.text.strip())
        named.add(name)
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            failures.append(f"{name}: not in {folder}")
            continue
        size = png_size(path)
        if size is None:
            failures.append(f"{name}: not a PNG")
        elif size != (int(image.get("width", 0)), int(image.get("height", 0))):
            failures.append(f"{name}: {size[0]}×{size[1]}, the metainfo says "
                            f"{image.get('width')}×{image.get('height')}")
        elif size[0] < 500 or os.path.getsize(path) < 10000:
            failures.append(f"{name}: too small to be a real screenshot")
    for name in sorted(os.listdir(folder)):
        if name.endswith(".png") and name not in named:
            failures.append(f"{name}: in {folder} but not in the metainfo")
    for failure in failures:
        print(f"not ok: {failure}")
    print(f"{len(images)} screenshots checked, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
