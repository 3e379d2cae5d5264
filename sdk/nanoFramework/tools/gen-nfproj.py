#!/usr/bin/env python3
"""Regenerates nf/Edge.Device.NanoFramework.nfproj's Compile list from src/ (run after adding a source file).
NfprojTests fails when the list and the compat build's sources disagree."""
import os, re, pathlib
root = pathlib.Path(__file__).resolve().parent.parent
src = root / "src" / "Edge.Device.NanoFramework"
files = sorted(p.relative_to(src).as_posix() for p in src.rglob("*.cs") if not {"obj", "bin"} & set(p.relative_to(src).parts))
items = "\n".join(
    f'    <Compile Include="..\\src\\Edge.Device.NanoFramework\\{f.replace("/", chr(92))}">\n      <Link>{f.replace("/", chr(92))}</Link>\n    </Compile>'
    for f in files)
nfproj = root / "nf" / "Edge.Device.NanoFramework.nfproj"
text = nfproj.read_text()
text = re.sub(r"(<ItemGroup Label=\"Sources\">\n).*?(\n  </ItemGroup>)", lambda m: m.group(1) + items + m.group(2), text, flags=re.S)
nfproj.write_text(text)
