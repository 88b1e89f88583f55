#!/usr/bin/env python3
"""Makes custodian-cli(1) from data/custodian-cli.1.in and the program itself.

The page's frame (description, environment, files, exit status, examples)
is written by hand in the template; its COMMANDS section comes from
`custodian-cli --help` and each command's own --help, so a command added to
the dispatcher is in the manual without anyone remembering to add it.

Usage: gen-cli-man.py CUSTODIAN_CLI TEMPLATE OUTPUT VERSION
"""
import datetime
import os
import re
import subprocess
import sys


def run_help(cli, words):
    env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="", GSETTINGS_BACKEND="memory")
    result = subprocess.run([cli, *words, "--help"], env=env, capture_output=True,
                            text=True, check=True)
    return result.stdout


def parse_commands(top_help):
    """The `Commands:` block of the top-level help: (words, summary) pairs."""
    commands, in_block = [], False
    for line in top_help.splitlines():
        if line.strip() == "Commands:":
            in_block = True
        elif in_block and line.startswith("  ") and line.strip():
            # printed as "  %-20s %s"; a longer name is followed by one space
            match = re.match(r"^  (\S+(?: \S+)?)\s+(\S.*)$", line)
            if match:
                commands.append((match.group(1).split(), match.group(2).strip()))
        elif in_block and not line.strip():
            break
    return commands


def parse_command_help(text):
    """The usage line's arguments and description, and the options."""
    lines = text.splitlines()
    usage = next((lines[i + 1].strip() for i, l in enumerate(lines)
                  if l.startswith("Usage:") and i + 1 < len(lines)), "")
    after = usage.split("[OPTION…]", 1)[1].strip() if "[OPTION…]" in usage else ""
    arguments, _, description = after.partition("—")
    options, in_block = [], False
    for line in lines:
        if line.endswith("Options:") and not line.startswith(" "):
            in_block = line.startswith("Application Options")
            continue
        if not in_block:
            continue
        if not line.strip():
            in_block = False
            continue
        match = re.match(r"^\s+((?:-\w, )?--[\w-]+(?:=\S+)?)\s{2,}(.*)$", line)
        if match:
            options.append([match.group(1), match.group(2).strip()])
        elif options:  # a description continued on the next line
            options[-1][1] += " " + line.strip()
    return arguments.strip(), description.strip(), options


def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def roff_option(spec):
    """-o, --output=FILE  ->  bold names, italic argument."""
    names, _, arg = spec.partition("=")
    out = "\\fB" + roff(names) + "\\fR"
    if arg:
        out += "=\\fI" + roff(arg) + "\\fR"
    return out


def command_section(cli, words, summary):
    arguments, description, options = parse_command_help(run_help(cli, words))
    name = " ".join(words)
    out = [f'.SS "{roff(name)}"',
           f".B custodian\\-cli {roff(name)}",
           "[\\fIOPTIONS\\fR]" + (f" \\fI{roff(arguments)}\\fR" if arguments else ""),
           ".PP",
           roff(summary.rstrip(".") + "."),
           ]
    if arguments and description:  # says what the argument is
        out += [".PP", f"\\fI{roff(arguments)}\\fR: " + roff(description.rstrip(".") + ".")]
    for spec, text in options:
        out += [".TP", roff_option(spec), roff(text)]
    return out


def main(cli, template, output, version):
    commands = parse_commands(run_help(cli, []))
    if not commands:
        sys.exit(f"{cli} --help lists no commands")
    body = []
    for words, summary in commands:
        body += command_section(cli, words, summary)
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or None
    date = (datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc) if epoch
            else datetime.datetime.now(datetime.timezone.utc)).strftime("%Y-%m-%d")
    with open(template, encoding="utf-8") as f:
        page = f.read()
    page = (page.replace("@COMMANDS@", "\n".join(body))
                .replace("@VERSION@", version).replace("@DATE@", date))
    with open(output, "w", encoding="utf-8") as f:
        f.write(page)


if __name__ == "__main__":
    main(*sys.argv[1:5])
